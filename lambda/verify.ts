/**
 * Checks a delivery's `Calendly-Webhook-Signature` against the current signing keys, with one
 * forced key re-read (rate-limited by the key source) when no key matches: that is how a rotated
 * key reaches a warm container. The cryptography is calendly/signature.ts, shared project-wide.
 */
import { type SignatureCheck, verifySignature } from "../calendly/signature";
import type { SigningKeySource } from "./keys";

/** Lower-case, as API Gateway (payload 2.0) delivers header names. */
export const SIGNATURE_HEADER_NAME = "calendly-webhook-signature";

export interface VerifyDeliveryOptions {
  headers: Readonly<Record<string, string | undefined>> | undefined;
  body: Uint8Array;
  keys: SigningKeySource;
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
  if (headers === undefined) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

export async function verifyDelivery(options: VerifyDeliveryOptions): Promise<DeliveryCheck> {
  const header = headerValue(options.headers, SIGNATURE_HEADER_NAME);
  const check = (keys: readonly string[]) =>
    verifySignature({
      header,
      body: options.body,
      keys,
      now: options.now,
      toleranceSeconds: options.toleranceSeconds,
      futureSkewSeconds: options.futureSkewSeconds,
    });
  const first = check(await options.keys.current());
  // Only a well-formed, fresh signature that no key matches can be fixed by newer keys.
  if (first.ok || (first.reason !== "mismatch" && first.reason !== "no_keys")) {
    return { ...first, refreshed: false };
  }
  const fresh = await options.keys.refreshAfterFailure();
  if (fresh === undefined) return { ...first, refreshed: false };
  return { ...check(fresh), refreshed: true };
}
