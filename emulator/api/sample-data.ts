/**
 * `GET /sample_webhook_data?event=&organization=&scope=[&user=&group=]`: a bare webhook envelope
 * (no `resource` wrapper), built by calendly/samples.ts with the emulator's URIs.
 */
import {
  eventAllowedInScope,
  isWebhookEvent,
  sampleEnvelope,
  WEBHOOK_EVENTS,
  type WebhookEvent,
} from "../../calendly";
import type { ErrorDetail } from "../errors";
import { type ApiResponse, json } from "../http";
import { assertNoDetails } from "../pagination";
import type { ApiContext } from "./context";
import { assertMayRead, assertOwnOrganization, missing, readOwnerQuery } from "./params";

export function getSampleWebhookData(ctx: ApiContext): ApiResponse {
  const { query, store, grant } = ctx;
  const details: ErrorDetail[] = [];
  const rawEvent = query.get("event");
  let event: WebhookEvent | undefined;
  if (!rawEvent) details.push(missing("event"));
  else if (isWebhookEvent(rawEvent)) event = rawEvent;
  else {
    details.push({
      parameter: "event",
      message: `unknown event "${rawEvent}"; known events: ${WEBHOOK_EVENTS.join(", ")}`,
    });
  }
  const { organization, scope, user, group } = readOwnerQuery(query, details);
  if (scope === "group" && group && store.group(group)?.organization !== organization) {
    details.push({ parameter: "group", message: "group is not a group of this organization" });
  }
  if (event && scope && !eventAllowedInScope(event, scope)) {
    details.push({ parameter: "event", message: `event "${event}" is not allowed in ${scope} scope` });
  }
  assertNoDetails(details);
  assertOwnOrganization(grant, organization!);
  assertMayRead(store, grant, scope!, user);

  const envelopeUser = (scope === "user" ? user : null) ?? grant.user;
  const host = store.user(envelopeUser);
  const envelope = sampleEnvelope(event!, {
    baseUrl: store.baseUrl,
    organization: organization!,
    user: envelopeUser,
    group: group ?? undefined,
    now: ctx.now,
    host: host && { name: host.name, email: host.email },
  });
  return json(200, envelope);
}
