/**
 * The Calendly resources the client returns, in this project's camelCase. The mapping from
 * Calendly's snake_case is explicit in `client.ts` (notably `url` in, `callback_url` out).
 */
import type { Scope } from "./events";

export type SubscriptionState = "active" | "disabled";

export interface CalendlyUser {
  uri: string;
  name: string;
  email: string;
  /** The organization URI that every webhook call needs. */
  currentOrganization: string;
  slug: string | null;
  schedulingUrl: string | null;
  timezone: string | null;
  avatarUrl: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface WebhookSubscription {
  uri: string;
  callbackUrl: string;
  createdAt: string;
  updatedAt: string;
  retryStartedAt: string | null;
  state: SubscriptionState;
  events: string[];
  scope: Scope;
  organization: string;
  user: string | null;
  group: string | null;
  creator: string | null;
}

export interface CreateWebhookSubscriptionInput {
  url: string;
  events: readonly string[];
  scope: Scope;
  /** Required by Calendly for every scope. */
  organization: string;
  /** Required for user scope. */
  user?: string;
  /** Required for group scope. */
  group?: string;
  /** Write-only: Calendly never returns it. */
  signingKey?: string;
}

export interface ListWebhookSubscriptionsQuery {
  organization: string;
  scope: Scope;
  user?: string;
  group?: string;
  /** Page size, 1..100 (Calendly's default is 20; the client asks for 100 to save calls). */
  count?: number;
  sort?: "created_at:asc" | "created_at:desc";
}

export interface SampleWebhookDataQuery {
  event: string;
  organization: string;
  scope: Scope;
  user?: string;
  group?: string;
}

/**
 * A webhook delivery's body as Calendly POSTs it to a subscription's callback URL, and as
 * `GET /sample_webhook_data` returns it. Calendly's snake_case: this is the wire format, which a
 * receiver forwards as it came.
 */
export interface WebhookEnvelope {
  /** The event's name; one the receiver does not know yet is still a name (see `isEventName`). */
  event: string;
  /** When the event happened, e.g. `2020-01-02T03:04:05.678123Z`. */
  created_at: string;
  /** URI of the user behind the subscription (Calendly: "the user who created the webhook"). */
  created_by: string;
  payload: Record<string, unknown>;
}

/** Who canceled a meeting, and why (Calendly's `Cancellation`). */
export interface Cancellation {
  canceledBy: string | null;
  reason: string | null;
  /** `host` or `invitee`. */
  cancelerType: string | null;
  createdAt: string | null;
}

/** An invitee's or a meeting's status: Calendly documents these two, and may add others. */
export type BookingStatus = "active" | "canceled" | (string & {});

export interface InviteeQuestionAndAnswer {
  question: string;
  answer: string;
  /** The question's position on the booking form, from 0. */
  position: number;
}

export interface InviteeTracking {
  utmCampaign: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmContent: string | null;
  utmTerm: string | null;
  salesforceUuid: string | null;
}

export interface InviteePayment {
  externalId: string | null;
  /** `stripe` or `paypal`. */
  provider: string;
  amount: number;
  currency: string;
  terms: string | null;
  /** Null when Calendly does not say. */
  successful: boolean | null;
}

/**
 * A person who booked a meeting (`GET /scheduled_events/{event_uuid}/invitees/{invitee_uuid}`):
 * the invitee of `invitee.*` and `invitee_no_show.*` deliveries, as it is now.
 */
export interface Invitee {
  uri: string;
  email: string;
  name: string;
  /** Set when the booking form asks for first and last names separately; else null. */
  firstName: string | null;
  lastName: string | null;
  status: BookingStatus;
  /** Answers to the booking page's custom questions. */
  questionsAndAnswers: InviteeQuestionAndAnswer[];
  timezone: string | null;
  /** The scheduled event's URI (fetch it with `getScheduledEvent`). */
  event: string;
  createdAt: string;
  updatedAt: string;
  tracking: InviteeTracking | null;
  textReminderNumber: string | null;
  /** True once this invitee rescheduled; `newInvitee` then names the new booking. */
  rescheduled: boolean;
  oldInvitee: string | null;
  newInvitee: string | null;
  cancelUrl: string | null;
  rescheduleUrl: string | null;
  routingFormSubmission: string | null;
  cancellation: Cancellation | null;
  payment: InviteePayment | null;
  noShow: { uri: string; createdAt: string | null } | null;
  reconfirmation: { createdAt: string | null; confirmedAt: string | null } | null;
  schedulingMethod: string | null;
  inviteeScheduledBy: string | null;
  /** The resource exactly as Calendly returned it, keys this client does not know included. */
  raw: Record<string, unknown>;
}

/** Where a meeting takes place: one of Calendly's location kinds; the rest of it is in `raw`. */
export interface ScheduledEventLocation {
  /** e.g. `physical`, `google_conference`, `zoom`, `outbound_call`, `custom`. */
  type: string;
  /** An address, a phone number or a description, for the kinds that have one. */
  location: string | null;
  /** The conference's URL, for conference kinds once it is created. */
  joinUrl: string | null;
  /** A conference's state: `initiated`, `processing`, `pushed` or `failed`. */
  status: string | null;
}

/** A booked meeting (`GET /scheduled_events/{uuid}`). */
export interface ScheduledEvent {
  uri: string;
  name: string | null;
  status: BookingStatus;
  startTime: string;
  endTime: string;
  eventType: string | null;
  location: ScheduledEventLocation | null;
  inviteesCounter: { total: number; active: number; limit: number } | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** The hosts. */
  eventMemberships: { user: string; userEmail: string | null; userName: string | null }[];
  /** People an invitee added as guests. */
  eventGuests: { email: string; createdAt: string | null; updatedAt: string | null }[];
  cancellation: Cancellation | null;
  calendarEvent: { kind: string; externalId: string } | null;
  /** The resource exactly as Calendly returned it, keys this client does not know included. */
  raw: Record<string, unknown>;
}
