/**
 * `GET /scheduled_events/{uuid}` and `GET /scheduled_events/{event_uuid}/invitees/{invitee_uuid}`:
 * the meetings and invitees that deliveries told about (bookings.ts), as they are now. Checks, in
 * order, after the server's 429 and 401:
 *
 *   403 `Insufficient scope` without `scheduled_events:read` (OAuth tokens; `scheduled_events:write`
 *   includes it) → 404 for an unknown id or another organization's (ids do not leak) → 403
 *   `Permission Denied` for a member who is not one of the event's hosts (owners and admins see
 *   every event of their organization) → 200 `{resource}`.
 *
 * The 403 messages are the ones Calendly's spec gives for each path.
 */
import { isAdmin, requireScopes } from "../auth";
import { notFound, permissionDenied } from "../errors";
import { type ApiResponse, json } from "../http";
import type { TokenGrant } from "../store";
import type { ApiContext } from "./context";

const READ_SCOPE = "scheduled_events:read";

const EVENT_DENIED = "You are not allowed to view this event";
const INVITEE_DENIED = "You do not have permission to view this event";

/** 404 unless the booking is the token's organization's; 403 unless an admin's or a host's. */
function assertVisible(
  grant: TokenGrant,
  stored: { organization: string; hosts: string[] } | undefined,
  denied: string,
): asserts stored is { organization: string; hosts: string[] } {
  if (!stored || stored.organization !== grant.organization) throw notFound();
  if (!isAdmin(grant) && !stored.hosts.includes(grant.user)) throw permissionDenied(denied);
}

export function getScheduledEvent(ctx: ApiContext): ApiResponse {
  requireScopes(ctx.grant, [READ_SCOPE]);
  const stored = ctx.store.bookings.scheduledEvent(ctx.params[0] ?? "");
  assertVisible(ctx.grant, stored, EVENT_DENIED);
  return json(200, { resource: stored.resource });
}

export function getInvitee(ctx: ApiContext): ApiResponse {
  requireScopes(ctx.grant, [READ_SCOPE]);
  const stored = ctx.store.bookings.invitee(ctx.params[0] ?? "", ctx.params[1] ?? "");
  assertVisible(ctx.grant, stored, INVITEE_DENIED);
  return json(200, { resource: stored.resource });
}
