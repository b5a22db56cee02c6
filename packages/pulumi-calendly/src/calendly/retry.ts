/**
 * When and how long the client waits before trying a request again.
 *
 * Hand-written rather than undici's RetryAgent because Calendly's rate limit speaks
 * `X-RateLimit-Reset` (seconds until the window resets, not an epoch, API.md) rather than only
 * `Retry-After`, because a create must not be retried blindly once it may have been applied (the
 * caller gets an "unknown outcome" verdict instead), and because the whole call is bounded by one
 * deadline across attempts. The sending itself is undici's.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Upper bound for the whole call, all attempts and waits included. */
  deadlineMs: number;
  /** First back-off for 5xx and connection errors; doubles per attempt, full jitter. */
  baseDelayMs: number;
  /** Cap of one back-off wait. */
  maxDelayMs: number;
  /** Cap of one wait for a rate-limit window (Calendly's windows are a minute). */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  deadlineMs: 150_000,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxRateLimitWaitMs: 65_000,
};

/** Exponential back-off with full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random());
}

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long a 429 asks us to wait, in milliseconds: `Retry-After` when present (seconds or an HTTP
 * date; whether Calendly sends it is open), else `X-RateLimit-Reset` (seconds). `null` when neither
 * says anything usable.
 */
export function rateLimitWaitMs(headers: Record<string, HeaderValue>, nowMs: number): number | null {
  const retryAfter = first(headers["retry-after"])?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = first(headers["x-ratelimit-reset"])?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.ceil(Number(reset) * 1000);
  return null;
}

/** A small extra wait after a rate-limit reset so we do not arrive a hair before the window opens. */
export function rateLimitJitterMs(random: () => number): number {
  return 50 + Math.round(250 * random());
}
