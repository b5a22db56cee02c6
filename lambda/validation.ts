/**
 * What a delivery's body should be (an envelope, else it is forwarded as an unparsed delivery,
 * stored whole) and what its payload should hold (else it is still forwarded, marked
 * `invalid_payload`).
 *
 * Payload schemas check only the fields downstream consumers rely on; any other key is allowed.
 * They only judge: the receiver forwards the JSON exactly as parsed from the body, never zod's
 * output, so nothing is coerced, reordered or dropped. That is why they are `z.object` (unknown
 * keys pass, and are left out of the output nobody reads) rather than `z.looseObject`, whose output
 * would copy every other key of the payload: the same verdicts and issue paths, at about half the
 * cost (measured in-process, best of 12 rounds: `parseEnvelope` 11.3 → 6.9 µs, JSON.parse included;
 * `validatePayload` of an invitee 6.0 → 3.1 µs).
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
const EnvelopeSchema = z.object({
  event: z.string().check(z.regex(EVENT_NAME_PATTERN)),
  created_at: z.string().check(z.maxLength(MAX_CREATED_AT_LENGTH)),
  created_by: z.string().check(z.maxLength(MAX_CREATED_BY_LENGTH)),
  // An object (not an array, not null); its keys are the payload schema's business. `z.record`
  // would check and copy every key of it, again.
  payload: z.object({}),
});

const uri = z.url();
const time = z.iso.datetime({ offset: true });

/**
 * A schema built on its first use, then kept. A container mostly sees one or two kinds of event;
 * building the other five payload schemas at load took about 0.5 ms of every cold start (measured
 * in fresh processes, median of 40).
 */
function once(build: () => z.ZodMiniType): () => z.ZodMiniType {
  let schema: z.ZodMiniType | undefined;
  return () => {
    schema ??= build();
    return schema;
  };
}

/** `invitee.*` and `invitee_no_show.*`: the invitee and the meeting it booked. */
const Invitee = once(() =>
  z.object({
    uri,
    email: z.string(),
    name: z.string(),
    status: z.enum(["active", "canceled"]),
    rescheduled: z.boolean(),
    timezone: z.optional(z.nullable(z.string())),
    cancel_url: z.optional(z.string()),
    reschedule_url: z.optional(z.string()),
    scheduled_event: z.object({
      uri,
      start_time: time,
      end_time: time,
      event_type: uri,
    }),
    cancellation: z.optional(z.object({ canceler_type: z.optional(z.string()) })),
  }),
);

const EventType = once(() => z.object({ uri, name: z.string(), active: z.boolean() }));

const Contact = once(() => z.object({ user_uuid: z.string(), contact: z.object({ uri }) }));
const DeletedContact = once(() => z.object({ uri, deleted_at: time }));

const RoutingFormSubmission = once(() =>
  z.object({
    uri,
    routing_form: uri,
    questions_and_answers: z.array(z.object({ question: z.string(), answer: z.unknown() })),
    result: z.object({ type: z.string(), value: z.unknown() }),
    submitter: z.nullable(z.string()),
    submitter_type: z.nullable(z.string()),
  }),
);

const MeetingRecap = once(() => z.object({ event: uri, recap: z.object({ uri }) }));

/** One schema per known event; the `Record` type makes a new entry in WEBHOOK_EVENTS fail to compile here. */
export const PAYLOAD_SCHEMAS: Readonly<Record<WebhookEvent, () => z.ZodMiniType>> = {
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
  /** `text`: the body decoded, byte-order mark kept: the body exactly, as text. */
  | { ok: true; envelope: WebhookEnvelope; text: string }
  | { ok: false; reason: "not_json" | "not_envelope"; issues: string[] };

// `ignoreBOM` keeps a byte-order mark in the text (the default drops it), so that the text is the
// body whole: it travels to consumers as `rawBody`.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

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

/** Parses the raw body: UTF-8 JSON (after a byte-order mark, if any) holding a Calendly envelope. */
export function parseEnvelope(body: Uint8Array): EnvelopeResult {
  let value: unknown;
  let text: string;
  try {
    text = utf8.decode(body);
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    // The parser's message quotes the body: not something to pass on.
    return { ok: false, reason: "not_json", issues: [] };
  }
  const checked = EnvelopeSchema.safeParse(value);
  if (!checked.success)
    return { ok: false, reason: "not_envelope", issues: issuePaths(checked.error.issues) };
  // The parsed JSON itself, not zod's copy (see the module comment).
  return { ok: true, envelope: value as WebhookEnvelope, text };
}

export interface PayloadValidation {
  validation: ValidationMarker;
  issues?: string[];
}

/** Judges the payload of a parsed envelope. */
export function validatePayload(envelope: WebhookEnvelope): PayloadValidation {
  if (!isWebhookEvent(envelope.event)) return { validation: "unknown_event" };
  const checked = PAYLOAD_SCHEMAS[envelope.event]().safeParse(envelope.payload);
  if (checked.success) return { validation: "valid" };
  return { validation: "invalid_payload", issues: issuePaths(checked.error.issues, ["payload"]) };
}
