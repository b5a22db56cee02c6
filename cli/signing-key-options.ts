/**
 * Signing keys from `--key` (repeatable) and `--key-file` (repeatable; keeps a key out of shell
 * history). Keys are secrets: messages about them say which option or file, never the value.
 */
import { readFileSync } from "node:fs";
import type { ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./args";

export const KEY_OPTIONS = {
  key: { type: "string", multiple: true },
  "key-file": { type: "string", multiple: true },
} as const satisfies ParseArgsOptionsConfig;

export function readKeys(values: { key?: string[]; "key-file"?: string[] }): string[] {
  const keys: string[] = [];
  for (const key of values.key ?? []) {
    if (key.length === 0) throw new UsageError("--key is empty: pass the signing key");
    keys.push(key);
  }
  for (const file of values["key-file"] ?? []) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(
        `cannot read --key-file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path`,
      );
    }
    // Files end with a newline that is not part of the key; anything else is kept as written.
    const key = text.replace(/\r?\n$/, "");
    if (key.length === 0) throw new UsageError(`--key-file ${file} is empty`);
    keys.push(key);
  }
  if (keys.length === 0) throw new UsageError("a signing key is required: --key <key> or --key-file <file>");
  return keys;
}
