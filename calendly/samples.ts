/**
 * Realistic webhook envelopes for every event Calendly sends, shaped as ../shared/calendly/API.md
 * ("Webhook delivery") describes them:
 *
 *   { event, created_at, created_by, payload }
 *
 * Used by the emulator (its `/sample_webhook_data` endpoint and the events it fires), by the CLI's
 * `send-test`, and by the receiver's tests. Plain data and plain functions only: no validation
 * library, nothing that needs a running process.
 *
 * Output is deterministic: the same event and context give the same envelope, byte for byte.
 * Resource ids (scheduled event, invitee, contact, ...) are derived from the event name, the user
 * and `now`, so two envelopes built at different moments never share ids, which matters because
 * receivers derive their dedupe key from the body.
 */
import { createHash } from "node:crypto";
import {
  DEFAULT_API_URL,
  type WebhookEnvelope,
  type WebhookEvent,
} from "../packages/pulumi-calendly/src/calendly";

/** Calendly's web host, where cancel, reschedule and scheduling links point. */
const CALENDLY_WEB_URL = "https://calendly.com";

export interface SampleContext {
  /** Prefix of every API URI, e.g. an emulator's `http://127.0.0.1:4010`. Default: Calendly's. */
  baseUrl?: string;
  /** Organization URI (or bare id, completed with `baseUrl`). */
  organization?: string;
  /** URI (or bare id) of the user the event belongs to: host, owner, `created_by`. */
  user?: string;
  /**
   * URI (or bare id) of the group the event belongs to. Calendly's payloads do not name the group,
   * so it does not appear in the envelope; it is accepted so callers can pass one context around.
   */
  group?: string;
  /** When the event happens. Default: the current time. */
  now?: Date;
  /** Name and email of `user`, the meeting's host and the event type's owner. Default: Ada Lovelace. */
  host?: { name: string; email: string };
}

// Placeholder ids for contexts that name no organization or user: fixed, so fixtures are stable.
const DEFAULT_ORGANIZATION_ID = "0f6b2a1e-5c3d-4b7a-9e21-3c4d5e6f7a80";
const DEFAULT_USER_ID = "7d2c9b4e-1a3f-4e5d-8c6b-2a1b0c9d8e7f";

/**
 * Calendly's timestamp format: ISO 8601 in UTC with six fractional digits
 * (`2020-01-02T03:04:05.678123Z`). JavaScript dates carry milliseconds, so the last three are 0.
 */
export function calendlyTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** A UUID (version 4 layout) derived from `seed`: unique per seed, identical across runs. */
function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Accepts a full URI or a bare id; a bare id becomes `${baseUrl}/${collection}/${id}`. */
function uriOf(baseUrl: string, collection: string, value: string): string {
  return value.includes("://") ? value : `${baseUrl}/${collection}/${value}`;
}

function lastSegment(uri: string): string {
  return uri.slice(uri.lastIndexOf("/") + 1);
}

const HOUR_MS = 3_600_000;

/** Everything one envelope is built from, resolved once. */
interface Resolved {
  event: WebhookEvent;
  baseUrl: string;
  organization: string;
  user: string;
  now: Date;
  host: { name: string; email: string };
  /** Derives an id for one kind of resource in this envelope. */
  id(kind: string): string;
}

function resolve(event: WebhookEvent, context: SampleContext): Resolved {
  const baseUrl = (context.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
  const organization = uriOf(baseUrl, "organizations", context.organization ?? DEFAULT_ORGANIZATION_ID);
  const user = uriOf(baseUrl, "users", context.user ?? DEFAULT_USER_ID);
  const now = context.now ?? new Date();
  const seed = `${event}|${organization}|${user}|${now.toISOString()}`;
  const host = context.host ?? HOST;
  return { event, baseUrl, organization, user, now, host, id: (kind) => stableUuid(`${seed}|${kind}`) };
}

const HOST = { name: "Ada Lovelace", email: "ada@example.com" };
const INVITEE = {
  name: "Grace Hopper",
  first_name: "Grace",
  last_name: "Hopper",
  email: "grace@example.com",
};

function emptyTracking(): Record<string, string | null> {
  return {
    utm_campaign: null,
    utm_source: null,
    utm_medium: null,
    utm_content: null,
    utm_term: null,
    salesforce_uuid: null,
  };
}

function eventTypeUri(r: Resolved): string {
  return `${r.baseUrl}/event_types/${r.id("event_type")}`;
}

/**
 * The meeting an invitee booked: tomorrow, on the hour, 30 minutes, over Google Meet (a location
 * kind whose `type` Calendly's published schema and its live answers agree on), in the host's
 * Google calendar. The same object is what `GET /scheduled_events/{uuid}` answers in the emulator.
 */
function scheduledEvent(r: Resolved, canceled: boolean): Record<string, unknown> {
  const start = new Date(Math.ceil(r.now.getTime() / HOUR_MS) * HOUR_MS + 24 * HOUR_MS);
  const end = new Date(start.getTime() + HOUR_MS / 2);
  const uuid = r.id("scheduled_event");
  const created = calendlyTime(new Date(r.now.getTime() - 60_000));
  return {
    uri: `${r.baseUrl}/scheduled_events/${uuid}`,
    name: "30 Minute Meeting",
    meeting_notes_plain: null,
    meeting_notes_html: null,
    status: canceled ? "canceled" : "active",
    start_time: calendlyTime(start),
    end_time: calendlyTime(end),
    event_type: eventTypeUri(r),
    location: {
      type: "google_conference",
      status: "pushed",
      join_url: `${CALENDLY_WEB_URL}/events/${uuid}/google_meet`,
    },
    invitees_counter: { total: 1, active: canceled ? 0 : 1, limit: 1 },
    created_at: created,
    updated_at: calendlyTime(r.now),
    event_memberships: [{ user: r.user, user_email: r.host.email, user_name: r.host.name }],
    event_guests: [],
    calendar_event: { kind: "google", external_id: r.id("calendar_event").replace(/-/g, "").slice(0, 26) },
    ...(canceled ? { cancellation: cancellation(r) } : {}),
  };
}

function cancellation(r: Resolved): Record<string, unknown> {
  return {
    canceled_by: INVITEE.name,
    reason: "Something came up",
    canceler_type: "invitee",
    created_at: calendlyTime(r.now),
  };
}

/** The invitee payload of `invitee.*` and `invitee_no_show.*`. */
function invitee(r: Resolved): Record<string, unknown> {
  const canceled = r.event === "invitee.canceled";
  const event = scheduledEvent(r, canceled);
  const inviteeUuid = r.id("invitee");
  const noShow =
    r.event === "invitee_no_show.created"
      ? { uri: `${r.baseUrl}/invitee_no_shows/${r.id("no_show")}`, created_at: calendlyTime(r.now) }
      : null;
  return {
    uri: `${event.uri}/invitees/${inviteeUuid}`,
    email: INVITEE.email,
    first_name: INVITEE.first_name,
    last_name: INVITEE.last_name,
    name: INVITEE.name,
    status: canceled ? "canceled" : "active",
    questions_and_answers: [
      { question: "What would you like to discuss?", answer: "Webhooks as code", position: 0 },
    ],
    timezone: "Europe/London",
    event: event.uri,
    created_at: event.created_at,
    updated_at: calendlyTime(r.now),
    tracking: { ...emptyTracking(), utm_source: "newsletter", utm_medium: "email" },
    text_reminder_number: null,
    rescheduled: false,
    old_invitee: null,
    new_invitee: null,
    cancel_url: `${CALENDLY_WEB_URL}/cancellations/${inviteeUuid}`,
    reschedule_url: `${CALENDLY_WEB_URL}/reschedulings/${inviteeUuid}`,
    routing_form_submission: null,
    payment: null,
    no_show: noShow,
    reconfirmation: null,
    scheduling_method: null,
    invitee_scheduled_by: null,
    scheduled_event: event,
    ...(canceled ? { cancellation: cancellation(r) } : {}),
  };
}

function routingFormSubmission(r: Resolved): Record<string, unknown> {
  const submitted = calendlyTime(r.now);
  return {
    uri: `${r.baseUrl}/routing_form_submissions/${r.id("routing_form_submission")}`,
    routing_form: `${r.baseUrl}/routing_forms/${r.id("routing_form")}`,
    questions_and_answers: [
      {
        question_uuid: r.id("question"),
        question: "What is your industry?",
        answer: "IT & Software",
      },
    ],
    tracking: emptyTracking(),
    result: { type: "event_type", value: eventTypeUri(r) },
    submitter: `${r.baseUrl}/scheduled_events/${r.id("scheduled_event")}/invitees/${r.id("invitee")}`,
    submitter_type: "Invitee",
    created_at: submitted,
    updated_at: submitted,
  };
}

function eventType(r: Resolved): Record<string, unknown> {
  const deleted = r.event === "event_type.deleted";
  const slug = "30min";
  return {
    uri: eventTypeUri(r),
    name: "30 Minute Meeting",
    active: !deleted,
    booking_method: "instant",
    slug,
    scheduling_url: `${CALENDLY_WEB_URL}/ada-lovelace/${slug}`,
    duration: 30,
    kind: "solo",
    pooling_type: null,
    type: "StandardEventType",
    color: "#0069ff",
    created_at: calendlyTime(new Date(r.now.getTime() - 24 * HOUR_MS)),
    updated_at: calendlyTime(r.now),
    internal_note: null,
    description_plain: "A short call.",
    description_html: "<p>A short call.</p>",
    profile: { type: "User", name: r.host.name, owner: r.user },
    secret: false,
    deleted_at: deleted ? calendlyTime(r.now) : null,
    kind_description: "One-on-One",
    admin_managed: false,
    locale: "en",
    custom_questions: [
      {
        name: "What would you like to discuss?",
        type: "text",
        position: 0,
        enabled: true,
        required: false,
        answer_choices: [],
        include_other: false,
      },
    ],
  };
}

function contact(r: Resolved): Record<string, unknown> {
  const uri = `${r.baseUrl}/contacts/${r.id("contact")}`;
  // A deleted contact is gone: Calendly sends only what identifies it.
  if (r.event === "contact.deleted") return { uri, deleted_at: calendlyTime(r.now) };
  const created = r.event === "contact.created" ? r.now : new Date(r.now.getTime() - 24 * HOUR_MS);
  return {
    user_uuid: lastSegment(r.user),
    contact: {
      uri,
      first_name: INVITEE.first_name,
      last_name: INVITEE.last_name,
      email: INVITEE.email,
      phone_number: null,
      timezone: "Europe/London",
      company: "Harvard Computation Lab",
      owner: r.user,
      created_at: calendlyTime(created),
      updated_at: calendlyTime(r.now),
    },
  };
}

function meetingRecap(r: Resolved): Record<string, unknown> {
  const deleted = r.event === "meeting_recap.deleted";
  const created = r.event === "meeting_recap.created" ? r.now : new Date(r.now.getTime() - HOUR_MS);
  return {
    event: `${r.baseUrl}/scheduled_events/${r.id("scheduled_event")}`,
    recap: {
      uri: `${r.baseUrl}/meeting_recaps/${r.id("meeting_recap")}`,
      summary: deleted ? null : "Agreed to manage Calendly webhooks with Pulumi.",
      action_items: deleted ? [] : ["Ada: write the stack", "Grace: review the receiver"],
      created_at: calendlyTime(created),
      updated_at: calendlyTime(r.now),
      deleted_at: deleted ? calendlyTime(r.now) : null,
    },
  };
}

function payloadFor(r: Resolved): Record<string, unknown> {
  switch (r.event) {
    case "invitee.created":
    case "invitee.canceled":
    case "invitee_no_show.created":
    case "invitee_no_show.deleted":
      return invitee(r);
    case "routing_form_submission.created":
      return routingFormSubmission(r);
    case "event_type.created":
    case "event_type.updated":
    case "event_type.deleted":
      return eventType(r);
    case "contact.created":
    case "contact.updated":
    case "contact.deleted":
      return contact(r);
    case "meeting_recap.created":
    case "meeting_recap.updated":
    case "meeting_recap.deleted":
      return meetingRecap(r);
  }
}

/** A realistic envelope for `event`, with every URI built from `context`. */
export function sampleEnvelope(event: WebhookEvent, context: SampleContext = {}): WebhookEnvelope {
  const r = resolve(event, context);
  return {
    event,
    created_at: calendlyTime(r.now),
    created_by: r.user,
    payload: payloadFor(r),
  };
}
