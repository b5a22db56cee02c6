/**
 * What a delivery's body must be (an envelope, else 400) and what its payload should hold (else it
 * is still forwarded, marked `invalid_payload`).
 *
 * Payload schemas check only the fields downstream consumers rely on and keep every other key
 * (`looseObject`). They only judge: the receiver forwards the JSON exactly as parsed from the body,
 * never zod's output, so nothing is coerced, reordered or dropped.
 */
import * as z from "zod";
import type { WebhookEvent } from "../calendly/events";
import { isWebhookEvent } from "../calendly/events";
import type { CalendlyEnvelope } from "../calendly/samples";
import type { ValidationMarker } from "./detail";

/**
 * The envelope Calendly posts. The event name is bounded because it becomes the EventBridge
 * `DetailType`; anything else about it is accepted, since Calendly keeps adding events.
 */
const EnvelopeSchema = z.looseObject({
  event: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/),
  created_at: z.string(),
  created_by: z.string(),
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
  timezone: z.string().nullable().optional(),
  cancel_url: z.string().optional(),
  reschedule_url: z.string().optional(),
  scheduled_event: z.looseObject({
    uri,
    start_time: time,
    end_time: time,
    event_type: uri,
  }),
  cancellation: z.looseObject({ canceler_type: z.string().optional() }).optional(),
});

const EventType = z.looseObject({ uri, name: z.string(), active: z.boolean() });

const Contact = z.looseObject({ user_uuid: z.string(), contact: z.looseObject({ uri }) });
const DeletedContact = z.looseObject({ uri, deleted_at: time });

const RoutingFormSubmission = z.looseObject({
  uri,
  routing_form: uri,
  questions_and_answers: z.array(z.looseObject({ question: z.string(), answer: z.unknown() })),
  result: z.looseObject({ type: z.string(), value: z.unknown() }),
  submitter: z.string().nullable(),
  submitter_type: z.string().nullable(),
});

const MeetingRecap = z.looseObject({ event: uri, recap: z.looseObject({ uri }) });

/** One schema per known event; the `Record` type makes a new entry in WEBHOOK_EVENTS fail to compile here. */
export const PAYLOAD_SCHEMAS: Readonly<Record<WebhookEvent, z.ZodType>> = {
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
  | { ok: true; envelope: CalendlyEnvelope }
  | { ok: false; reason: "not_json" | "not_envelope"; issues: string[] };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** At most this many paths are reported: a huge broken array must not make a huge event. */
export const MAX_ISSUES = 20;

/** Field paths of zod issues, prefixed, deduplicated, capped; never the values. */
function issuePaths(issues: readonly z.core.$ZodIssue[], prefix: string[] = []): string[] {
  const paths = [
    ...new Set(issues.map((issue) => [...prefix, ...issue.path.map(String)].join(".") || "(root)")),
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
  return { ok: true, envelope: value as CalendlyEnvelope };
}

export interface PayloadValidation {
  validation: ValidationMarker;
  issues?: string[];
}

/** Judges the payload of a parsed envelope. */
export function validatePayload(envelope: CalendlyEnvelope): PayloadValidation {
  if (!isWebhookEvent(envelope.event)) return { validation: "unknown_event" };
  const checked = PAYLOAD_SCHEMAS[envelope.event].safeParse(envelope.payload);
  if (checked.success) return { validation: "valid" };
  return { validation: "invalid_payload", issues: issuePaths(checked.error.issues, ["payload"]) };
}
