/**
 * Invitees and scheduled events: how a URI from a webhook payload names one, and how Calendly's
 * snake_case resources map to this project's camelCase types.
 *
 * A URI is reduced to its ids and the request goes to the client's own API URL, never to the host
 * the URI names: a payload's URI then works against the emulator, and a token is never sent to a
 * host that merely appears in data.
 */
import { CalendlyArgumentError } from "./errors";
import type { RawInvitee, RawScheduledEvent } from "./schemas";
import type { Cancellation, Invitee, ScheduledEvent } from "./types";

/** The two ids naming an invitee: `/scheduled_events/{eventUuid}/invitees/{inviteeUuid}`. */
export interface InviteeIds {
  eventUuid: string;
  inviteeUuid: string;
}

export const INVITEE_URI_EXAMPLE =
  "https://api.calendly.com/scheduled_events/<event uuid>/invitees/<invitee uuid>";
const EVENT_URI_EXAMPLE = "https://api.calendly.com/scheduled_events/<uuid>";

/** A value as it is shown in an error: quoted, and cut short when long. */
function shown(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

/** An opaque id as it may appear in a path segment: not empty, no slash, no whitespace. */
function isId(value: string): boolean {
  return value.length > 0 && value.length <= 200 && !/[\s/]/.test(value);
}

/** The decoded path segments of an absolute http(s) URI; `undefined` when `value` is not one. */
function uriSegments(value: string): string[] | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  try {
    return url.pathname
      .split("/")
      .filter((segment) => segment.length > 0)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined; // A malformed %-escape names nothing.
  }
}

/** `{eventUuid, inviteeUuid}` when the segments end with `scheduled_events/{e}/invitees/{i}`. */
function inviteeIdsOf(segments: readonly string[]): InviteeIds | undefined {
  const [events, eventUuid, invitees, inviteeUuid] = segments.slice(-4);
  if (segments.length < 4 || events !== "scheduled_events" || invitees !== "invitees") return undefined;
  if (!isId(eventUuid!) || !isId(inviteeUuid!)) return undefined;
  return { eventUuid: eventUuid!, inviteeUuid: inviteeUuid! };
}

/**
 * The ids of an invitee given its URI (a payload's `uri`, an invitee's `new_invitee`, a routing form
 * submission's `submitter`), or given the event's and the invitee's UUIDs. Throws a
 * `CalendlyArgumentError` saying what to pass instead.
 */
export function inviteeIds(uriOrEventUuid: string, inviteeUuid?: string): InviteeIds {
  if (inviteeUuid !== undefined) {
    if (!isId(uriOrEventUuid)) {
      throw new CalendlyArgumentError(
        "eventUuid",
        `${shown(uriOrEventUuid)} is not an id: pass the event's UUID (the last segment of its URI)`,
      );
    }
    if (!isId(inviteeUuid)) {
      throw new CalendlyArgumentError(
        "inviteeUuid",
        `${shown(inviteeUuid)} is not an id: pass the invitee's UUID (the last segment of its URI)`,
      );
    }
    return { eventUuid: uriOrEventUuid, inviteeUuid };
  }
  const ids = inviteeIdsOfUri(uriOrEventUuid);
  if (ids) return ids;
  throw new CalendlyArgumentError(
    "invitee",
    `${shown(uriOrEventUuid)} ${inviteeUriProblem(uriOrEventUuid)}: pass a URI like ${INVITEE_URI_EXAMPLE} (a payload's uri), or the event's and the invitee's UUIDs`,
  );
}

function inviteeIdsOfUri(value: string): InviteeIds | undefined {
  const segments = uriSegments(value.trim());
  return segments && inviteeIdsOf(segments);
}

/**
 * What is wrong with `value` as an invitee URI, e.g. "is a scheduled event's URI, not an
 * invitee's"; `undefined` when nothing is.
 */
export function inviteeUriProblem(value: string): string | undefined {
  if (inviteeIdsOfUri(value)) return undefined;
  const segments = uriSegments(value.trim());
  if (segments?.at(-2) === "scheduled_events") return "is a scheduled event's URI, not an invitee's";
  if (segments === undefined && isId(value)) return "is a bare id, and an invitee is named by two";
  return "is not an invitee URI";
}

/** The UUID of a scheduled event given its URI (an invitee's `event`) or the UUID itself. */
export function scheduledEventUuid(uriOrUuid: string): string {
  const value = uriOrUuid.trim();
  const segments = uriSegments(value);
  if (segments === undefined && isId(value)) return value;
  if (segments !== undefined && segments.at(-2) === "scheduled_events" && isId(segments.at(-1)!)) {
    return segments.at(-1)!;
  }
  const problem =
    segments && inviteeIdsOf(segments)
      ? "is an invitee's URI: pass its event (the invitee's `event`)"
      : "is not a scheduled event URI";
  throw new CalendlyArgumentError(
    "event",
    `${shown(uriOrUuid)} ${problem}; expected ${EVENT_URI_EXAMPLE} or the bare UUID`,
  );
}

export function inviteePath(ids: InviteeIds): string {
  return `/scheduled_events/${encodeURIComponent(ids.eventUuid)}/invitees/${encodeURIComponent(ids.inviteeUuid)}`;
}

export function scheduledEventPath(uuid: string): string {
  return `/scheduled_events/${encodeURIComponent(uuid)}`;
}

function toCancellation(raw: RawInvitee["cancellation"]): Cancellation | null {
  if (raw === undefined || raw === null) return null;
  return {
    canceledBy: raw.canceled_by ?? null,
    reason: raw.reason ?? null,
    cancelerType: raw.canceler_type ?? null,
    createdAt: raw.created_at ?? null,
  };
}

/** `parsed` is the validated resource, `raw` the same resource as received (every key). */
export function toInvitee(parsed: RawInvitee, raw: Record<string, unknown>): Invitee {
  const tracking = parsed.tracking ?? null;
  const payment = parsed.payment ?? null;
  const noShow = parsed.no_show ?? null;
  const reconfirmation = parsed.reconfirmation ?? null;
  return {
    uri: parsed.uri,
    email: parsed.email,
    name: parsed.name,
    firstName: parsed.first_name ?? null,
    lastName: parsed.last_name ?? null,
    status: parsed.status,
    questionsAndAnswers: (parsed.questions_and_answers ?? []).map((qa, index) => ({
      question: qa.question,
      answer: qa.answer ?? "",
      position: qa.position ?? index,
    })),
    timezone: parsed.timezone ?? null,
    event: parsed.event,
    createdAt: parsed.created_at,
    updatedAt: parsed.updated_at,
    tracking: tracking && {
      utmCampaign: tracking.utm_campaign ?? null,
      utmSource: tracking.utm_source ?? null,
      utmMedium: tracking.utm_medium ?? null,
      utmContent: tracking.utm_content ?? null,
      utmTerm: tracking.utm_term ?? null,
      salesforceUuid: tracking.salesforce_uuid ?? null,
    },
    textReminderNumber: parsed.text_reminder_number ?? null,
    rescheduled: parsed.rescheduled ?? false,
    oldInvitee: parsed.old_invitee ?? null,
    newInvitee: parsed.new_invitee ?? null,
    cancelUrl: parsed.cancel_url ?? null,
    rescheduleUrl: parsed.reschedule_url ?? null,
    routingFormSubmission: parsed.routing_form_submission ?? null,
    cancellation: toCancellation(parsed.cancellation),
    payment: payment && {
      externalId: payment.external_id ?? null,
      provider: payment.provider,
      amount: payment.amount,
      currency: payment.currency,
      terms: payment.terms ?? null,
      successful: payment.successful ?? null,
    },
    noShow: noShow && { uri: noShow.uri, createdAt: noShow.created_at ?? null },
    reconfirmation: reconfirmation && {
      createdAt: reconfirmation.created_at ?? null,
      confirmedAt: reconfirmation.confirmed_at ?? null,
    },
    schedulingMethod: parsed.scheduling_method ?? null,
    inviteeScheduledBy: parsed.invitee_scheduled_by ?? null,
    raw,
  };
}

export function toScheduledEvent(parsed: RawScheduledEvent, raw: Record<string, unknown>): ScheduledEvent {
  const location = parsed.location ?? null;
  const calendarEvent = parsed.calendar_event ?? null;
  return {
    uri: parsed.uri,
    name: parsed.name ?? null,
    status: parsed.status,
    startTime: parsed.start_time,
    endTime: parsed.end_time,
    eventType: parsed.event_type ?? null,
    location: location && {
      type: location.type,
      location: location.location ?? null,
      joinUrl: location.join_url ?? null,
      status: location.status ?? null,
    },
    inviteesCounter: parsed.invitees_counter ? { ...parsed.invitees_counter } : null,
    createdAt: parsed.created_at ?? null,
    updatedAt: parsed.updated_at ?? null,
    eventMemberships: (parsed.event_memberships ?? []).map((m) => ({
      user: m.user,
      userEmail: m.user_email ?? null,
      userName: m.user_name ?? null,
    })),
    eventGuests: (parsed.event_guests ?? []).map((g) => ({
      email: g.email,
      createdAt: g.created_at ?? null,
      updatedAt: g.updated_at ?? null,
    })),
    cancellation: toCancellation(parsed.cancellation),
    calendarEvent: calendarEvent && { kind: calendarEvent.kind, externalId: calendarEvent.external_id },
    raw,
  };
}
