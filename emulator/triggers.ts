/**
 * What happens when the control API "makes an event happen": whose event it is, which webhook
 * subscriptions it reaches, and the envelope they receive.
 *
 * An event always belongs to an organization and a user, as in Calendly:
 * - `organization` omitted: the user's organization, else the seed's first organization;
 * - `user` omitted: the first member of `group` when one is given, else the organization's first
 *   user in the seed (its owner in the default seed);
 * - `group` omitted: the event reaches the group subscriptions of every group the user belongs to.
 *
 * It then reaches every ACTIVE subscription of the organization that lists the event and whose
 * owner matches: organization scope, always; user scope, when the subscription's user is the
 * event's user; group scope, when the subscription's group is the given group (or, without one,
 * a group the user is a member of).
 */
import {
  calendlyTime,
  isWebhookEvent,
  sampleEnvelope,
  WEBHOOK_EVENTS,
  type WebhookEnvelope,
  type WebhookEvent,
} from "../calendly";
import { invalidArgument } from "./errors";
import type { Store, StoredSubscription } from "./store";

export interface EventTrigger {
  /** One of the 14 webhook event names. */
  event: string;
  /** Organization URI. */
  organization?: string;
  /** User URI. */
  user?: string;
  /** Group URI. */
  group?: string;
  /** Replaces the sample payload (the envelope keeps `event`, `created_at`, `created_by`). */
  payload?: Record<string, unknown>;
}

export interface ResolvedTrigger {
  event: WebhookEvent;
  organization: string;
  user: string;
  group: string | null;
  envelope: WebhookEnvelope;
}

export function resolveTrigger(store: Store, trigger: EventTrigger, now = new Date()): ResolvedTrigger {
  if (!isWebhookEvent(trigger.event)) {
    throw invalidArgument([
      {
        parameter: "event",
        message: `unknown event "${trigger.event}"; known events: ${WEBHOOK_EVENTS.join(", ")}`,
      },
    ]);
  }
  const user = trigger.user === undefined ? undefined : store.user(trigger.user);
  if (trigger.user !== undefined && !user) {
    throw invalidArgument([{ parameter: "user", message: `no seeded user has the URI ${trigger.user}` }]);
  }
  const group = trigger.group === undefined ? undefined : store.group(trigger.group);
  if (trigger.group !== undefined && !group) {
    throw invalidArgument([{ parameter: "group", message: `no seeded group has the URI ${trigger.group}` }]);
  }
  const organization =
    trigger.organization ?? user?.current_organization ?? group?.organization ?? store.organizations[0]!.uri;
  if (!store.organization(organization)) {
    throw invalidArgument([
      { parameter: "organization", message: `no seeded organization has the URI ${organization}` },
    ]);
  }
  const eventUser =
    user?.uri ??
    group?.members[0] ??
    store.users.find((u) => u.current_organization === organization)?.uri ??
    store.users[0]!.uri;
  if (store.user(eventUser)?.current_organization !== organization) {
    throw invalidArgument([{ parameter: "user", message: "the user does not belong to the organization" }]);
  }
  if (group && group.organization !== organization) {
    throw invalidArgument([{ parameter: "group", message: "the group does not belong to the organization" }]);
  }

  const host = store.user(eventUser)!;
  const sample = sampleEnvelope(trigger.event, {
    baseUrl: store.baseUrl,
    organization,
    user: eventUser,
    group: group?.uri,
    now,
    host: { name: host.name, email: host.email },
  });
  const envelope: WebhookEnvelope = trigger.payload
    ? { event: trigger.event, created_at: calendlyTime(now), created_by: eventUser, payload: trigger.payload }
    : sample;
  return { event: trigger.event, organization, user: eventUser, group: group?.uri ?? null, envelope };
}

/** The active subscriptions an event reaches, oldest first. */
export function matchingSubscriptions(store: Store, trigger: ResolvedTrigger): StoredSubscription[] {
  const userGroups = store.groups.filter((g) => g.members.includes(trigger.user)).map((g) => g.uri);
  const reaches = (sub: StoredSubscription): boolean => {
    if (sub.scope === "organization") return true;
    if (sub.scope === "user") return sub.user === trigger.user;
    return trigger.group !== null ? sub.group === trigger.group : userGroups.includes(sub.group ?? "");
  };
  return store
    .allSubscriptions()
    .filter(
      (sub) =>
        sub.state === "active" &&
        sub.organization === trigger.organization &&
        sub.events.includes(trigger.event) &&
        reaches(sub),
    );
}

/** The envelope one subscription receives: `created_by` is the subscription's creator, as in Calendly. */
export function envelopeFor(sub: StoredSubscription, trigger: ResolvedTrigger): WebhookEnvelope {
  return { ...trigger.envelope, created_by: sub.creator ?? trigger.envelope.created_by };
}
