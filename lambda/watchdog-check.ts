/**
 * One watchdog pass: one `GET /webhook_subscriptions/{uuid}` per watched subscription, each
 * classified. Shared by the scheduled Lambda (lambda/watchdog.ts) and `calendly-webhooks watch`.
 *
 *   healthy   active, and `retry_started_at` is not within the window (not proof that nothing is
 *             being retried: calendly/health.ts, docs/watchdog.md)
 *   retrying  active, but `retry_started_at` is recent: the receiver fails, or just failed
 *   disabled  Calendly gave up: nothing is delivered until `pulumi up --refresh` replaces it
 *   missing   404: deleted out of band, or by Calendly after a 410
 *   unknown   the check itself failed (401 revoked token, 403, 429 beyond the deadline, 5xx,
 *             timeout, no token): says nothing about the subscription, and is reported as such
 */

import type { WebhookSubscription } from "../calendly";
import {
  isCalendlyApiError,
  isNotFound,
  isResponseError,
  isTransportError,
  type SubscriptionHealth,
  subscriptionHealth,
} from "../calendly";
import type { WatchedSubscription } from "./watchdog-config";

export type WatchStatus = SubscriptionHealth | "missing" | "unknown";

export const WATCH_STATUSES: readonly WatchStatus[] = [
  "healthy",
  "retrying",
  "disabled",
  "missing",
  "unknown",
];

/** What one check found. Never holds the token: errors are reduced to a reason and a status. */
export interface SubscriptionCheck {
  name: string;
  uri: string;
  status: WatchStatus;
  /** Calendly's state and retry time, when the GET answered. */
  state?: WebhookSubscription["state"];
  retryStartedAt?: string | null;
  callbackUrl?: string;
  /** Why the check failed (`unknown`), e.g. `http_401`, `rate_limited`, `unreachable`. */
  reason?: string;
  /** Calendly's HTTP status, when it answered with an error. */
  httpStatus?: number;
  durationMs: number;
}

/** What the Lambda returns: each status with the names of the subscriptions in it. */
export type WatchdogResult = Record<WatchStatus, string[]>;

export interface PassOptions {
  watched: readonly WatchedSubscription[];
  /** One GET of the subscription; called once per watched subscription, never more. */
  get(uri: string): Promise<WebhookSubscription>;
  retryingWindowMs: number;
  /** Checks not started by this time (ms since epoch) are `unknown` (`deadline`), without a call. */
  deadline: number;
  concurrency: number;
  now?: () => number;
}

/** Why a check failed, in a few words fit for a log field and a metric's reason. */
export function failureReason(error: unknown): { reason: string; httpStatus?: number } {
  if (isCalendlyApiError(error)) {
    if (error.status === 429) return { reason: "rate_limited", httpStatus: 429 };
    return { reason: `http_${error.status}`, httpStatus: error.status };
  }
  if (isTransportError(error)) return { reason: "unreachable" };
  if (isResponseError(error)) return { reason: "unexpected_response", httpStatus: error.status };
  return { reason: error instanceof Error ? error.name : "error" };
}

async function checkOne(
  subscription: WatchedSubscription,
  options: PassOptions,
  now: () => number,
): Promise<SubscriptionCheck> {
  const started = now();
  const base = { name: subscription.name, uri: subscription.uri };
  if (started >= options.deadline) return { ...base, status: "unknown", reason: "deadline", durationMs: 0 };
  try {
    const sub = await options.get(subscription.uri);
    return {
      ...base,
      status: subscriptionHealth(sub, now(), options.retryingWindowMs),
      state: sub.state,
      retryStartedAt: sub.retryStartedAt,
      callbackUrl: sub.callbackUrl,
      durationMs: now() - started,
    };
  } catch (error) {
    if (isNotFound(error))
      return { ...base, status: "missing", httpStatus: 404, durationMs: now() - started };
    return { ...base, status: "unknown", ...failureReason(error), durationMs: now() - started };
  }
}

/** Checks every watched subscription, `concurrency` at a time; results in the order watched. */
export async function checkSubscriptions(options: PassOptions): Promise<SubscriptionCheck[]> {
  const now = options.now ?? Date.now;
  const results: SubscriptionCheck[] = new Array(options.watched.length);
  let next = 0;
  const worker = async () => {
    while (next < options.watched.length) {
      const index = next++;
      results[index] = await checkOne(options.watched[index]!, options, now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.watched.length) }, worker));
  return results;
}

/** Every watched subscription as `unknown` for one reason (e.g. the token could not be read). */
export function allUnknown(watched: readonly WatchedSubscription[], reason: string): SubscriptionCheck[] {
  return watched.map(({ name, uri }) => ({ name, uri, status: "unknown", reason, durationMs: 0 }));
}

export function summarize(checks: readonly SubscriptionCheck[]): WatchdogResult {
  const result = Object.fromEntries(
    WATCH_STATUSES.map((status) => [status, [] as string[]]),
  ) as WatchdogResult;
  for (const check of checks) result[check.status].push(check.name);
  return result;
}
