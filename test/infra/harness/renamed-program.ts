/**
 * A copy of the program with a rename made the way docs/deployment.md ("Renaming without
 * replacing") says to make one: a new receiver type token (`RECEIVER_TYPE`) or resource prefix
 * (`RESOURCE_PREFIX`), the old one added to `FORMER_RECEIVER_TYPES` / `FORMER_RESOURCE_PREFIXES`
 * (or, to show what the plan prevents, not added).
 *
 * Only `index.ts` and `infra/` are copied (and edited); every other entry of the repository is a
 * symbolic link to it, so the copy runs the same Lambda bundles, packages and node_modules. The
 * test files that use it: test/infra/renames.test.ts (mocks), test/engine/renames.test.ts (the
 * real engine).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../../..");
/** Not needed by a run of the program (and `.git` must not be shared). */
const LEFT_OUT = new Set([".git", ".cache", "dist"]);
const COPIED = new Set(["index.ts", "infra"]);

export interface Rename {
  /** A new type token for the receiver component. */
  receiverType?: string;
  /** A new prefix for the stack's resource names (today's: "calendly-"). */
  resourcePrefix?: string;
  /** Whether the old value is recorded as a former one, as the plan says. */
  aliased: boolean;
}

export interface RenamedProgram {
  dir: string;
  /** The value replaced: the type token, or the prefix. */
  formerReceiverType: string;
  formerResourcePrefix: string;
  dispose(): void;
}

export function renamedProgram(rename: Rename): RenamedProgram {
  const dir = mkdtempSync(path.join(tmpdir(), "calendly-renamed-"));
  for (const entry of readdirSync(REPO_ROOT)) {
    if (LEFT_OUT.has(entry)) continue;
    const from = path.join(REPO_ROOT, entry);
    if (COPIED.has(entry)) cpSync(from, path.join(dir, entry), { recursive: true });
    else symlinkSync(from, path.join(dir, entry));
  }
  const formerReceiverType = edit(dir, "infra/receiver/index.ts", "RECEIVER_TYPE", "FORMER_RECEIVER_TYPES", {
    to: rename.receiverType,
    aliased: rename.aliased,
  });
  const formerResourcePrefix = edit(dir, "infra/naming.ts", "RESOURCE_PREFIX", "FORMER_RESOURCE_PREFIXES", {
    to: rename.resourcePrefix,
    aliased: rename.aliased,
  });
  return {
    dir,
    formerReceiverType,
    formerResourcePrefix,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * In `file`, `export const <current> = "<old>";` becomes `"<to>"` and, if aliased, `"<old>"` joins
 * `export const <formers>: readonly string[] = [...]`. Each declaration must be there exactly once,
 * so a change to the plan's constants fails here rather than testing nothing. Returns `<old>`.
 */
function edit(
  dir: string,
  file: string,
  current: string,
  formers: string,
  change: { to?: string; aliased: boolean },
): string {
  const filePath = path.join(dir, file);
  let text = readFileSync(filePath, "utf8");
  const currentDeclaration = new RegExp(`^export const ${current} = "([^"]+)";$`, "m");
  const formersDeclaration = new RegExp(
    `^export const ${formers}: readonly string\\[\\] = \\[(.*)\\];$`,
    "m",
  );
  const old = currentDeclaration.exec(text)?.[1];
  const list = formersDeclaration.exec(text)?.[1];
  if (old === undefined || list === undefined)
    throw new Error(`${file} no longer declares ${current} and ${formers}`);
  if (change.to === undefined) return old;
  text = text.replace(currentDeclaration, `export const ${current} = ${JSON.stringify(change.to)};`);
  if (change.aliased) {
    const entries = [list, JSON.stringify(old)].filter((entry) => entry.trim() !== "");
    text = text.replace(
      formersDeclaration,
      `export const ${formers}: readonly string[] = [${entries.join(", ")}];`,
    );
  }
  writeFileSync(filePath, text);
  return old;
}
