/**
 * When and how long the client waits before trying a request again; the loop is in transport.ts.
 *
 * Why not undici's RetryAgent: its `retry` callback could hold every rule here (it sees the
 * status, the headers, so `X-RateLimit-Reset`, the method and the error code; a request `signal`
 * bounds the whole call), but it cannot send a request again in full. Once a 2xx answer has
 * begun, RetryHandler arms resumption (lib/handler/retry-handler.js in undici 8.13.1, line 488:
 * `this.resume = true`), so a connection that dies mid-body is retried as a `Range:
 * bytes=<received>-` request (`retry()`, lines 561-566), and an answer that is not a matching 206
 * is refused: "server does not support the range header and the payload was partially consumed"
 * (lines 395-400), or "Content-Range mismatch" when no byte had arrived (402-410). Calendly's API
 * answers with the whole JSON body, so a GET whose answer broke off (a page of subscriptions, a
 * refresh) would fail where this client sends it again: test/calendly/client.test.ts, "sends a
 * GET again in full". Tried in full (issue 14): with RetryAgent every other client, provider and
 * CI fault test passed and transport.ts was 6 lines shorter, and that test failed with exactly
 * that error. Saying no in the callback would hand the failure to a second loop around it.
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
