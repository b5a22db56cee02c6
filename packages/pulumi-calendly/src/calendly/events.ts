/**
 * The webhook events Calendly knows, and the subscription scopes each one may be used in.
 *
 * One list for the whole project: the provider validates against it, the emulator enforces it and
 * fires these events, the receiver marks events outside it as unknown (but still forwards them,
 * because Calendly keeps adding events). Source: ../shared/calendly/API.md, "Events and where they
 * are allowed".
 */

export const SCOPES = ["organization", "user", "group"] as const;
export type Scope = (typeof SCOPES)[number];

export const WEBHOOK_EVENTS = [
  "invitee.created",
  "invitee.canceled",
  "invitee_no_show.created",
  "invitee_no_show.deleted",
  "event_type.created",
  "event_type.updated",
  "event_type.deleted",
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "routing_form_submission.created",
  "meeting_recap.created",
  "meeting_recap.updated",
  "meeting_recap.deleted",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The events whose payload is an invitee (and so names a scheduled event too). */
export const INVITEE_EVENTS = [
  "invitee.created",
  "invitee.canceled",
  "invitee_no_show.created",
  "invitee_no_show.deleted",
] as const satisfies readonly WebhookEvent[];
export type InviteeEvent = (typeof INVITEE_EVENTS)[number];

/** Plan feature an event needs since 2026-11-19; `null` when Free accounts may subscribe. */
export type PlanFeature = "routing_forms" | "meeting_recaps";

export interface EventRule {
  readonly scopes: readonly Scope[];
  readonly planFeature: PlanFeature | null;
  /** The OAuth read scope a token needs besides `webhooks:write` to subscribe to this event. */
  readonly readScope: string;
}

const ANY_SCOPE: readonly Scope[] = SCOPES;

export const EVENT_RULES: Readonly<Record<WebhookEvent, EventRule>> = {
  "invitee.created": { scopes: ANY_SCOPE, planFeature: null, readScope: "scheduled_events:read" },
  "invitee.canceled": { scopes: ANY_SCOPE, planFeature: null, readScope: "scheduled_events:read" },
  "invitee_no_show.created": { scopes: ANY_SCOPE, planFeature: null, readScope: "scheduled_events:read" },
  "invitee_no_show.deleted": { scopes: ANY_SCOPE, planFeature: null, readScope: "scheduled_events:read" },
  "event_type.created": { scopes: ANY_SCOPE, planFeature: null, readScope: "event_types:read" },
  "event_type.updated": { scopes: ANY_SCOPE, planFeature: null, readScope: "event_types:read" },
  "event_type.deleted": { scopes: ANY_SCOPE, planFeature: null, readScope: "event_types:read" },
  "contact.created": { scopes: ANY_SCOPE, planFeature: null, readScope: "contacts:read" },
  "contact.updated": { scopes: ANY_SCOPE, planFeature: null, readScope: "contacts:read" },
  "contact.deleted": { scopes: ANY_SCOPE, planFeature: null, readScope: "contacts:read" },
  "routing_form_submission.created": {
    scopes: ["organization"],
    planFeature: "routing_forms",
    readScope: "routing_forms:read",
  },
  "meeting_recap.created": {
    scopes: ["user"],
    planFeature: "meeting_recaps",
    readScope: "meeting_recaps:read",
  },
  "meeting_recap.updated": {
    scopes: ["user"],
    planFeature: "meeting_recaps",
    readScope: "meeting_recaps:read",
  },
  "meeting_recap.deleted": {
    scopes: ["user"],
    planFeature: "meeting_recaps",
    readScope: "meeting_recaps:read",
  },
};

/**
 * The shape of an event name, known or not. Calendly keeps adding events (API.md: "a receiver must
 * accept event names it does not know"), so whatever reads deliveries takes any name of this shape
 * and tells the known ones apart with `isWebhookEvent`. Calendly's names are `<family>.<action>` in
 * lower snake case; the pattern admits them with room to spare (digits, capitals, `:` and `-`),
 * and stops at 128 characters, the limit of an EventBridge DetailType, which the receiver makes of
 * the name. Nothing else (spaces, control characters, markup) can pass into a log line, a metric
 * dimension or an event pattern.
 */
export const EVENT_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Whether `value` has the shape of an event name (`EVENT_NAME_PATTERN`), known or not. */
export function isEventName(value: unknown): value is string {
  return typeof value === "string" && EVENT_NAME_PATTERN.test(value);
}

export function isWebhookEvent(name: string): name is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name);
}

export function isScope(name: string): name is Scope {
  return (SCOPES as readonly string[]).includes(name);
}

/** Whether `event` may be subscribed to in `scope` (unknown events: false). */
export function eventAllowedInScope(event: string, scope: Scope): boolean {
  return isWebhookEvent(event) && EVENT_RULES[event].scopes.includes(scope);
}

/**
 * Why a set of events cannot be subscribed to in a scope, one message per offending event, each
 * naming the fix. Empty when the combination is valid. Shared by the provider's check, the stack's
 * config validation and the emulator's 400 details.
 */
export function eventScopeProblems(events: readonly string[], scope: Scope): string[] {
  const problems: string[] = [];
  for (const event of events) {
    if (!isWebhookEvent(event)) {
      const hint = event === "invitee.cancelled" ? ' (Calendly spells it "invitee.canceled", one l)' : "";
      problems.push(`unknown event "${event}"${hint}; known events: ${WEBHOOK_EVENTS.join(", ")}`);
    } else if (!EVENT_RULES[event].scopes.includes(scope)) {
      const allowed = EVENT_RULES[event].scopes;
      problems.push(
        `event "${event}" is not allowed in ${scope} scope; it needs ${allowed.join(" or ")} scope: ` +
          `move it to a subscription with scope "${allowed[0]}"`,
      );
    }
  }
  return problems;
}
