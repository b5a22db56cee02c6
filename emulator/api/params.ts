/**
 * Checks shared by the endpoints that take an organization, a scope and an owner (listing
 * subscriptions, sample webhook data): each bad parameter becomes one 400 detail, and an owner the
 * token may not act for becomes a 403.
 */
import { isScope, SCOPES, type Scope } from "../../calendly";
import { isAdmin } from "../auth";
import { type ErrorDetail, MESSAGES, permissionDenied } from "../errors";
import type { Store, TokenGrant } from "../store";

export function missing(parameter: string): ErrorDetail {
  return { parameter, message: `${parameter} is missing` };
}

/** The `organization`, `scope` and owner (`user`, `group`) of a query: what listing and sample data both take. */
export interface OwnerQuery {
  organization: string | null;
  scope: Scope | undefined;
  user: string | null;
  group: string | null;
}

/**
 * Reads the owner parameters of a query, appending a detail for each one missing: `organization`
 * always, `user` for user scope, `group` for group scope (API.md, "List query").
 */
export function readOwnerQuery(query: URLSearchParams, details: ErrorDetail[]): OwnerQuery {
  const organization = query.get("organization");
  if (!organization) details.push(missing("organization"));
  const scope = readScope(query.get("scope"), details);
  const user = query.get("user");
  const group = query.get("group");
  if (scope === "user" && !user) details.push(missing("user"));
  if (scope === "group" && !group) details.push(missing("group"));
  return { organization, scope, user, group };
}

/** Reads `scope`, appending a detail when it is absent or not one of the three. */
export function readScope(value: string | null | undefined, details: ErrorDetail[]): Scope | undefined {
  if (value === null || value === undefined || value === "") {
    details.push(missing("scope"));
    return undefined;
  }
  if (!isScope(value)) {
    details.push({ parameter: "scope", message: `scope must be one of ${SCOPES.join(", ")}` });
    return undefined;
  }
  return value;
}

/** The organization must be the token's own: anything else is someone else's data. */
export function assertOwnOrganization(grant: TokenGrant, organization: string): void {
  if (organization !== grant.organization) throw permissionDenied(MESSAGES.noPermission);
}

/**
 * Whether the token may read subscriptions of `scope` owned by `user`/`group`. API.md: listing
 * organization scope needs an owner or admin; the emulator extends that to group scope, and lets a
 * member see only its own user scope (admins see every user of their organization).
 */
export function assertMayRead(store: Store, grant: TokenGrant, scope: Scope, user: string | null): void {
  if (isAdmin(grant)) {
    if (scope === "user" && store.user(user ?? "")?.current_organization !== grant.organization) {
      throw permissionDenied(MESSAGES.noPermission);
    }
    return;
  }
  if (scope !== "user" || user !== grant.user) throw permissionDenied(MESSAGES.noPermissionResource);
}
