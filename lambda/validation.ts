/**
 * What a delivery's body should be (an envelope, else it is forwarded as an unparsed delivery,
 * stored whole) and what its payload should hold (else it is still forwarded, marked
 * `invalid_payload`).
 *
 * Payload schemas check only the fields downstream consumers rely on and keep every other key
 * (`looseObject`). They only judge: the receiver forwards the JSON exactly as parsed from the body,
 * never zod's output, so nothing is coerced, reordered or dropped.
 *
 * zod/mini rather than zod's chained API: the same checks in a quarter of the bundle bytes.
 */
import * as z from "zod/mini";
import type { WebhookEnvelope, WebhookEvent } from "../calendly";
import { EVENT_NAME_PATTERN, isWebhookEvent } from "../calendly";
import type { ValidationMarker } from "./detail";

/** Calendly's are 27 characters (`2020-01-01T20:30:00.000000Z`). */
export const MAX_CREATED_AT_LENGTH = 64;
/** Calendly's are user URIs of about 70 characters. */
export const MAX_CREATED_BY_LENGTH = 1024;

/**
 * The envelope Calendly posts. The event name is bounded because it becomes the EventBridge
 * `DetailType`; anything else about it is accepted, since Calendly keeps adding events.
 * `created_at` and `created_by` are bounded so that an event whose payload went to the claim check
 * always fits in one EventBridge entry.
 */
const EnvelopeSchema = z.looseObject({
  event: z.string().check(z.regex(EVENT_NAME_PATTERN)),
  created_at: z.string().check(z.maxLength(MAX_CREATED_AT_LENGTH)),
  created_by: z.string().check(z.maxLength(MAX_CREATED_BY_LENGTH)),
  payload: z.record(z.string(), z.unknown()),
});

const uri = z.url();
const time = z.iso.datetime({ offset: true });

/** `invitee.*` and `invitee_no_show.*`: the invitee and the meeting it booked. */
const Invitee = z.looseObject({
  uri,
  email: z.string(),
  name: z.string(),
  status: z.enum(["active", "canceled"]),
  rescheduled: z.boolean(),
  timezone: z.optional(z.nullable(z.string())),
  cancel_url: z.optional(z.string()),
  reschedule_url: z.optional(z.string()),
  scheduled_event: z.looseObject({
    uri,
    start_time: time,
    end_time: time,
    event_type: uri,
  }),
  cancellation: z.optional(z.looseObject({ canceler_type: z.optional(z.string()) })),
});

const EventType = z.looseObject({ uri, name: z.string(), active: z.boolean() });

const Contact = z.looseObject({ user_uuid: z.string(), contact: z.looseObject({ uri }) });
const DeletedContact = z.looseObject({ uri, deleted_at: time });

const RoutingFormSubmission = z.looseObject({
  uri,
  routing_form: uri,
  questions_and_answers: z.array(z.looseObject({ question: z.string(), answer: z.unknown() })),
  result: z.looseObject({ type: z.string(), value: z.unknown() }),
  submitter: z.nullable(z.string()),
  submitter_type: z.nullable(z.string()),
});

const MeetingRecap = z.looseObject({ event: uri, recap: z.looseObject({ uri }) });

/** One schema per known event; the `Record` type makes a new entry in WEBHOOK_EVENTS fail to compile here. */
export const PAYLOAD_SCHEMAS: Readonly<Record<WebhookEvent, z.ZodMiniType>> = {
  "invitee.created": Invitee,
  "invitee.canceled": Invitee,
  "invitee_no_show.created": Invitee,
  "invitee_no_show.deleted": Invitee,
  "event_type.created": EventType,
  "event_type.updated": EventType,
  "event_type.deleted": EventType,
  "contact.created": Contact,
  "contact.updated": Contact,
  "contact.deleted": DeletedContact,
  "routing_form_submission.created": RoutingFormSubmission,
  "meeting_recap.created": MeetingRecap,
  "meeting_recap.updated": MeetingRecap,
  "meeting_recap.deleted": MeetingRecap,
};

export type EnvelopeResult =
  | { ok: true; envelope: WebhookEnvelope }
  | { ok: false; reason: "not_json" | "not_envelope"; issues: string[] };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** At most this many paths are reported: a huge broken array must not make a huge event. */
export const MAX_ISSUES = 20;
/** A path longer than this is cut (keys are the sender's text, and could be any length). */
export const MAX_ISSUE_PATH_LENGTH = 200;

function boundedPath(path: string): string {
  return path.length <= MAX_ISSUE_PATH_LENGTH ? path : `${path.slice(0, MAX_ISSUE_PATH_LENGTH - 1)}…`;
}

/** Field paths of zod issues, prefixed, deduplicated, capped; never the values. */
function issuePaths(issues: readonly z.core.$ZodIssue[], prefix: string[] = []): string[] {
  const paths = [
    ...new Set(
      issues.map((issue) => boundedPath([...prefix, ...issue.path.map(String)].join(".") || "(root)")),
    ),
  ];
  if (paths.length <= MAX_ISSUES) return paths;
  return [...paths.slice(0, MAX_ISSUES), `(${paths.length - MAX_ISSUES} more)`];
}

/** Parses the raw body: UTF-8 JSON holding a Calendly envelope. */
export function parseEnvelope(body: Uint8Array): EnvelopeResult {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    // The parser's message quotes the body: not something to pass on.
    return { ok: false, reason: "not_json", issues: [] };
  }
  const checked = EnvelopeSchema.safeParse(value);
  if (!checked.success)
    return { ok: false, reason: "not_envelope", issues: issuePaths(checked.error.issues) };
  // The parsed JSON itself, not zod's copy (see the module comment).
  return { ok: true, envelope: value as WebhookEnvelope };
}

export interface PayloadValidation {
  validation: ValidationMarker;
  issues?: string[];
}

/** Judges the payload of a parsed envelope. */
export function validatePayload(envelope: WebhookEnvelope): PayloadValidation {
  if (!isWebhookEvent(envelope.event)) return { validation: "unknown_event" };
  const checked = PAYLOAD_SCHEMAS[envelope.event].safeParse(envelope.payload);
  if (checked.success) return { validation: "valid" };
  return { validation: "invalid_payload", issues: issuePaths(checked.error.issues, ["payload"]) };
}
