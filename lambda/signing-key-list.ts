/**
 * The signing-key list's text format, the same for `CALENDLY_SIGNING_KEYS` and the SSM parameter
 * the stack writes (infra/signing-keys.ts, with `formatSigningKeys`): a JSON array of strings, or,
 * for hand-written values, keys separated by commas or newlines. Keys are trimmed; empties and
 * duplicates are dropped.
 *
 * Its own module, apart from the receiver's key cache (signing-key-source.ts), because the stack,
 * the tools and the tests write lists too and need nothing else of the receiver.
 */

/** A key list that cannot be read. The message never contains a key. */
export class SigningKeysFormatError extends Error {
  override readonly name = "SigningKeysFormatError";
}

/** Writes `keys` as a JSON array, the format `parseSigningKeys` reads first. */
export function formatSigningKeys(keys: readonly string[]): string {
  const unique: string[] = [];
  keys.forEach((key, index) => {
    if (typeof key !== "string" || key.trim() === "" || key.trim() !== key) {
      throw new SigningKeysFormatError(
        `signing key #${index + 1} is empty or has leading/trailing whitespace; remove it or trim it`,
      );
    }
    if (!unique.includes(key)) unique.push(key);
  });
  return JSON.stringify(unique);
}

/** Reads a key list: a JSON array of strings, or keys separated by commas or newlines. */
export function parseSigningKeys(text: string): string[] {
  const trimmed = text.trim();
  let items: string[];
  if (trimmed.startsWith("[")) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw new SigningKeysFormatError(
        "signing keys start with '[' but are not a valid JSON array; write a JSON array of strings",
      );
    }
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) {
      throw new SigningKeysFormatError("signing keys JSON must be an array of strings");
    }
    items = value;
  } else {
    items = trimmed.split(/[,\r\n]+/);
  }
  const keys: string[] = [];
  for (const item of items) {
    const key = item.trim();
    if (key !== "" && !keys.includes(key)) keys.push(key);
  }
  return keys;
}
