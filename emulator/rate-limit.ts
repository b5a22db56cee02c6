/**
 * Calendly's per-user rate limit: a fixed window (60 s by default) with a request budget that
 * depends on the plan (500 paid, 50 Free). Every answer to a known token carries the three
 * `X-RateLimit-*` headers; `X-RateLimit-Reset` is the number of seconds until the window resets,
 * not an epoch (API.md, "Transport").
 */

export interface RateLimitOptions {
  /** Requests per window for a paid plan. */
  paid: number;
  /** Requests per window for the Free plan. */
  free: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = { paid: 500, free: 50, windowSeconds: 60 };

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets, at least 1 while a window is open. */
  resetSeconds: number;
}

export interface RateLimitDecision extends RateLimitState {
  allowed: boolean;
}

interface Window {
  startedAt: number;
  used: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  limitFor(plan: "paid" | "free"): number {
    return plan === "free" ? this.options.free : this.options.paid;
  }

  /** The current window of `key`, opening a new one if the last has expired. */
  private window(key: string): Window {
    const now = this.now();
    const current = this.windows.get(key);
    if (current && now - current.startedAt < this.options.windowSeconds * 1000) return current;
    const fresh = { startedAt: now, used: 0 };
    this.windows.set(key, fresh);
    return fresh;
  }

  private state(window: Window, limit: number): RateLimitState {
    const endsIn = window.startedAt + this.options.windowSeconds * 1000 - this.now();
    return {
      limit,
      remaining: Math.max(0, limit - window.used),
      resetSeconds: Math.max(1, Math.ceil(endsIn / 1000)),
    };
  }

  /** Counts one request for `key`; a request over the budget is refused and not counted. */
  take(key: string, plan: "paid" | "free"): RateLimitDecision {
    const limit = this.limitFor(plan);
    const window = this.window(key);
    if (window.used >= limit) return { ...this.state(window, limit), allowed: false };
    window.used += 1;
    return { ...this.state(window, limit), allowed: true };
  }

  /** The headers' values for `key` without counting a request (for injected faults). */
  peek(key: string, plan: "paid" | "free"): RateLimitState {
    return this.state(this.window(key), this.limitFor(plan));
  }

  reset(): void {
    this.windows.clear();
  }
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(state.limit),
    "X-RateLimit-Remaining": String(state.remaining),
    "X-RateLimit-Reset": String(state.resetSeconds),
  };
}
