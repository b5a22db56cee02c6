/**
 * The invitees and scheduled events that webhook deliveries tell about, kept so that
 * `GET /scheduled_events/{uuid}` and `GET /scheduled_events/{uuid}/invitees/{uuid}` answer what was
 * delivered: an `invitee.*` or `invitee_no_show.*` payload is an invitee with its scheduled event
 * embedded (`scheduled_event`); the invitee resource is that payload without it, the event resource
 * is the embedded object. A later event about the same invitee (a cancellation, a no-show) replaces
 * both, so a GET shows the latest state, as Calendly's does.
 *
 * Only payloads naming the emulator's own URIs are kept (`<base>/scheduled_events/<e>/invitees/<i>`);
 * a custom trigger payload shaped otherwise is delivered but cannot be fetched.
 */
import { INVITEE_EVENTS, type WebhookEvent } from "../calendly";

export interface StoredScheduledEvent {
  uuid: string;
  /** The organization the event belongs to: another organization's token gets a 404. */
  organization: string;
  /** User URIs of the hosts (`event_memberships`): members may read their own events only. */
  hosts: string[];
  resource: Record<string, unknown>;
}

export interface StoredInvitee {
  eventUuid: string;
  uuid: string;
  organization: string;
  hosts: string[];
  resource: Record<string, unknown>;
}

export interface DeliveredEvent {
  event: WebhookEvent;
  organization: string;
  /** The event's user, the host when the payload names none. */
  user: string;
  payload: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export class Bookings {
  private readonly events = new Map<string, StoredScheduledEvent>();
  private readonly invitees = new Map<string, StoredInvitee>();

  constructor(private readonly baseUrl: string) {}

  /** `{eventUuid, inviteeUuid}` of one of this emulator's invitee URIs. */
  private inviteeIds(uri: unknown): { eventUuid: string; inviteeUuid: string } | undefined {
    if (typeof uri !== "string" || !uri.startsWith(`${this.baseUrl}/scheduled_events/`)) return undefined;
    const match = /^\/scheduled_events\/([^/]+)\/invitees\/([^/]+)$/.exec(uri.slice(this.baseUrl.length));
    return match ? { eventUuid: match[1]!, inviteeUuid: match[2]! } : undefined;
  }

  /** Keeps the invitee and scheduled event of a delivered payload; `false` when it has none. */
  record(delivered: DeliveredEvent): boolean {
    if (!(INVITEE_EVENTS as readonly WebhookEvent[]).includes(delivered.event)) return false;
    const { scheduled_event: embedded, ...invitee } = delivered.payload;
    const ids = this.inviteeIds(invitee.uri);
    if (!ids) return false;
    const eventUri = `${this.baseUrl}/scheduled_events/${ids.eventUuid}`;
    const event = isRecord(embedded) && embedded.uri === eventUri ? embedded : undefined;
    const memberships = Array.isArray(event?.event_memberships) ? event.event_memberships : [];
    const hosts = memberships.flatMap((m) => (isRecord(m) && typeof m.user === "string" ? [m.user] : []));
    if (hosts.length === 0) hosts.push(delivered.user);
    const { organization } = delivered;
    if (event) {
      this.events.set(ids.eventUuid, {
        uuid: ids.eventUuid,
        organization,
        hosts,
        resource: structuredClone(event),
      });
    }
    this.invitees.set(`${ids.eventUuid}/${ids.inviteeUuid}`, {
      eventUuid: ids.eventUuid,
      uuid: ids.inviteeUuid,
      organization,
      hosts,
      resource: structuredClone(invitee),
    });
    return true;
  }

  scheduledEvent(uuid: string): StoredScheduledEvent | undefined {
    const stored = this.events.get(uuid);
    return stored && { ...stored, hosts: [...stored.hosts], resource: structuredClone(stored.resource) };
  }

  invitee(eventUuid: string, inviteeUuid: string): StoredInvitee | undefined {
    const stored = this.invitees.get(`${eventUuid}/${inviteeUuid}`);
    return stored && { ...stored, hosts: [...stored.hosts], resource: structuredClone(stored.resource) };
  }

  clear(): void {
    this.events.clear();
    this.invitees.clear();
  }
}
