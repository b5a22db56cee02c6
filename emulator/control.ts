/**
 * The emulator's control surface, for tests and for people: make events happen, script faults,
 * inspect what clients sent and what was delivered, cause drift. `EmulatorControl` is the
 * in-process API; `handleControlRequest` exposes the same under `/__emulator/` on the emulator's
 * port (no Calendly token; loopback clients only). Control calls are not recorded as Calendly
 * requests and do not count toward rate limits.
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { WebhookEnvelope } from "../calendly";
import type { Deliverer, DeliveryAttempt, DeliveryFilter } from "./delivery";
import { invalidArgument, notFound, permissionDenied } from "./errors";
import {
  type ActiveFault,
  type FaultPlan,
  type FaultRule,
  faultRuleSchema,
  faultRulesSchema,
} from "./faults";
import { type ApiResponse, json, noContent, parseJsonBody } from "./http";
import type { RateLimiter } from "./rate-limit";
import type { Operation, RecordedRequest, RequestFilter, RequestRecorder } from "./recorder";
import {
  type Group,
  type Organization,
  type Store,
  subscriptionResource,
  type TokenGrant,
  type UserResource,
  type WebhookSubscriptionResource,
} from "./store";
import { type EventTrigger, matchingSubscriptions, resolveTrigger } from "./triggers";

/** The seed with every URI resolved. */
export interface SeedView {
  organizations: Organization[];
  users: UserResource[];
  groups: Group[];
  tokens: TokenGrant[];
}

/** A subscription as the control API shows it: the twelve keys, its uuid, and whether it has a key. */
export interface SubscriptionView extends WebhookSubscriptionResource {
  uuid: string;
  /** Whether deliveries are signed. The key itself is never shown. */
  has_signing_key: boolean;
}

export interface FiredEvent {
  event: string;
  organization: string;
  user: string;
  group: string | null;
  /** UUIDs of the subscriptions the event is being delivered to. */
  matched: string[];
  /** The envelope (each subscription's copy has its own creator as `created_by`). */
  envelope: WebhookEnvelope;
}

export interface EmulatorControl {
  /** Organizations, users, groups and tokens (token values included: this is in-process). */
  seed(): SeedView;
  /** Recorded Calendly API requests, oldest first; never the token, `signing_key` redacted. */
  requests(filter?: RequestFilter): RecordedRequest[];
  /** How many recorded requests match, e.g. `requestCount({ operation: "createWebhookSubscription" })`. */
  requestCount(filter?: RequestFilter): number;
  /** Delivery attempts, oldest first. */
  deliveries(filter?: DeliveryFilter): DeliveryAttempt[];
  /** Resolves once no delivery is in flight or waiting to retry. */
  waitForDeliveries(options?: { timeoutMs?: number }): Promise<void>;
  /** Deliveries in flight or waiting to retry. */
  pendingDeliveries(): number;
  /** Every subscription, oldest first, with `has_signing_key`. */
  subscriptions(): SubscriptionView[];
  /** Makes an event happen and starts delivering it; throws an `ApiError` (400) for a bad trigger. */
  fireEvent(trigger: EventTrigger): FiredEvent;
  /** Adds fault rules after the existing ones; returns them with their ids and counters. */
  injectFaults(rules: FaultRule | readonly FaultRule[]): ActiveFault[];
  clearFaults(): void;
  /** Fault rules not used up yet. */
  faults(): ActiveFault[];
  /** Turns a subscription `disabled` out of band (drift); `undefined` if there is none. */
  disableSubscription(uuid: string): SubscriptionView | undefined;
  /** Deletes a subscription out of band (drift); `false` if there was none. */
  deleteSubscription(uuid: string): boolean;
  /** Puts back subscriptions recorded earlier (same uuid, times and state), with their keys. */
  restoreSubscriptions(subscriptions: readonly RestoredSubscription[]): SubscriptionView[];
  /** Revokes a token, as its owner would in Calendly; `false` for an unknown token. */
  revokeToken(token: string): boolean;
  /** Opens a fresh rate-limit window for every token, as if the window had passed (benchmarks). */
  resetRateLimits(): void;
  /** Back to the seed: no subscriptions, requests, deliveries, faults or rate-limit windows. */
  reset(): Promise<void>;
}

export interface RestoredSubscription extends WebhookSubscriptionResource {
  uuid: string;
  signing_key: string | null;
}

export interface ControlParts {
  store: Store;
  recorder: RequestRecorder;
  faults: FaultPlan;
  limiter: RateLimiter;
  deliverer: Deliverer;
}

function subscriptionView(store: Store, uuid: string): SubscriptionView | undefined {
  const sub = store.subscription(uuid);
  return sub && { ...subscriptionResource(sub), uuid: sub.uuid, has_signing_key: sub.signingKey !== null };
}

export function createControl({
  store,
  recorder,
  faults,
  limiter,
  deliverer,
}: ControlParts): EmulatorControl {
  return {
    seed: () => ({
      organizations: store.organizations.map((o) => ({ ...o })),
      users: store.users.map((u) => ({ ...u })),
      groups: store.groups.map((g) => ({ ...g, members: [...g.members] })),
      tokens: store.tokenGrants().map((t) => ({ ...t })),
    }),
    requests: (filter) => recorder.list(filter),
    requestCount: (filter) => recorder.count(filter),
    deliveries: (filter) => deliverer.list(filter),
    waitForDeliveries: (options) => deliverer.waitForIdle(options?.timeoutMs),
    pendingDeliveries: () => deliverer.pending,
    subscriptions: () => store.allSubscriptions().map((s) => subscriptionView(store, s.uuid)!),
    fireEvent(trigger) {
      const resolved = resolveTrigger(store, trigger);
      // The booking exists whether or not a subscription hears of it, and can be fetched after.
      store.bookings.record({ ...resolved, payload: resolved.envelope.payload });
      const matched = matchingSubscriptions(store, resolved);
      deliverer.deliver(resolved, matched);
      return {
        event: resolved.event,
        organization: resolved.organization,
        user: resolved.user,
        group: resolved.group,
        matched: matched.map((s) => s.uuid),
        envelope: resolved.envelope,
      };
    },
    injectFaults(rules) {
      const list: readonly FaultRule[] = Array.isArray(rules) ? rules : [rules as FaultRule];
      const parsed = z.array(faultRuleSchema).safeParse(list);
      if (!parsed.success) throw invalidArgument(zodDetails(parsed.error));
      return faults.add(list);
    },
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    disableSubscription(uuid) {
      if (!store.disableSubscription(uuid)) return undefined;
      return subscriptionView(store, uuid);
    },
    deleteSubscription: (uuid) => store.deleteSubscription(uuid),
    restoreSubscriptions: (subscriptions) =>
      subscriptions.map(({ signing_key, ...resource }) => {
        const sub = store.restoreSubscription({ ...resource, signingKey: signing_key });
        return subscriptionView(store, sub.uuid)!;
      }),
    revokeToken: (token) => store.revokeToken(token),
    resetRateLimits: () => limiter.reset(),
    async reset() {
      await deliverer.reset();
      store.clearSubscriptions();
      store.bookings.clear();
      recorder.clear();
      faults.clear();
      limiter.reset();
    },
  };
}

function zodDetails(error: z.ZodError): { parameter?: string; message: string }[] {
  return error.issues.map((issue) => ({
    ...(issue.path.length > 0 ? { parameter: issue.path.join(".") } : {}),
    message: issue.message,
  }));
}

const triggerSchema = z.strictObject({
  event: z.string(),
  organization: z.string().optional(),
  user: z.string().optional(),
  group: z.string().optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

const OPERATIONS: readonly Operation[] = [
  "getCurrentUser",
  "createWebhookSubscription",
  "listWebhookSubscriptions",
  "getWebhookSubscription",
  "deleteWebhookSubscription",
  "getSampleWebhookData",
  "getScheduledEvent",
  "getInvitee",
  "unknown",
];

function requestFilterOf(query: URLSearchParams): RequestFilter {
  const operation = query.get("operation");
  if (operation !== null && !(OPERATIONS as readonly string[]).includes(operation)) {
    throw invalidArgument([
      { parameter: "operation", message: `operation must be one of ${OPERATIONS.join(", ")}` },
    ]);
  }
  const status = query.get("status");
  return {
    ...(operation ? { operation: operation as Operation } : {}),
    ...(query.get("method") ? { method: query.get("method")! } : {}),
    ...(query.get("path") ? { path: query.get("path")! } : {}),
    ...(status && /^\d{3}$/.test(status) ? { status: Number(status) } : {}),
    ...(query.get("user") ? { user: query.get("user")! } : {}),
  };
}

function deliveryFilterOf(query: URLSearchParams): DeliveryFilter {
  const outcome = query.get("outcome");
  return {
    ...(query.get("subscription") ? { subscription: query.get("subscription")! } : {}),
    ...(query.get("event") ? { event: query.get("event")! } : {}),
    ...(outcome === "success" || outcome === "failure" || outcome === "gone" || outcome === "disabled"
      ? { outcome }
      : {}),
  };
}

/** Whether a peer address is on this machine: the control API has no authentication. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

const ENDPOINTS = [
  "GET    /__emulator/seed",
  "GET    /__emulator/requests?operation=&method=&path=&status=&user=",
  "GET    /__emulator/deliveries?subscription=&event=&outcome=&wait=<seconds>",
  "GET    /__emulator/subscriptions",
  "POST   /__emulator/subscriptions/{uuid}/disable",
  "DELETE /__emulator/subscriptions/{uuid}",
  "POST   /__emulator/events {event, organization?, user?, group?, payload?}",
  "GET    /__emulator/faults",
  "POST   /__emulator/faults <rule or [rules]>",
  "DELETE /__emulator/faults",
  "POST   /__emulator/reset",
];

/**
 * Answers one `/__emulator/...` request. Throws `ApiError` for bad input (the server turns it into
 * a Calendly-shaped answer, like any other error).
 */
export async function handleControlRequest(
  control: EmulatorControl,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): Promise<ApiResponse> {
  if (!isLoopback(req.socket.remoteAddress)) {
    throw permissionDenied("The emulator's control API only answers clients on this machine.");
  }
  const method = req.method ?? "GET";
  const route = `${method} ${path.replace(/\/+$/, "")}`;
  const subscriptionAction = /^(POST|DELETE) \/__emulator\/subscriptions\/([^/]+)(\/disable)?$/.exec(route);

  switch (route) {
    case "GET /__emulator":
      return json(200, { endpoints: ENDPOINTS, docs: "docs/emulator.md" });
    case "GET /__emulator/seed": {
      // Over HTTP the token values stay out: the CLI prints them once at startup.
      const { tokens, ...rest } = control.seed();
      return json(200, { ...rest, tokens: tokens.map(({ token: _token, ...grant }) => grant) });
    }
    case "GET /__emulator/requests":
      return json(200, { collection: control.requests(requestFilterOf(query)) });
    case "GET /__emulator/deliveries": {
      const wait = Number(query.get("wait") ?? "0");
      if (Number.isFinite(wait) && wait > 0) {
        await control.waitForDeliveries({ timeoutMs: Math.min(wait, 600) * 1000 }).catch(() => undefined);
      }
      return json(200, {
        collection: control.deliveries(deliveryFilterOf(query)),
        pending: control.pendingDeliveries(),
      });
    }
    case "GET /__emulator/subscriptions":
      return json(200, { collection: control.subscriptions() });
    case "POST /__emulator/events": {
      const parsed = triggerSchema.safeParse(parseJsonBody(body));
      if (!parsed.success) throw invalidArgument(zodDetails(parsed.error));
      return json(202, { resource: control.fireEvent(parsed.data) });
    }
    case "GET /__emulator/faults":
      return json(200, { collection: control.faults() });
    case "POST /__emulator/faults": {
      const parsed = faultRulesSchema.safeParse(parseJsonBody(body));
      if (!parsed.success) throw invalidArgument(zodDetails(parsed.error));
      return json(201, { collection: control.injectFaults(parsed.data) });
    }
    case "DELETE /__emulator/faults":
      control.clearFaults();
      return noContent();
    case "POST /__emulator/reset":
      await control.reset();
      return noContent();
  }
  if (subscriptionAction) {
    const [, verb, uuid, disable] = subscriptionAction;
    if (verb === "POST" && disable) {
      const view = control.disableSubscription(decodeURIComponent(uuid!));
      if (!view) throw notFound();
      return json(200, { resource: view });
    }
    if (verb === "DELETE" && !disable) {
      if (!control.deleteSubscription(decodeURIComponent(uuid!))) throw notFound();
      return noContent();
    }
  }
  throw notFound();
}
