/** The shared reading of `state` and `retry_started_at` (calendly/health.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRYING_WINDOW_MS, retriedRecently, subscriptionHealth } from "../../calendly";
import {
  RETRY_STARTED_AT_READINGS,
  RetryBook,
  type RetryStartedAtReading,
} from "../../emulator/retry-started-at";

const NOW = Date.parse("2026-11-27T12:00:00.000000Z");
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();

describe("subscriptionHealth", () => {
  it("disabled wins, whatever retry_started_at says", () => {
    expect(subscriptionHealth({ state: "disabled", retryStartedAt: null }, NOW)).toBe("disabled");
    expect(subscriptionHealth({ state: "disabled", retryStartedAt: hoursAgo(1) }, NOW)).toBe("disabled");
  });

  it("active and never retried, or retried longer ago than the window: healthy", () => {
    expect(subscriptionHealth({ state: "active", retryStartedAt: null }, NOW)).toBe("healthy");
    expect(subscriptionHealth({ state: "active", retryStartedAt: hoursAgo(24.01) }, NOW)).toBe("healthy");
  });

  it("active and retried within the window (24 h by default, or the one given): retrying", () => {
    expect(DEFAULT_RETRYING_WINDOW_MS).toBe(86_400_000);
    expect(subscriptionHealth({ state: "active", retryStartedAt: hoursAgo(23.99) }, NOW)).toBe("retrying");
    expect(subscriptionHealth({ state: "active", retryStartedAt: hoursAgo(2) }, NOW, 3_600_000)).toBe(
      "healthy",
    );
  });

  it("counts a time ahead of ours (clock skew) and an unreadable one as recent", () => {
    expect(retriedRecently(hoursAgo(-0.1), NOW, DEFAULT_RETRYING_WINDOW_MS)).toBe(true);
    expect(retriedRecently("yesterday-ish", NOW, DEFAULT_RETRYING_WINDOW_MS)).toBe(true);
    expect(retriedRecently(null, NOW, DEFAULT_RETRYING_WINDOW_MS)).toBe(false);
  });
});

/**
 * The rule against every reading of `retry_started_at` Calendly's documentation allows
 * (emulator/retry-started-at.ts), in virtual time: generated timelines of one subscription's
 * messages, fed to the emulator's own retry bookkeeping (`RetryBook`), with Calendly's retry rules
 * as the emulator applies them (emulator/delivery.ts): a message is retried until it gets through,
 * or until its first failed attempt `D` after its first failure, which disables the subscription.
 * Attempts of a message are at most `G` apart, so a message is retried for less than `D + G`.
 */
describe("subscriptionHealth under each reading of retry_started_at", () => {
  const D = 1_000;
  const G = 100;

  interface Message {
    fire: number;
    /** Gaps between its attempts (each 1..G), as many as it makes. */
    gaps: number[];
    /** How many attempts fail before one gets through; Infinity: none does. */
    failing: number;
  }

  interface Timeline {
    /** Each change: from `at` on, `retry_started_at` is `value` and the state `state`. */
    changes: { at: number; value: number | null; state: "active" | "disabled" }[];
    /** When each message was being retried: [first failure, end). */
    retrying: [number, number][];
    /** Every failed attempt (each one answered by our receiver). */
    failures: number[];
  }

  function simulate(reading: RetryStartedAtReading, messages: readonly Message[]): Timeline {
    const book = new RetryBook(reading);
    const queue = messages.map((m, message) => ({ at: m.fire, message, n: 0 }));
    /** Messages being retried, with their first failure. */
    const open = new Map<number, number>();
    const timeline: Timeline = {
      changes: [{ at: 0, value: null, state: "active" }],
      retrying: [],
      failures: [],
    };
    let value: number | null = null;
    const set = (at: number, next: number | null | undefined, state: "active" | "disabled") => {
      if (next !== undefined) value = next;
      timeline.changes.push({ at, value, state });
    };
    while (queue.length > 0) {
      queue.sort((a, b) => a.at - b.at || a.message - b.message);
      const { at, message, n } = queue.shift()!;
      const m = messages[message]!;
      if (n >= m.failing) {
        set(at, book.succeeded(message, at, value), "active");
        if (open.has(message)) timeline.retrying.push([open.get(message)!, at]);
        open.delete(message);
        continue;
      }
      timeline.failures.push(at);
      if (!open.has(message)) open.set(message, at);
      const next = book.failed(message, at, value);
      if (at >= open.get(message)! + D) {
        // Its last failure: the subscription is disabled, and nothing is retried any more.
        set(at, next, "disabled");
        for (const since of open.values()) timeline.retrying.push([since, at]);
        return timeline;
      }
      set(at, next, "active");
      queue.push({ at: at + m.gaps[n % m.gaps.length]!, message, n: n + 1 });
    }
    return timeline;
  }

  /** What the subscription looked like at `t`, from the last change at or before it. */
  const observed = (timeline: Timeline, t: number) => timeline.changes.findLast((c) => c.at <= t)!;
  const retryingAt = (timeline: Timeline, t: number) =>
    timeline.retrying.some(([from, to]) => from <= t && t < to);

  /**
   * What Calendly showed at every moment a message was being retried and at which a reading with
   * one of `windows` could change (each change, each window's end, ± 1).
   */
  function whileRetrying(timeline: Timeline, windows: readonly number[]) {
    const times = new Set<number>();
    for (const base of [...timeline.changes.map((c) => c.at), ...timeline.failures]) {
      for (const w of [0, ...windows]) for (const d of [-1, 0, 1]) times.add(base + w + d);
    }
    return [...times]
      .filter((t) => t >= 0 && retryingAt(timeline, t))
      .map((t) => {
        const { value, state } = observed(timeline, t);
        return { t, sub: { state, retryStartedAt: value === null ? null : new Date(value).toISOString() } };
      });
  }

  const messageArb = fc.record({
    fire: fc.integer({ min: 0, max: 3 * D }),
    gaps: fc.array(fc.integer({ min: 1, max: G }), { minLength: 1, maxLength: 5 }),
    failing: fc.oneof(fc.integer({ min: 0, max: 15 }), fc.constant(Number.POSITIVE_INFINITY)),
  });
  const timelineArb = fc.array(messageArb, { minLength: 1, maxLength: 8 });
  const PROPERTY_RUNS = { numRuns: 200, seed: 19 };

  const SOUND: readonly RetryStartedAtReading[] = [
    "message",
    "message-cleared",
    "attempt",
    "attempt-cleared",
  ];
  const BLIND: readonly RetryStartedAtReading[] = ["run", "run-cleared", "first"];
  expect([...SOUND, ...BLIND].sort()).toEqual([...RETRY_STARTED_AT_READINGS].sort());

  it.each(SOUND)(
    "%s: never healthy while a message is being retried, with a window of D plus the longest gap between attempts",
    (reading) => {
      fc.assert(
        fc.property(timelineArb, (messages) => {
          const timeline = simulate(reading, messages);
          for (const { t, sub } of whileRetrying(timeline, [D, D + G])) {
            expect(subscriptionHealth(sub, t, D + G), `t=${t}`).not.toBe("healthy");
          }
        }),
        PROPERTY_RUNS,
      );
    },
  );

  /** Message 1 fails at 0 and gets through at 0.9 D; message 2 fails from 0.8 D on, for good. */
  const overlapping: Message[] = [
    { fire: 0, gaps: [G], failing: 9 },
    { fire: 0.8 * D, gaps: [G], failing: Number.POSITIVE_INFINITY },
  ];

  it.each(BLIND)(
    "%s: healthy while a message is being retried, whatever the window (the issue's scenario)",
    (reading) => {
      const timeline = simulate(reading, overlapping);
      expect(observed(timeline, 3 * D).state).toBe("disabled");
      // At 1.5 D message 2 is being retried, and retry_started_at is still message 1's first failure.
      expect(retryingAt(timeline, 1.5 * D)).toBe(true);
      expect(observed(timeline, 1.5 * D).value).toBe(0);
      expect(
        subscriptionHealth({ state: "active", retryStartedAt: new Date(0).toISOString() }, 1.5 * D, D + G),
      ).toBe("healthy");
    },
  );

  it("run: no rule on state and retry_started_at alone is both never healthy while retrying and ever healthy after a retry", () => {
    // A: one message failed at 0 and got through at once; nothing has been retried since.
    const recovered = simulate("run", [{ fire: 0, gaps: [1], failing: 1 }]);
    // B: a chain of messages, each failing for less than D and each overlapping the next: the run
    // that began at 0 never ends, and nothing is ever disabled.
    const chain = simulate(
      "run",
      Array.from({ length: 12 }, (_, i) => ({ fire: (i * D) / 2, gaps: [G], failing: 8 })),
    );
    const t = 5 * D;
    expect(retryingAt(recovered, t)).toBe(false);
    expect(retryingAt(chain, t)).toBe(true);
    // What Calendly shows at t is the same for both: whatever a rule reads for B (not healthy, to
    // be sound), it reads for A, which has been healthy for 5 D and stays so forever.
    const { value, state } = observed(recovered, t);
    expect(observed(chain, t)).toMatchObject({ value, state });
    expect({ value, state }).toEqual({ value: 0, state: "active" });
  });

  it.each(RETRY_STARTED_AT_READINGS)(
    "%s: never healthy on both signals while a message is being retried (each failure counted by our receiver)",
    (reading) => {
      fc.assert(
        fc.property(timelineArb, (messages) => {
          const timeline = simulate(reading, messages);
          for (const { t, sub } of whileRetrying(timeline, [D])) {
            const watchdog = subscriptionHealth(sub, t, D);
            const receiverFailed = timeline.failures.some((f) => f <= t && f > t - D);
            expect(watchdog !== "healthy" || receiverFailed, `t=${t}`).toBe(true);
          }
        }),
        PROPERTY_RUNS,
      );
    },
  );
});
