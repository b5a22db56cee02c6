/**
 * Is a webhook subscription still delivering? The one reading of Calendly's `state` and
 * `retry_started_at` that the CLI and the watchdog share.
 *
 * `retry_started_at` is history, not a live flag: Calendly's FAQ calls it "the last time Calendly
 * needed to start retrying", and it stays set after deliveries succeed again. So a subscription is
 * `retrying` only while that time is recent (24 hours by default: Calendly gives up on a message
 * after 24 hours, so an older retry has either recovered or ended in `disabled`).
 */
import type { WebhookSubscription } from "../packages/pulumi-calendly/src/calendly";

/** How recent `retry_started_at` must be to count as retrying now. */
export const DEFAULT_RETRYING_WINDOW_MS = 24 * 3_600_000;

export type SubscriptionHealth =
  /** Active, and Calendly has not started retrying within the window. */
  | "healthy"
  /** Active, but Calendly started retrying deliveries within the window: the receiver failed. */
  | "retrying"
  /** Calendly gave up: nothing is delivered until the subscription is replaced. */
  | "disabled";

/**
 * Whether `retryStartedAt` falls within `windowMs` before `nowMs`. A time ahead of ours (clock
 * skew) counts as recent; one that cannot be read counts as recent too, so it is looked at.
 */
export function retriedRecently(retryStartedAt: string | null, nowMs: number, windowMs: number): boolean {
  if (retryStartedAt === null) return false;
  const started = Date.parse(retryStartedAt);
  return Number.isNaN(started) || nowMs - started < windowMs;
}

export function subscriptionHealth(
  sub: Pick<WebhookSubscription, "state" | "retryStartedAt">,
  nowMs: number,
  windowMs: number = DEFAULT_RETRYING_WINDOW_MS,
): SubscriptionHealth {
  if (sub.state === "disabled") return "disabled";
  return retriedRecently(sub.retryStartedAt, nowMs, windowMs) ? "retrying" : "healthy";
}
