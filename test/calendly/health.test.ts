/** The shared reading of `state` and `retry_started_at` (calendly/health.ts). */
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRYING_WINDOW_MS, retriedRecently, subscriptionHealth } from "../../calendly";

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
