/**
 * A subscription URL that changes whenever the subscription must be replaced, so that every
 * replacement creates the new subscription before it deletes the old one (diff.ts): no moment
 * without one, so no event Calendly never delivers.
 *
 *   markedUrl("https://hooks.example.com/calendly", "bookings", { events, scope: "user" })
 *   // → https://hooks.example.com/calendly?subscription=bookings&v=3f9c1a2b
 *
 * The marker is a short hash of everything that forces a replacement: the events (sorted, without
 * duplicates), the scope, the owners as declared, and the signing key's generation, a number
 * raised to rotate the key (never the key itself: a URL is no place for anything derived from a
 * secret). The receiver must route on the path and ignore the query, as API Gateway and most
 * frameworks do.
 */
import { createHash } from "node:crypto";

export const SUBSCRIPTION_QUERY_PARAMETER = "subscription";
export const MARKER_QUERY_PARAMETER = "v";
/** Hex digits of the marker: a collision between a subscription's old and new marker is 1 in 2^32. */
export const MARKER_LENGTH = 8;

/** What forces a replacement, besides the URL itself. */
export interface ReplacementInputs {
  events: readonly string[];
  scope: string;
  organization?: string;
  user?: string;
  group?: string;
  /** Raised by one to rotate the signing key; 1 when left out. */
  signingKeyGeneration?: number;
}

export function replacementMarker(inputs: ReplacementInputs): string {
  const canonical = JSON.stringify([
    [...new Set(inputs.events)].sort(),
    inputs.scope,
    inputs.organization ?? null,
    inputs.user ?? null,
    inputs.group ?? null,
    inputs.signingKeyGeneration ?? 1,
  ]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, MARKER_LENGTH);
}

/** `base` with `?subscription=<name>&v=<marker>` set (its other query parameters kept). */
export function markedUrl(base: string, name: string, inputs: ReplacementInputs): string {
  const url = new URL(base);
  url.searchParams.set(SUBSCRIPTION_QUERY_PARAMETER, name);
  url.searchParams.set(MARKER_QUERY_PARAMETER, replacementMarker(inputs));
  return url.href;
}
