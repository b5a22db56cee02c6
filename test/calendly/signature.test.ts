import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_FUTURE_SKEW_SECONDS,
  DEFAULT_TOLERANCE_SECONDS,
  parseSignatureHeader,
  signatureHeader,
  verifySignature,
} from "../../calendly";

const KEY = "sk_test_signing_key_1";
const OTHER_KEY = "sk_test_signing_key_2";
const NOW = 1_790_000_000;
const BODY = '{"event":"invitee.created","created_at":"2026-09-21T12:00:00.000000Z","payload":{}}';
const HEX = "a".repeat(64);

/** Calendly's formula spelled out independently of the module under test. */
function reference(key: string, t: string, body: string): string {
  return createHmac("sha256", key).update(`${t}.${body}`).digest("hex");
}

function verify(header: string | undefined, overrides: Partial<Parameters<typeof verifySignature>[0]> = {}) {
  return verifySignature({ header, body: BODY, keys: [KEY], now: NOW, ...overrides });
}

describe("signatureHeader", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.' + body>", () => {
    expect(signatureHeader(KEY, BODY, NOW)).toBe(`t=${NOW},v1=${reference(KEY, String(NOW), BODY)}`);
  });

  it("signs bytes and the same text identically", () => {
    expect(signatureHeader(KEY, Buffer.from(BODY), NOW)).toBe(signatureHeader(KEY, BODY, NOW));
  });
});

describe("verifySignature", () => {
  it("accepts a valid signature", () => {
    expect(verify(signatureHeader(KEY, BODY, NOW))).toEqual({ ok: true, timestamp: NOW, keyIndex: 0 });
  });

  it("verifies the raw bytes, also when given a view into a larger buffer", () => {
    const raw = Buffer.from(`xxxx${BODY}yyyy`);
    const view = new Uint8Array(raw.buffer, raw.byteOffset + 4, Buffer.byteLength(BODY));
    expect(verify(signatureHeader(KEY, BODY, NOW), { body: view }).ok).toBe(true);
  });

  it("rejects a signature made with another key", () => {
    const check = verify(signatureHeader(OTHER_KEY, BODY, NOW));
    expect(check).toMatchObject({ ok: false, reason: "mismatch" });
  });

  it("rejects a tampered body, even a one-byte or whitespace change", () => {
    const header = signatureHeader(KEY, BODY, NOW);
    expect(verify(header, { body: BODY.replace("created", "canceled") })).toMatchObject({
      reason: "mismatch",
    });
    expect(verify(header, { body: `${BODY} ` })).toMatchObject({ reason: "mismatch" });
    // Re-serialized JSON is a different body: verification must use the bytes as received.
    expect(verify(header, { body: JSON.stringify(JSON.parse(BODY), null, 1) })).toMatchObject({
      reason: "mismatch",
    });
  });

  it("rejects a tampered timestamp (the signature covers t)", () => {
    const v1 = reference(KEY, String(NOW), BODY);
    expect(verify(`t=${NOW - 1},v1=${v1}`)).toMatchObject({ reason: "mismatch" });
  });

  it("signs the t= text as received", () => {
    // A sender writing t with a leading zero signed that text; "0179…" and "179…" are different messages.
    const t = `0${NOW}`;
    expect(verify(`t=${t},v1=${reference(KEY, t, BODY)}`)).toMatchObject({ ok: true, timestamp: NOW });
    expect(verify(`t=${t},v1=${reference(KEY, String(NOW), BODY)}`)).toMatchObject({ reason: "mismatch" });
  });

  it("rejects stale timestamps beyond the tolerance and accepts them at its edge", () => {
    const at = (age: number) => verify(signatureHeader(KEY, BODY, NOW - age));
    expect(at(DEFAULT_TOLERANCE_SECONDS).ok).toBe(true);
    expect(at(DEFAULT_TOLERANCE_SECONDS + 1)).toMatchObject({ ok: false, reason: "stale" });
    expect(at(86_400)).toMatchObject({ ok: false, reason: "stale" });
    const custom = verify(signatureHeader(KEY, BODY, NOW - 20), { toleranceSeconds: 10 });
    expect(custom).toMatchObject({ reason: "stale" });
  });

  it("rejects timestamps from the future beyond the clock skew allowance", () => {
    const at = (ahead: number) => verify(signatureHeader(KEY, BODY, NOW + ahead));
    expect(at(DEFAULT_FUTURE_SKEW_SECONDS).ok).toBe(true);
    expect(at(DEFAULT_FUTURE_SKEW_SECONDS + 1)).toMatchObject({ ok: false, reason: "future" });
    const custom = verify(signatureHeader(KEY, BODY, NOW + 5), { futureSkewSeconds: 0 });
    expect(custom).toMatchObject({ reason: "future" });
  });

  it("reports a missing header", () => {
    for (const header of [undefined, "", "   "]) {
      expect(verify(header)).toMatchObject({ ok: false, reason: "missing" });
    }
    expect(verifySignature({ header: null, body: BODY, keys: [KEY], now: NOW })).toMatchObject({
      reason: "missing",
    });
  });

  it.each([
    ["no v1", `t=${NOW}`],
    ["no t", `v1=${HEX}`],
    ["duplicated t", `t=${NOW},t=${NOW},v1=${HEX}`],
    ["duplicated v1", `t=${NOW},v1=${HEX},v1=${HEX}`],
    ["two headers joined by a proxy", `t=${NOW},v1=${HEX},t=${NOW},v1=${HEX}`],
    ["t not a number", `t=abc,v1=${HEX}`],
    ["t in milliseconds with a fraction", `t=${NOW}.5,v1=${HEX}`],
    ["negative t", `t=-${NOW},v1=${HEX}`],
    ["empty t", `t=,v1=${HEX}`],
    ["v1 too short", `t=${NOW},v1=${HEX.slice(1)}`],
    ["v1 too long", `t=${NOW},v1=${HEX}aa`],
    ["v1 not hex", `t=${NOW},v1=${"g".repeat(64)}`],
    ["part without =", `t=${NOW},v1`],
    ["empty part", `t=${NOW},,v1=${HEX}`],
    ["part with empty name", `t=${NOW},=x,v1=${HEX}`],
    ["semicolons instead of commas", `t=${NOW};v1=${HEX}`],
    ["capitalised names", `T=${NOW},V1=${HEX}`],
  ])("rejects a malformed header: %s", (_name, header) => {
    expect(verify(header)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("ignores unknown parts such as a future scheme, and spaces around parts", () => {
    const [t, v1] = signatureHeader(KEY, BODY, NOW).split(",");
    expect(verify(`${t}, v0=${HEX}, ${v1}, v2=xyz`).ok).toBe(true);
  });

  it("accepts a signature made with any of several keys and says which", () => {
    const keys = ["k-old", KEY, OTHER_KEY];
    expect(verify(signatureHeader(OTHER_KEY, BODY, NOW), { keys })).toMatchObject({ ok: true, keyIndex: 2 });
    expect(verify(signatureHeader("k-old", BODY, NOW), { keys })).toMatchObject({ ok: true, keyIndex: 0 });
    expect(verify(signatureHeader("k-unknown", BODY, NOW), { keys })).toMatchObject({ reason: "mismatch" });
  });

  it("fails closed without keys; empty keys do not count", () => {
    const header = signatureHeader("", BODY, NOW);
    expect(verify(header, { keys: [] })).toMatchObject({ ok: false, reason: "no_keys" });
    expect(verify(header, { keys: [""] })).toMatchObject({ ok: false, reason: "no_keys" });
  });

  it("never puts a key or the body in its detail", () => {
    const header = signatureHeader(OTHER_KEY, BODY, NOW);
    for (const check of [
      verify(header),
      verify(`t=${NOW},v1=${KEY}`),
      verify(undefined),
      verify(header, { keys: [] }),
    ]) {
      expect(check.ok).toBe(false);
      if (!check.ok) {
        expect(check.detail).not.toContain(KEY);
        expect(check.detail).not.toContain(OTHER_KEY);
        expect(check.detail).not.toContain("invitee");
      }
    }
  });
});

describe("parseSignatureHeader", () => {
  it("returns the timestamp, its text and the 32-byte digest", () => {
    const parsed = parseSignatureHeader(`t=${NOW},v1=${HEX.toUpperCase()}`);
    expect(parsed).toMatchObject({ timestamp: NOW, timestampText: String(NOW) });
    if ("v1" in parsed) expect(parsed.v1).toEqual(Buffer.alloc(32, 0xaa));
  });
});
