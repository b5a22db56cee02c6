/** The watchdog's environment (lambda/watchdog-config.ts): defaults, and each mistake named with its fix. */
import { describe, expect, it } from "vitest";
import { loadWatchdogConfig, WatchdogConfigError } from "../../lambda/watchdog-config";

const WATCHED = JSON.stringify({ bookings: "https://api.calendly.com/webhook_subscriptions/AAAA" });

function problems(env: Record<string, string | undefined>) {
  try {
    loadWatchdogConfig(env);
  } catch (error) {
    if (error instanceof WatchdogConfigError) return error.problems.map((p) => `${p.variable} ${p.problem}`);
    throw error;
  }
  return [];
}

describe("loadWatchdogConfig", () => {
  it("reads the watched subscriptions and the token parameter, with Calendly's URL and 24 h by default", () => {
    expect(
      loadWatchdogConfig({ WATCHED_SUBSCRIPTIONS: WATCHED, CALENDLY_TOKEN_PARAMETER: "/p/token" }),
    ).toEqual({
      watched: [{ name: "bookings", uri: "https://api.calendly.com/webhook_subscriptions/AAAA" }],
      token: { source: "ssm", parameterName: "/p/token" },
      apiUrl: "https://api.calendly.com",
      retryingWindowMs: 86_400_000,
      deadlineMs: 45_000,
      concurrency: 4,
    });
  });

  it("names every bad variable at once, never quoting a value", () => {
    const env = {
      WATCHED_SUBSCRIPTIONS: '["https://api.calendly.com/webhook_subscriptions/AAAA"]',
      CALENDLY_TOKEN: "secret-token-value",
      CALENDLY_API_URL: "api.calendly.com",
      RETRYING_WINDOW_SECONDS: "soon",
      WATCHDOG_DEADLINE_SECONDS: "0",
    };
    expect(problems(env)).toEqual([
      "WATCHED_SUBSCRIPTIONS is not valid",
      "CALENDLY_API_URL is not valid",
      "RETRYING_WINDOW_SECONDS is not valid",
      "WATCHDOG_DEADLINE_SECONDS is not valid",
    ]);
    try {
      loadWatchdogConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain("secret-token-value");
    }
  });

  it("takes only whole decimal numbers, as the receiver does (no hex, exponent, sign or spaces)", () => {
    const base = { WATCHED_SUBSCRIPTIONS: WATCHED, CALENDLY_TOKEN: "t" };
    for (const value of ["0x10", "1e1", " 3600 ", "+4", "4.0", " "]) {
      expect(problems({ ...base, WATCHDOG_CONCURRENCY: value }), value).toEqual([
        "WATCHDOG_CONCURRENCY is not valid",
      ]);
    }
    expect(loadWatchdogConfig({ ...base, WATCHDOG_CONCURRENCY: "16" }).concurrency).toBe(16);
  });

  it("needs exactly one token source, and the watched subscriptions", () => {
    expect(problems({ WATCHED_SUBSCRIPTIONS: WATCHED })).toEqual([
      "CALENDLY_TOKEN_PARAMETER is not set, nor CALENDLY_TOKEN",
    ]);
    expect(
      problems({ WATCHED_SUBSCRIPTIONS: WATCHED, CALENDLY_TOKEN: "t", CALENDLY_TOKEN_PARAMETER: "/p" }),
    ).toEqual(["CALENDLY_TOKEN_PARAMETER is set together with CALENDLY_TOKEN"]);
    expect(problems({ CALENDLY_TOKEN: "t" })).toEqual(["WATCHED_SUBSCRIPTIONS is not set"]);
    expect(problems({ WATCHED_SUBSCRIPTIONS: JSON.stringify({ "a b": "x" }), CALENDLY_TOKEN: "t" })).toEqual([
      "WATCHED_SUBSCRIPTIONS is not valid",
    ]);
  });
});
