/** The plugin's values (src/plugin/values.ts): the engine's wire format for secrets and unknowns. */
import { runtime } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { conceal, isSecretValue, reveal, secretValue, toStruct, UNKNOWN } from "../src/plugin/values";
import { UNKNOWN as CORE_UNKNOWN } from "../src/provider/inputs";

describe("the plugin's values", () => {
  it("the unknown value is Pulumi's own, written out so the core loads without @pulumi/pulumi", () => {
    expect(CORE_UNKNOWN).toBe(runtime.unknownValue);
    expect(UNKNOWN).toBe(runtime.unknownValue);
  });

  it("reveal unwraps every secret and says which properties held one", () => {
    const { plain, secrets } = reveal({
      signingKey: secretValue("k"),
      events: ["a", secretValue("b")],
      nested: { deep: secretValue({ x: 1 }) },
      url: "u",
    });
    expect(plain).toEqual({ signingKey: "k", events: ["a", "b"], nested: { deep: { x: 1 } }, url: "u" });
    expect([...secrets].sort()).toEqual(["events", "nested", "signingKey"]);
  });

  it("conceal wraps the named properties, once, and drops what is undefined", () => {
    const out = conceal({ signingKey: "k", token: secretValue("t"), gone: undefined, url: "u" }, [
      "signingKey",
      "token",
    ]);
    expect(out).toEqual({ signingKey: secretValue("k"), token: secretValue("t"), url: "u" });
    expect(isSecretValue(out.signingKey)).toBe(true);
  });

  it("a Struct takes what has undefined inside (Struct.fromJavaScript alone fails on it)", () => {
    expect(toStruct({ a: { b: undefined, c: 1 }, d: [undefined] }).toJavaScript()).toEqual({
      a: { c: 1 },
      d: [null],
    });
  });
});
