/** What every Calendly API handler receives. */
import type { Store, TokenGrant } from "../store";

/**
 * Which existing subscriptions make a create answer `409 Already Exists` (API.md leaves the exact
 * tuple open):
 * - `organization`: any subscription of the same organization with the same callback URL, whatever
 *   its scope, owner or state (the strictest reading, and the default);
 * - `owner`: only one with the same URL, scope and owner (user or group) in the organization.
 */
export type DuplicateUrlRule = "organization" | "owner";

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
}
