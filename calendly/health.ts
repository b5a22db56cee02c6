/**
 * Is a webhook subscription still delivering? The one reading of Calendly's `state` and
 * `retry_started_at` that the CLI and the watchdog share.
 *
 * `retry_started_at` is history, not a live flag: Calendly's FAQ calls it "the last time Calendly
 * needed to start retrying", and it stays set after deliveries succeed again. So a subscription is
 * `retrying` only while that time is recent (24 hours by default: Calendly retries one delivery
 * for 24 hours after its first failure, then disables the subscription).
 *
 * What this can and cannot tell depends on how Calendly moves the field, which it does not document
 * (emulator/retry-started-at.ts lists the readings its documentation allows; docs/watchdog.md has
 * the table). If a later delivery's first failure, or every failed attempt, moves it, a delivery
 * still being retried first failed within the window: `healthy` is never read while one is, but
 * for its last attempt, which may come one back-off after the window. If instead it keeps the time
 * the subscription started retrying (while any delivery is being retried, or forever), a delivery
 * that began failing during an older retry is invisible here: `healthy` is read while Calendly is
 * still retrying it (one that never gets through: until Calendly disables the subscription, up to
 * 24 hours on; overlapping failures that each get through: indefinitely), and no rule on `state`
 * and `retry_started_at` alone can do better without never reading `healthy` again after a retry
 * (test/calendly/health.test.ts). The stack covers
 * that with the receiver's own count of each subscription's failed deliveries and an alarm on it
 * (infra/receiver/alarms.ts, `delivery-failures`).
 */
import type { WebhookSubscription } from "../packages/pulumi-calendly/src/calendly";

/** How recent `retry_started_at` must be to count as retrying now. */
export const DEFAULT_RETRYING_WINDOW_MS = 24 * 3_600_000;

export type SubscriptionHealth =
  /**
   * Active, and `retry_started_at` is not within the window. Not proof that nothing is being
   * retried: see above.
   */
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
