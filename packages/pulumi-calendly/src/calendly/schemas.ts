/**
 * zod schemas of Calendly's responses: strict on the fields this project uses, tolerant of every
 * extra key (Calendly adds fields over time; API.md: "Accept unknown extra keys everywhere").
 * Private to the client: its types (types.ts) are what callers see.
 */
import { z } from "zod";
import { EVENT_NAME_PATTERN } from "./events";

const uri = z.string().min(1);
const time = z.string().min(1);

const scope = z.enum(["organization", "user", "group"]);

const user = z.object({
  uri,
  name: z.string(),
  email: z.string(),
  current_organization: uri,
  slug: z.string().optional(),
  scheduling_url: z.string().optional(),
  timezone: z.string().optional(),
  avatar_url: z.string().nullable().optional(),
  created_at: time.optional(),
  updated_at: time.optional(),
});

const subscription = z.object({
  uri,
  callback_url: z.string().min(1),
  created_at: time,
  updated_at: time,
  retry_started_at: time.nullable(),
  state: z.enum(["active", "disabled"]),
  events: z.array(z.string()),
  scope,
  organization: uri,
  user: uri.nullable(),
  group: uri.nullable(),
  creator: uri.nullable(),
});

const pagination = z.object({
  count: z.number().int().nonnegative().optional(),
  next_page: z.string().nullable().optional(),
  previous_page: z.string().nullable().optional(),
  next_page_token: z.string().nullable(),
  previous_page_token: z.string().nullable().optional(),
});

const envelope = z.object({
  event: z.string().regex(EVENT_NAME_PATTERN),
  created_at: time,
  created_by: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

/** Error bodies are read leniently: a proxy's HTML 502 must still become a CalendlyApiError. */
const errorBody = z.object({
  title: z.string().optional(),
  message: z.string().optional(),
  details: z
    .array(
      z.object({
        parameter: z.string().optional(),
        message: z.string().catch(""),
        code: z.string().optional(),
      }),
    )
    .optional()
    .catch(undefined),
  required_scopes: z.array(z.string()).optional().catch(undefined),
});

/** Webhook subscriptions, users, webhook envelopes and error bodies. */
export const calendlySchemas = {
  userResource: z.object({ resource: user }),
  subscriptionResource: z.object({ resource: subscription }),
  subscriptionPage: z.object({ collection: z.array(subscription), pagination }),
  envelope,
  errorBody,
};

/**
 * The invitee and scheduled event resources (`GET /scheduled_events/{uuid}` and
 * `GET /scheduled_events/{event_uuid}/invitees/{invitee_uuid}`), after Calendly's published schemas
 * (openapi-2022.yaml's `Invitee` and `Event`). Validated only as far as code relies on them: the
 * keys a consumer cannot do without (the URIs, the invitee's name and email and the times a
 * consumer compares) are required; every other key may be absent or null, and an optional part
 * that is malformed reads as absent rather than refusing the whole answer (`lenient`): Calendly
 * adds and reshapes fields over time, and sends `null` for what it has not got (an invitee's
 * `cancellation`, for one).
 */
const text = z.string().nullable().optional();
/** An optional part: absent, null or not of this shape all read as null. */
const lenient = <T extends z.ZodType>(schema: T) => schema.nullable().optional().catch(null);

const cancellation = lenient(
  z.object({
    canceled_by: text,
    reason: text,
    canceler_type: text,
    created_at: text,
  }),
);

const invitee = z.object({
  uri,
  email: z.string(),
  name: z.string(),
  first_name: text,
  last_name: text,
  // Shown, never branched on: a new status must not refuse the answer.
  status: z.string(),
  questions_and_answers: lenient(
    z.array(
      z.object({
        question: z.string(),
        answer: z.string().nullable().optional(),
        position: z.number().optional(),
      }),
    ),
  ),
  timezone: text,
  event: uri,
  created_at: time,
  updated_at: time,
  tracking: lenient(
    z.object({
      utm_campaign: text,
      utm_source: text,
      utm_medium: text,
      utm_content: text,
      utm_term: text,
      salesforce_uuid: text,
    }),
  ),
  text_reminder_number: text,
  rescheduled: z.boolean().nullable().optional(),
  old_invitee: text,
  new_invitee: text,
  cancel_url: text,
  reschedule_url: text,
  routing_form_submission: text,
  cancellation,
  payment: lenient(
    z.object({
      external_id: text,
      provider: z.string(),
      amount: z.number(),
      currency: z.string(),
      terms: text,
      successful: z.boolean().nullable().optional(),
    }),
  ),
  no_show: lenient(z.object({ uri, created_at: text })),
  reconfirmation: lenient(z.object({ created_at: text, confirmed_at: text })),
  scheduling_method: text,
  invitee_scheduled_by: text,
});

const scheduledEvent = z.object({
  uri,
  name: text,
  status: z.string(),
  start_time: time,
  end_time: time,
  event_type: text,
  // A union of ten shapes in the spec, and new kinds keep appearing: only `type` is promised.
  location: lenient(
    z.object({
      type: z.string(),
      location: text,
      join_url: text,
      status: text,
    }),
  ),
  invitees_counter: lenient(z.object({ total: z.number(), active: z.number(), limit: z.number() })),
  created_at: text,
  updated_at: text,
  event_memberships: lenient(z.array(z.object({ user: uri, user_email: text, user_name: text }))),
  event_guests: lenient(z.array(z.object({ email: z.string(), created_at: text, updated_at: text }))),
  cancellation,
  calendar_event: lenient(z.object({ kind: z.string(), external_id: z.string() })),
  meeting_notes_plain: text,
  meeting_notes_html: text,
});

/** Only that the answer is `{resource: {...}}`: what `--json` prints, exactly as received. */
const anyResource = z.object({ resource: z.record(z.string(), z.unknown()) });

export const scheduledEventSchemas = {
  inviteeResource: z.object({ resource: invitee }),
  scheduledEventResource: z.object({ resource: scheduledEvent }),
  anyResource,
};

export type RawWebhookSubscription = z.infer<typeof subscription>;
export type RawUser = z.infer<typeof user>;
export type RawInvitee = z.infer<typeof invitee>;
export type RawScheduledEvent = z.infer<typeof scheduledEvent>;
