/**
 * Bearer tokens: which seeded token a request carries, whether it still works, and which OAuth
 * scopes it lacks. Token values never leave this module in an error or a log line.
 */
import { insufficientScope, MESSAGES, unauthenticated } from "./errors";
import type { Store, TokenGrant } from "./store";

/** The token of an `Authorization: Bearer <token>` header; `undefined` for any other shape. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** The seeded token a request carries, whatever its state; `undefined` when unknown or absent. */
export function identify(store: Store, authorization: string | undefined): TokenGrant | undefined {
  const token = bearerToken(authorization);
  return token === undefined ? undefined : store.tokenGrant(token);
}

/** Throws Calendly's 401 unless `grant` is a known, active token. */
export function requireActive(grant: TokenGrant | undefined): TokenGrant {
  if (!grant) throw unauthenticated(MESSAGES.tokenInvalid);
  if (grant.state === "expired") throw unauthenticated(MESSAGES.tokenExpired);
  if (grant.state === "revoked") throw unauthenticated(MESSAGES.tokenRevoked);
  return grant;
}

/**
 * The scopes among `required` this token lacks, in the order given. A legacy personal access
 * token (no `scopes` in the seed) has every scope. A `:write` scope implies the `:read` scope of
 * the same domain (Calendly's "Authorization Scopes" page: "A :write scope implicitly includes the
 * corresponding :read scope within the same domain").
 */
export function missingScopes(grant: TokenGrant, required: readonly string[]): string[] {
  if (grant.scopes === undefined) return [];
  const granted = new Set(grant.scopes);
  for (const scope of grant.scopes) {
    if (scope.endsWith(":write")) granted.add(`${scope.slice(0, -":write".length)}:read`);
  }
  return [...new Set(required)].filter((scope) => !granted.has(scope));
}

/** Throws Calendly's 403 `Insufficient scope`, listing what is lacking, unless the token has `required`. */
export function requireScopes(grant: TokenGrant, required: readonly string[]): void {
  const lacking = missingScopes(grant, required);
  if (lacking.length > 0) throw insufficientScope(lacking);
}

export function isAdmin(grant: TokenGrant): boolean {
  return grant.role === "owner" || grant.role === "admin";
}
