/**
 * Calendly's webhook signature, as API.md describes it:
 *
 *   Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>
 *   v1 = hex(HMAC-SHA256(key = signing key as UTF-8, message = "<t>." + raw body bytes))
 *
 * One implementation for the whole project: the emulator signs with it, the receiver and the CLI
 * verify with it. Verification works on the raw bytes exactly as received (never re-serialized
 * JSON) and compares digests in constant time.
 */
// First: on a Node.js too old for the package, stop here with one line (node-version.ts).
import "../node-version";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Calendly-Webhook-Signature";
/** Calendly's own sample rejects signatures older than three minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 180;
/** Allowance for a sender clock slightly ahead of ours. */
export const DEFAULT_FUTURE_SKEW_SECONDS = 30;

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * A new signing key: 32 random bytes (256 bits), base64url, so URL-safe, 43 characters, no padding.
 * What the provider generates for a subscription given none.
 */
export function generateSigningKey(): string {
  return randomBytes(32).toString("base64url");
}
const UNIX_SECONDS = /^[0-9]{1,12}$/;

function bytesOf(body: Uint8Array | string): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  // A view over the same memory, not a copy: verification runs once per key on every delivery.
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * The raw HMAC-SHA256 digest of `"<t>." + body` under `key`. `timestamp` may be the `t=` text exactly
 * as received: the signed message is that text, so a sender's `t=0017…` must not become `17…`.
 */
export function signatureDigest(key: string, timestamp: number | string, body: Uint8Array | string): Buffer {
  return createHmac("sha256", Buffer.from(key, "utf8"))
    .update(`${timestamp}.`, "utf8")
    .update(bytesOf(body))
    .digest();
}

/** The header value Calendly would send for `body` signed with `key` at `timestamp` (unix seconds). */
export function signatureHeader(key: string, body: Uint8Array | string, timestamp: number): string {
  return `t=${timestamp},v1=${signatureDigest(key, timestamp, body).toString("hex")}`;
}

export type SignatureFailureReason =
  /** No key configured: the receiver fails closed. */
  | "no_keys"
  /** The header is absent or empty. */
  | "missing"
  /** The header is present but not `t=<digits>,v1=<64 hex>` (including duplicated parts). */
  | "malformed"
  /** The timestamp is older than the tolerance. */
  | "stale"
  /** The timestamp is further ahead than the allowed clock skew. */
  | "future"
  /** Well formed and fresh, but no configured key produced this signature. */
  | "mismatch";

export type SignatureCheck =
  | { ok: true; timestamp: number; keyIndex: number }
  | {
      ok: false;
      reason: SignatureFailureReason;
      detail: string;
      /** For `stale` and `future`: now minus the signature's time, in seconds. */
      ageSeconds?: number;
    };

export interface ParsedSignatureHeader {
  timestamp: number;
  /** The `t=` value as received, which is what the sender signed. */
  timestampText: string;
  v1: Buffer;
}

/** Parses `t=..,v1=..`; unknown parts (a future `v2=`) are ignored, duplicated known parts refused. */
export function parseSignatureHeader(
  header: string | undefined | null,
): ParsedSignatureHeader | { reason: "missing" | "malformed"; detail: string } {
  if (header === undefined || header === null || header.trim() === "") {
    return { reason: "missing", detail: `no ${SIGNATURE_HEADER} header` };
  }
  let t: string | undefined;
  let v1: string | undefined;
  for (const rawPart of header.split(",")) {
    const part = rawPart.trim();
    const eq = part.indexOf("=");
    if (eq <= 0) return { reason: "malformed", detail: `part "${part.slice(0, 20)}" is not key=value` };
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "t") {
      if (t !== undefined) return { reason: "malformed", detail: "t= appears more than once" };
      t = value;
    } else if (name === "v1") {
      if (v1 !== undefined) return { reason: "malformed", detail: "v1= appears more than once" };
      v1 = value;
    }
  }
  if (t === undefined) return { reason: "malformed", detail: "no t= (timestamp) part" };
  if (v1 === undefined) return { reason: "malformed", detail: "no v1= (signature) part" };
  if (!UNIX_SECONDS.test(t)) return { reason: "malformed", detail: "t= is not a unix time in seconds" };
  if (!HEX_SHA256.test(v1)) return { reason: "malformed", detail: "v1= is not 64 hex digits (HMAC-SHA256)" };
  return { timestamp: Number(t), timestampText: t, v1: Buffer.from(v1, "hex") };
}

export interface VerifyOptions {
  /** The header's value as received (any casing of the header name is the caller's business). */
  header: string | undefined | null;
  /** The raw body bytes exactly as received. */
  body: Uint8Array | string;
  /** Every signing key currently valid (rotation, several subscriptions). */
  keys: readonly string[];
  /** Current time in unix seconds. */
  now?: number;
  toleranceSeconds?: number;
  futureSkewSeconds?: number;
}

/** The header's shape and timestamp, checked without any key: what a receiver can refuse for free. */
export interface PrecheckOptions {
  header: string | undefined | null;
  /** Current time in unix seconds. */
  now?: number;
  toleranceSeconds?: number;
  futureSkewSeconds?: number;
}

export type SignaturePrecheck =
  | { ok: true; parsed: ParsedSignatureHeader }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "future"; detail: string; ageSeconds?: number };

/**
 * Parses the header and checks the timestamp against the window. A receiver runs this before it
 * loads any key, so a request that could never verify costs no key read.
 */
export function precheckSignature(options: PrecheckOptions): SignaturePrecheck {
  const parsed = parseSignatureHeader(options.header);
  if ("reason" in parsed) return { ok: false, ...parsed };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = options.futureSkewSeconds ?? DEFAULT_FUTURE_SKEW_SECONDS;
  const age = now - parsed.timestamp;
  if (age > tolerance) {
    return {
      ok: false,
      reason: "stale",
      detail: `signed ${age}s ago, more than the ${tolerance}s tolerance`,
      ageSeconds: age,
    };
  }
  if (-age > skew) {
    return {
      ok: false,
      reason: "future",
      detail: `signed ${-age}s in the future, more than ${skew}s of skew`,
      ageSeconds: age,
    };
  }
  return { ok: true, parsed };
}

/** Whether any of `keys` produced the (prechecked) signature over `body`. */
export function matchSignature(
  parsed: ParsedSignatureHeader,
  body: Uint8Array | string,
  keys: readonly string[],
): SignatureCheck {
  const usable = keys.filter((k) => k.length > 0);
  if (usable.length === 0) return { ok: false, reason: "no_keys", detail: "no signing key is configured" };
  // Compare against every key, without stopping at the first match, so timing does not reveal
  // which key (or whether any) matched.
  let matched = -1;
  usable.forEach((key, index) => {
    const expected = signatureDigest(key, parsed.timestampText, body);
    if (timingSafeEqual(expected, parsed.v1) && matched === -1) matched = index;
  });
  if (matched === -1) {
    return {
      ok: false,
      reason: "mismatch",
      detail: "the signature does not match any configured signing key",
    };
  }
  return { ok: true, timestamp: parsed.timestamp, keyIndex: matched };
}

export function verifySignature(options: VerifyOptions): SignatureCheck {
  if (options.keys.every((k) => k.length === 0)) {
    return { ok: false, reason: "no_keys", detail: "no signing key is configured" };
  }
  const pre = precheckSignature(options);
  if (!pre.ok) return pre;
  return matchSignature(pre.parsed, options.body, options.keys);
}
