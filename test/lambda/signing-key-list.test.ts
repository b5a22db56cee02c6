import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSigningKeys, parseSigningKeys, SigningKeysFormatError } from "../../lambda/signing-key-list";

describe("parseSigningKeys / formatSigningKeys", () => {
  it("reads a JSON array", () => {
    expect(parseSigningKeys('["a","b"]')).toEqual(["a", "b"]);
    expect(parseSigningKeys('  [" a ", "", "b", "a"]\n')).toEqual(["a", "b"]);
  });

  it("reads hand-written comma- or newline-separated keys, trimmed, without empties or duplicates", () => {
    expect(parseSigningKeys("a, b,,c\r\n d\n\na")).toEqual(["a", "b", "c", "d"]);
    expect(parseSigningKeys("single")).toEqual(["single"]);
    expect(parseSigningKeys("  \n ")).toEqual([]);
  });

  it("refuses text that looks like JSON but is not an array of strings, without quoting it", () => {
    for (const text of ['["secret-key"', '["a", 1]', "[{}]"]) {
      expect(() => parseSigningKeys(text)).toThrow(SigningKeysFormatError);
      try {
        parseSigningKeys(text);
      } catch (error) {
        expect((error as Error).message).not.toContain("secret-key");
      }
    }
  });

  it("writes a JSON array, deduplicated", () => {
    expect(formatSigningKeys(["k1", "k2", "k1"])).toBe('["k1","k2"]');
    expect(formatSigningKeys([])).toBe("[]");
  });

  it("refuses keys that would not survive a round trip, without quoting them", () => {
    expect(() => formatSigningKeys(["ok", " padded-secret "])).toThrow(/#2/);
    expect(() => formatSigningKeys([""])).toThrow(SigningKeysFormatError);
    expect(() => formatSigningKeys(["ok", " padded-secret "])).not.toThrow(/padded-secret/);
  });

  it("round-trips any list of keys, including keys with commas, quotes and newlines inside", () => {
    const key = fc.string({ minLength: 1, maxLength: 40 }).filter((k) => k.trim() === k && k !== "");
    fc.assert(
      fc.property(fc.array(key, { maxLength: 6 }), (keys) => {
        expect(parseSigningKeys(formatSigningKeys(keys))).toEqual([...new Set(keys)]);
      }),
      { numRuns: 300 },
    );
  });
});
