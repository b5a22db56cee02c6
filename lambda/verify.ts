/**
 * Checks a delivery's `Calendly-Webhook-Signature` in the order that makes bad requests cheap:
 * first the header's shape and its timestamp against the window (no key needed: a missing, garbled
 * or stale header is refused without reading the keys), then the keys, then the HMAC, with one
 * forced key re-read (rate-limited by the key source) when no key matches: that is how a rotated
 * key reaches a warm container. The cryptography is calendly/signature.ts, shared project-wide.
 */
import { matchSignature, precheckSignature, type SignatureCheck } from "../calendly";
import type { Deadline } from "./deadline";
import type { SigningKeySource } from "./signing-key-source";

/** Lower-case, as API Gateway (payload 2.0) delivers header names. */
export const SIGNATURE_HEADER_NAME = "calendly-webhook-signature";

export interface VerifyDeliveryOptions {
  headers: Readonly<Record<string, string | undefined>> | undefined;
  /** The raw body bytes; only read once the header passed its checks. */
  body: () => Uint8Array;
  keys: SigningKeySource;
  /** Bounds reading the keys. */
  deadline?: Deadline;
  toleranceSeconds: number;
  futureSkewSeconds: number;
  /** Unix seconds. */
  now?: number;
}

export type DeliveryCheck = SignatureCheck & {
  /** Whether the keys were re-read for this delivery. */
  refreshed: boolean;
};

/** The header's value whatever its casing (API Gateway lower-cases, other callers may not). */
export function headerValue(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  name: string,
): string | undefined {
  if (headers === undefined || headers === null || typeof headers !== "object") return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** Throws `SigningKeysUnavailableError` only for a request whose header is well formed and fresh. */
export async function verifyDelivery(options: VerifyDeliveryOptions): Promise<DeliveryCheck> {
  const header = headerValue(options.headers, SIGNATURE_HEADER_NAME);
  const pre = precheckSignature({
    header: typeof header === "string" ? header : undefined,
    now: options.now,
    toleranceSeconds: options.toleranceSeconds,
    futureSkewSeconds: options.futureSkewSeconds,
  });
  if (!pre.ok) return { ...pre, refreshed: false };
  const body = options.body();
  const first = matchSignature(pre.parsed, body, await options.keys.current(options.deadline));
  if (first.ok) return { ...first, refreshed: false };
  const fresh = await options.keys.refreshAfterFailure(options.deadline);
  if (fresh === undefined) return { ...first, refreshed: false };
  return { ...matchSignature(pre.parsed, body, fresh), refreshed: true };
}
