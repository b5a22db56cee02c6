/**
 * The Calendly API client: every call of API.md's endpoint table, typed, validated with zod and
 * mapped explicitly between Calendly's snake_case and this project's camelCase.
 *
 *   const calendly = createCalendlyClient({ token, baseUrl });
 *   const me = await calendly.getCurrentUser();
 *   for await (const sub of calendly.listWebhookSubscriptions({ organization, scope: "organization" })) …
 *   const invitee = await calendly.getInvitee(detail.payload.uri);   // a delivery's invitee, as it is now
 *
 * It holds a connection pool: `close()` it when done.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { CalendlyArgumentError, CalendlyResponseError } from "./errors";
import type { Scope } from "./events";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
import {
  inviteeIds,
  inviteePath,
  scheduledEventPath,
  scheduledEventUuid,
  toInvitee,
  toScheduledEvent,
} from "./scheduled-events";
import { calendlySchemas, type RawUser, type RawWebhookSubscription, scheduledEventSchemas } from "./schemas";
import { apiUrlProblem } from "./secure-url";
import {
  createTransport,
  DEFAULT_TIMEOUTS,
  type RetryNotice,
  type Timeouts,
  type Transport,
} from "./transport";
import type {
  CalendlyUser,
  CreateWebhookSubscriptionInput,
  Invitee,
  ListWebhookSubscriptionsQuery,
  SampleWebhookDataQuery,
  ScheduledEvent,
  WebhookEnvelope,
  WebhookSubscription,
} from "./types";
import { USER_AGENT } from "./version";

export const DEFAULT_API_URL = "https://api.calendly.com";

export interface CalendlyClientOptions {
  /** Personal access token or OAuth access token. Only ever sent in the Authorization header. */
  token: string;
  /** Defaults to https://api.calendly.com; point it at the emulator for offline work. */
  baseUrl?: string;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  /** Appended to the project's own User-Agent, e.g. "cli". */
  userAgentSuffix?: string;
  /** Use this undici dispatcher (e.g. a MockAgent) instead of the client's own pooled Agent. */
  dispatcher?: Dispatcher;
  /** Told about each retry before its wait (progress output, logs). */
  onRetry?: (notice: RetryNotice) => void;
  /** Test seams. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface WebhookSubscriptionPage {
  subscriptions: WebhookSubscription[];
  nextPageToken: string | null;
}

/** The calls the provider makes, webhook subscriptions and the current user: what its code depends on. */
export interface WebhookSubscriptionClient {
  /** `GET /users/me`: the token's user, whose `currentOrganization` most calls need. */
  getCurrentUser(): Promise<CalendlyUser>;
  /** `POST /webhook_subscriptions`. 409 when the URL is taken; see errors.ts for the rest. */
  createWebhookSubscription(input: CreateWebhookSubscriptionInput): Promise<WebhookSubscription>;
  /** `GET /webhook_subscriptions/{uuid}`; accepts the uuid or the full URI. */
  getWebhookSubscription(idOrUri: string): Promise<WebhookSubscription>;
  /** One page of `GET /webhook_subscriptions`. */
  listWebhookSubscriptionPage(
    query: ListWebhookSubscriptionsQuery,
    pageToken?: string | null,
  ): Promise<WebhookSubscriptionPage>;
  /** Every subscription matching the query, following `next_page_token` across all pages. */
  listWebhookSubscriptions(query: ListWebhookSubscriptionsQuery): AsyncIterable<WebhookSubscription>;
  /** `DELETE /webhook_subscriptions/{uuid}` (204). A 404 is thrown; callers decide if gone is fine. */
  deleteWebhookSubscription(idOrUri: string): Promise<void>;
  /** `GET /sample_webhook_data`: a bare webhook envelope, handy for tests of a receiver. */
  getSampleWebhookData(query: SampleWebhookDataQuery): Promise<WebhookEnvelope>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

/** The last path segment of a resource URI, or the id itself. */
export function idFromUri(idOrUri: string): string {
  const trimmed = idOrUri.replace(/\/+$/, "");
  const id = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  if (id.length === 0) throw new Error(`"${idOrUri}" is neither a Calendly id nor a resource URI`);
  return id;
}

export function toWebhookSubscription(raw: RawWebhookSubscription): WebhookSubscription {
  return {
    uri: raw.uri,
    callbackUrl: raw.callback_url,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    retryStartedAt: raw.retry_started_at,
    state: raw.state,
    events: [...raw.events],
    scope: raw.scope,
    organization: raw.organization,
    user: raw.user,
    group: raw.group,
    creator: raw.creator,
  };
}

export function toCalendlyUser(raw: RawUser): CalendlyUser {
  return {
    uri: raw.uri,
    name: raw.name,
    email: raw.email,
    currentOrganization: raw.current_organization,
    slug: raw.slug ?? null,
    schedulingUrl: raw.scheduling_url ?? null,
    timezone: raw.timezone ?? null,
    avatarUrl: raw.avatar_url ?? null,
    createdAt: raw.created_at ?? null,
    updatedAt: raw.updated_at ?? null,
  };
}

/** The create body, field by field: `url` in (it comes back as `callback_url`), `signing_key` write-only. */
export function createBody(input: CreateWebhookSubscriptionInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    url: input.url,
    events: [...input.events],
    organization: input.organization,
    scope: input.scope,
  };
  if (input.user !== undefined) body.user = input.user;
  if (input.group !== undefined) body.group = input.group;
  if (input.signingKey !== undefined) body.signing_key = input.signingKey;
  return body;
}

function listQuery(query: ListWebhookSubscriptionsQuery, pageToken?: string | null) {
  return {
    organization: query.organization,
    scope: query.scope as Scope,
    user: query.user,
    group: query.group,
    count: query.count ?? 100,
    sort: query.sort,
    page_token: pageToken ?? undefined,
  };
}

/** The whole client: webhook subscriptions, the current user, invitees and scheduled events. */
export class CalendlyClient implements WebhookSubscriptionClient {
  readonly #transport: Transport;

  constructor(options: CalendlyClientOptions) {
    if (!options.token)
      throw new Error("A Calendly token is required (set calendly:token or CALENDLY_TOKEN)");
    const baseUrl = options.baseUrl ?? DEFAULT_API_URL;
    // The token goes wherever baseUrl points: never over plain http, except to a loopback host.
    const insecure = apiUrlProblem(baseUrl, "the API URL");
    if (insecure) throw new CalendlyArgumentError("baseUrl", insecure);
    this.#transport = createTransport({
      baseUrl,
      token: options.token,
      userAgent: options.userAgentSuffix ? `${USER_AGENT} ${options.userAgentSuffix}` : USER_AGENT,
      timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      dispatcher: options.dispatcher,
      sleep: options.sleep ?? sleep,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      onRetry: options.onRetry,
    });
  }

  async getCurrentUser(): Promise<CalendlyUser> {
    const { resource } = await this.#get("/users/me", calendlySchemas.userResource);
    return toCalendlyUser(resource);
  }

  async createWebhookSubscription(input: CreateWebhookSubscriptionInput): Promise<WebhookSubscription> {
    const path = "/webhook_subscriptions";
    const { status, body } = await this.#transport.call("POST", path, { body: createBody(input) });
    return toWebhookSubscription(
      parse(calendlySchemas.subscriptionResource, body, "POST", path, status).resource,
    );
  }

  async getWebhookSubscription(idOrUri: string): Promise<WebhookSubscription> {
    const path = `/webhook_subscriptions/${encodeURIComponent(idFromUri(idOrUri))}`;
    return toWebhookSubscription((await this.#get(path, calendlySchemas.subscriptionResource)).resource);
  }

  async listWebhookSubscriptionPage(
    query: ListWebhookSubscriptionsQuery,
    pageToken?: string | null,
  ): Promise<WebhookSubscriptionPage> {
    const page = await this.#get(
      "/webhook_subscriptions",
      calendlySchemas.subscriptionPage,
      listQuery(query, pageToken),
    );
    return {
      subscriptions: page.collection.map(toWebhookSubscription),
      nextPageToken: page.pagination.next_page_token || null,
    };
  }

  async *listWebhookSubscriptions(query: ListWebhookSubscriptionsQuery): AsyncIterable<WebhookSubscription> {
    let pageToken: string | null = null;
    const seen = new Set<string>();
    do {
      const page: WebhookSubscriptionPage = await this.listWebhookSubscriptionPage(query, pageToken);
      yield* page.subscriptions;
      // A cursor that repeats would loop forever; Calendly's never should, but stop if it does.
      if (page.nextPageToken !== null && seen.has(page.nextPageToken)) break;
      if (page.nextPageToken !== null) seen.add(page.nextPageToken);
      pageToken = page.nextPageToken;
    } while (pageToken !== null);
  }

  async deleteWebhookSubscription(idOrUri: string): Promise<void> {
    await this.#transport.call("DELETE", `/webhook_subscriptions/${encodeURIComponent(idFromUri(idOrUri))}`);
  }

  async getSampleWebhookData(query: SampleWebhookDataQuery): Promise<WebhookEnvelope> {
    return this.#get("/sample_webhook_data", calendlySchemas.envelope, {
      event: query.event,
      organization: query.organization,
      scope: query.scope,
      user: query.user,
      group: query.group,
    });
  }

  /**
   * `GET /scheduled_events/{event_uuid}/invitees/{invitee_uuid}`: an invitee as it is now (status,
   * answers, reschedule and no-show links). Takes its URI (a delivery's `payload.uri`, resolved
   * against this client's API URL whatever host it names), or the event's and the invitee's UUIDs.
   * Needs the `scheduled_events:read` scope; 404 once Calendly has no such invitee.
   */
  getInvitee(uri: string): Promise<Invitee>;
  getInvitee(eventUuid: string, inviteeUuid: string): Promise<Invitee>;
  async getInvitee(uriOrEventUuid: string, inviteeUuid?: string): Promise<Invitee> {
    const path = inviteePath(inviteeIds(uriOrEventUuid, inviteeUuid));
    const { parsed, raw } = await this.#getResource(path, scheduledEventSchemas.inviteeResource);
    return toInvitee(parsed, raw);
  }

  /**
   * The same invitee as Calendly returned it, checked only for being `{"resource": {...}}`: for a
   * tool that shows the answer as it is (the CLI's `invitee --json`) even where it breaks what
   * `getInvitee` relies on.
   */
  async getInviteeResource(uri: string): Promise<Record<string, unknown>> {
    const path = inviteePath(inviteeIds(uri));
    return (await this.#getResource(path, scheduledEventSchemas.anyResource)).raw;
  }

  /** `GET /scheduled_events/{uuid}`: the meeting (an invitee's `event`); takes the URI or the UUID. */
  async getScheduledEvent(uriOrUuid: string): Promise<ScheduledEvent> {
    const path = scheduledEventPath(scheduledEventUuid(uriOrUuid));
    const { parsed, raw } = await this.#getResource(path, scheduledEventSchemas.scheduledEventResource);
    return toScheduledEvent(parsed, raw);
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  async #get<T>(path: string, schema: z.ZodType<T>, query?: Record<string, string | number | undefined>) {
    const { status, body } = await this.#transport.call("GET", path, { query });
    return parse(schema, body, "GET", path, status);
  }

  /** A `{resource}` answer: the validated resource, and the resource as received (every key). */
  async #getResource<T>(path: string, schema: z.ZodType<{ resource: T }>) {
    const { status, body } = await this.#transport.call("GET", path);
    const parsed = parse(schema, body, "GET", path, status).resource;
    return { parsed, raw: (body as { resource: Record<string, unknown> }).resource };
  }
}

/** Parses a 2xx body; a body that breaks API.md's promises is an error naming the field. */
function parse<T>(schema: z.ZodType<T>, value: unknown, method: string, path: string, status: number): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join(".") || "(body)"}: ${issue.message}`)
    .join("; ");
  throw new CalendlyResponseError({ method, path }, status, problems);
}

export function createCalendlyClient(options: CalendlyClientOptions): CalendlyClient {
  return new CalendlyClient(options);
}
