/** What every Calendly API handler receives. */
import type { Store, TokenGrant } from "../store";

/**
 * Which existing subscriptions make a create answer `409 Already Exists`:
 * - `owner` (the default): one with the same URL, scope and owner (user or group) in the
 *   organization, as Calendly documents it ("In one organization, subscriptions for the same user
 *   cannot share a URL"), whatever its state;
 * - `organization`: any subscription of the same organization with the same callback URL, whatever
 *   its scope, owner or state (a stricter reading, kept for tests that want it).
 */
export const DUPLICATE_URL_RULES = ["owner", "organization"] as const;
export type DuplicateUrlRule = (typeof DUPLICATE_URL_RULES)[number];

export interface ApiContext {
  store: Store;
  /** The caller's token, already checked to be active. */
  grant: TokenGrant;
  query: URLSearchParams;
  /** The raw request body (empty for most calls). */
  body: Buffer;
  /** Path parameters captured by the route, e.g. the subscription uuid. */
  params: readonly string[];
  now: Date;
  duplicateUrlRule: DuplicateUrlRule;
  /** Refuse callback URLs whose host is not public (Calendly: the URL "must be public"). */
  publicCallbackUrlsOnly: boolean;
}
