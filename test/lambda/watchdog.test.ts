/**
 * The watchdog against the Calendly emulator over HTTP, reading its token from the SSM stub with
 * the real AWS SDK v3: every state (healthy, retrying, disabled, missing, unknown for a revoked
 * token, a 429 and an unreachable API), the number of Calendly calls, the EMF lines, the log
 * lines, and no token anywhere in the output.
 */
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebhookSubscription } from "../../calendly";
import { type CalendlyClient, createCalendlyClient } from "../../calendly";
import type { SeedInput } from "../../emulator/seed";
import { type Emulator, startEmulator } from "../../emulator/server";
import { createWatchdog, type WatchdogPass } from "../../lambda/watchdog";
import { SUBSCRIPTION_DIMENSION, WATCHDOG_METRICS } from "../../lambda/watchdog-metrics";
import { type SsmStub, STUB_AWS_ENV, startSsmStub } from "../../tools/aws-stubs";
import { seedWithTokens } from "../cli/helpers";
import { type Receiver, startReceiver } from "../support/receiver";
import { type SubscriptionStates, subscriptionsInEveryState } from "../support/subscription-states";
import { captureStdout } from "./support";

const OWNER_TOKEN = "watchdog-owner-token-5e1f0c2a-never-logged";
const REVOKED_TOKEN = "watchdog-revoked-token-77aa31-never-logged";
const PARAMETER = "/calendly-webhooks/test/watchdog/calendly-token";
const SERVICE = "calendly-watchdog-test";

let emulator: Emulator;
let ssm: SsmStub;
let failing: Receiver;
let client: CalendlyClient;
let subs: SubscriptionStates;

function seed(): SeedInput {
  const seeded = seedWithTokens([{ token: OWNER_TOKEN, role: "owner", slug: "olivia-owner" }]);
  const owner = seeded.tokens.find((t) => t.token === OWNER_TOKEN)!;
  seeded.tokens.push({ ...owner, token: REVOKED_TOKEN, state: "revoked" });
  return seeded;
}

const uuidOf = (sub: WebhookSubscription) => sub.uri.slice(sub.uri.lastIndexOf("/") + 1);

beforeAll(async () => {
  emulator = await startEmulator({
    seed: seed(),
    delivery: { retryInitialMs: 50, retryMaxMs: 100, retryWindowMs: 60_000 },
  });
  ssm = await startSsmStub();
  ssm.putParameter(PARAMETER, OWNER_TOKEN);
  failing = await startReceiver(() => ({ status: 500 }));
  client = createCalendlyClient({ token: OWNER_TOKEN, baseUrl: emulator.url });
  const me = await client.getCurrentUser();
  subs = await subscriptionsInEveryState({
    client,
    control: emulator.control,
    organization: me.currentOrganization,
    user: me.uri,
    failingUrl: failing.url,
  });
});

afterAll(async () => {
  await client?.close();
  await emulator?.close();
  await ssm?.close();
  await failing?.close();
});

beforeEach(() => {
  emulator.control.clearFaults();
  ssm.clearFaults();
  ssm.putParameter(PARAMETER, OWNER_TOKEN);
  ssm.requests.length = 0;
});

const WATCHED = () => ({
  bookings: subs.healthy.uri,
  recaps: subs.retrying.uri,
  old: subs.disabled.uri,
  gone: subs.missing.uri,
});

function environment(extra: Record<string, string | undefined> = {}) {
  return {
    ...STUB_AWS_ENV,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    WATCHED_SUBSCRIPTIONS: JSON.stringify(WATCHED()),
    CALENDLY_TOKEN_PARAMETER: PARAMETER,
    CALENDLY_API_URL: emulator.url,
    POWERTOOLS_SERVICE_NAME: SERVICE,
    ...extra,
  };
}

/** A Lambda context with `remainingMs` left, as the runtime hands the function. */
function lambdaContext(remainingMs = 60_000): Context {
  const started = Date.now();
  return {
    awsRequestId: "req-watchdog-1",
    functionName: "calendly-test-watchdog",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:calendly-test-watchdog",
    memoryLimitInMB: "256",
    logGroupName: "/aws/lambda/calendly-test-watchdog",
    logStreamName: "2026/11/27/[$LATEST]abc",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs - (Date.now() - started),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

interface Run {
  pass: WatchdogPass;
  lines: string[];
  json: Record<string, unknown>[];
  emf: Record<string, unknown>[];
  calls: number;
  /** The SSM GetParameter calls the pass made. */
  ssmReads: SsmStub["requests"];
}

async function run(
  env: Record<string, string | undefined> = environment(),
  options: { now?: () => number; context?: Context } = {},
): Promise<Run> {
  const before = emulator.control.requestCount({ operation: "getWebhookSubscription" });
  const ssmBefore = ssm.requests.length;
  const watchdog = createWatchdog({ env, now: options.now });
  const { result: pass, lines } = await captureStdout(() => watchdog.run(options.context ?? lambdaContext()));
  const json = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    pass,
    lines,
    json,
    emf: json.filter((line) => line._aws !== undefined),
    calls: emulator.control.requestCount({ operation: "getWebhookSubscription" }) - before,
    ssmReads: ssm.requests.slice(ssmBefore),
  };
}

const checkLine = (r: Run, name: string) =>
  r.json.find((line) => line.message === "subscription check" && line.subscription === name);

describe("a pass over every state", () => {
  let r: Run;
  beforeAll(async () => {
    r = await run();
  });

  it("returns each subscription's name under its state", () => {
    expect(r.pass.result).toEqual({
      healthy: ["bookings"],
      retrying: ["recaps"],
      disabled: ["old"],
      missing: ["gone"],
      unknown: [],
    });
  });

  it("makes exactly one Calendly call per watched subscription, and reads the token once, decrypted", () => {
    expect(r.calls).toBe(4);
    expect(emulator.control.requestCount({ operation: "getCurrentUser", user: undefined })).toBeGreaterThan(
      0,
    );
    expect(r.ssmReads).toEqual([{ name: PARAMETER, withDecryption: true, outcome: "found" }]);
    const paths = emulator.control.requests({ operation: "getWebhookSubscription" }).slice(-4);
    expect(paths.map((p) => p.path).sort()).toEqual(
      Object.values(WATCHED())
        .map((uri) => new URL(uri).pathname)
        .sort(),
    );
  });

  it("emits SubscriptionHealthy (1 or 0) per subscription with the Subscription dimension", () => {
    const perSubscription = r.emf.filter((line) => WATCHDOG_METRICS.subscriptionHealthy in line);
    expect(
      Object.fromEntries(
        perSubscription.map((line) => [line[SUBSCRIPTION_DIMENSION], line.SubscriptionHealthy]),
      ),
    ).toEqual({ bookings: 1, recaps: 0, old: 0, gone: 0 });
    for (const line of perSubscription) {
      const aws = line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
      expect(aws.CloudWatchMetrics[0]!.Namespace).toBe("CalendlyWebhooks");
      expect(aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["service", SUBSCRIPTION_DIMENSION]]);
      expect(line.service).toBe(SERVICE);
    }
  });

  it("emits the pass's ChecksFailed, SubscriptionsRetrying and TokenNotSet, with the service dimension only", () => {
    const pass = r.emf.find((line) => WATCHDOG_METRICS.checksFailed in line)!;
    expect(pass).toMatchObject({
      ChecksFailed: 0,
      SubscriptionsRetrying: 1,
      TokenNotSet: 0,
      service: SERVICE,
    });
    const directive = (
      pass._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }
    ).CloudWatchMetrics[0]!;
    expect(directive.Dimensions).toEqual([["service"]]);
    // Each metric is billed: exactly these three per pass, plus one per subscription.
    expect(directive.Metrics.map((m) => m.Name).sort()).toEqual([
      "ChecksFailed",
      "SubscriptionsRetrying",
      "TokenNotSet",
    ]);
    expect(r.emf).toHaveLength(4 + 1);
  });

  it("logs one structured line per subscription, with its state, at a level that matches", () => {
    expect(checkLine(r, "bookings")).toMatchObject({
      level: "INFO",
      status: "healthy",
      state: "active",
    });
    expect(checkLine(r, "recaps")).toMatchObject({
      level: "WARN",
      status: "retrying",
      retryStartedAt: expect.stringMatching(/^\d{4}-/),
      callbackUrl: `${failing.url}?subscription=retrying`,
    });
    expect(checkLine(r, "old")).toMatchObject({ level: "ERROR", status: "disabled", state: "disabled" });
    expect(checkLine(r, "gone")).toMatchObject({ level: "ERROR", status: "missing", httpStatus: 404 });
    expect(r.json.filter((line) => line.message === "subscription check")).toHaveLength(4);
    const summary = r.json.find((line) => line.message === "watchdog pass")!;
    expect(summary).toMatchObject({
      healthy: 1,
      retrying: 1,
      disabled: 1,
      missing: 1,
      unknown: 0,
      checked: 4,
    });
    expect(summary.function_request_id).toBe("req-watchdog-1");
  });

  it("never writes the token", () => {
    expect(r.lines.join("\n")).not.toContain(OWNER_TOKEN);
    expect(JSON.stringify(r.pass)).not.toContain(OWNER_TOKEN);
  });
});

describe("retrying is a recent retry_started_at, not any", () => {
  it("an old retry_started_at (beyond RETRYING_WINDOW_SECONDS) is healthy", async () => {
    const later = () => Date.now() + 61_000;
    const r = await run(environment({ RETRYING_WINDOW_SECONDS: "60" }), { now: later });
    expect(r.pass.result.retrying).toEqual([]);
    expect(r.pass.result.healthy).toEqual(["bookings", "recaps"]);
  });
});

describe("a failed check is unknown, never a healthy quiet", () => {
  it("a revoked token: every check unknown (401), ChecksFailed counts them, no SubscriptionHealthy emitted", async () => {
    ssm.putParameter(PARAMETER, REVOKED_TOKEN);
    const r = await run();
    expect(r.pass.result).toEqual({
      healthy: [],
      retrying: [],
      disabled: [],
      missing: [],
      unknown: ["bookings", "recaps", "old", "gone"],
    });
    expect(r.calls).toBe(4);
    expect(checkLine(r, "bookings")).toMatchObject({
      level: "ERROR",
      status: "unknown",
      reason: "http_401",
      httpStatus: 401,
    });
    expect(r.emf.filter((line) => WATCHDOG_METRICS.subscriptionHealthy in line)).toEqual([]);
    expect(r.emf.find((line) => WATCHDOG_METRICS.checksFailed in line)).toMatchObject({ ChecksFailed: 4 });
    expect(r.lines.join("\n")).not.toContain(REVOKED_TOKEN);
  });

  it("a 429 is waited out within the deadline (X-RateLimit-Reset), then the check answers", async () => {
    emulator.control.injectFaults({
      match: { method: "GET", path: "/webhook_subscriptions/*" },
      fault: { kind: "status", status: 429, resetSeconds: 1 },
    });
    const started = Date.now();
    const r = await run();
    expect(r.pass.result.unknown).toEqual([]);
    expect(r.pass.result.healthy).toEqual(["bookings"]);
    expect(r.calls).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(r.json.find((line) => line.message === "calendly retry")).toMatchObject({
      reason: "rate limited (429)",
    });
  });

  it("a 429 longer than the deadline: that check is unknown (rate_limited), the others answer", async () => {
    emulator.control.injectFaults({
      match: { method: "GET", path: `/webhook_subscriptions/${uuidOf(subs.healthy)}` },
      fault: { kind: "status", status: 429, resetSeconds: 60 },
    });
    const started = Date.now();
    const r = await run(environment({ WATCHDOG_DEADLINE_SECONDS: "2" }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.pass.result.unknown).toEqual(["bookings"]);
    expect(r.pass.result.retrying).toEqual(["recaps"]);
    expect(checkLine(r, "bookings")).toMatchObject({
      status: "unknown",
      reason: "rate_limited",
      httpStatus: 429,
    });
    expect(r.emf.find((line) => WATCHDOG_METRICS.checksFailed in line)).toMatchObject({ ChecksFailed: 1 });
    expect(r.calls).toBe(4);
  });

  it("Calendly unreachable, or failing with 5xx through the retries: unknown", async () => {
    const unreachable = await run(
      environment({ CALENDLY_API_URL: "http://127.0.0.1:9", WATCHDOG_DEADLINE_SECONDS: "3" }),
    );
    expect(unreachable.pass.result.unknown).toHaveLength(4);
    expect(checkLine(unreachable, "old")).toMatchObject({ reason: "unreachable" });
    emulator.control.injectFaults({
      match: { method: "GET", path: `/webhook_subscriptions/${uuidOf(subs.disabled)}` },
      fault: { kind: "status", status: 503 },
      times: 10,
    });
    const failing5xx = await run(environment({ WATCHDOG_DEADLINE_SECONDS: "5" }));
    expect(failing5xx.pass.result.unknown).toEqual(["old"]);
    expect(checkLine(failing5xx, "old")).toMatchObject({ reason: "http_503", httpStatus: 503 });
  });

  it("the token not set yet (no parameter): every check unknown (token_not_set), TokenNotSet 1, no Calendly call", async () => {
    ssm.deleteParameter(PARAMETER);
    const r = await run();
    expect(r.calls).toBe(0);
    expect(r.pass.result.unknown).toHaveLength(4);
    expect(checkLine(r, "recaps")).toMatchObject({ status: "unknown", reason: "token_not_set" });
    const error = r.json.find((line) => line.level === "ERROR" && String(line.message).includes("token"));
    expect(error).toMatchObject({
      message: "the Calendly token is not set; no subscription was checked",
      reason: "token_not_set",
      parameter: PARAMETER,
    });
    expect(error?.error).toMatch(/calendly-webhooks token put --stack <stack>/);
    expect(r.emf.find((line) => WATCHDOG_METRICS.checksFailed in line)).toMatchObject({
      ChecksFailed: 4,
      TokenNotSet: 1,
    });
    expect(r.json.find((line) => line.message === "watchdog pass")).toMatchObject({ tokenNotSet: true });

    // Once `token put` wrote it, the next pass uses it, and TokenNotSet goes back to 0.
    ssm.putParameter(PARAMETER, OWNER_TOKEN);
    const after = await run();
    expect(after.pass.result.healthy).toEqual(["bookings"]);
    expect(after.emf.find((line) => WATCHDOG_METRICS.checksFailed in line)).toMatchObject({ TokenNotSet: 0 });
  });

  it("the token parameter unreadable (SSM failing): every check unknown (token_unavailable), TokenNotSet 0", async () => {
    ssm.injectFaults({ type: "outage", status: 500 }, 10);
    const r = await run();
    expect(r.calls).toBe(0);
    expect(r.pass.result.unknown).toHaveLength(4);
    expect(checkLine(r, "recaps")).toMatchObject({ status: "unknown", reason: "token_unavailable" });
    expect(
      r.json.find((line) => line.level === "ERROR" && String(line.message).includes("token"))?.error,
    ).toMatch(/SSM parameter \/calendly-webhooks\/test\/watchdog\/calendly-token \(GetParameterError/);
    expect(r.emf.find((line) => WATCHDOG_METRICS.checksFailed in line)).toMatchObject({
      ChecksFailed: 4,
      TokenNotSet: 0,
    });
  });

  it("checks not started before the Lambda runs out of time are unknown (deadline), without a call", async () => {
    const r = await run(environment({ WATCHDOG_CONCURRENCY: "1" }), { context: lambdaContext(2_000) });
    expect(r.calls).toBe(0);
    expect(r.pass.result.unknown).toEqual(["bookings", "recaps", "old", "gone"]);
    expect(checkLine(r, "gone")).toMatchObject({ reason: "deadline" });
  });
});

describe("configuration", () => {
  it("CALENDLY_TOKEN serves local runs (no SSM call)", async () => {
    const r = await run(environment({ CALENDLY_TOKEN_PARAMETER: undefined, CALENDLY_TOKEN: OWNER_TOKEN }));
    expect(r.pass.result.healthy).toEqual(["bookings"]);
    expect(r.ssmReads).toEqual([]);
    expect(r.lines.join("\n")).not.toContain(OWNER_TOKEN);
  });

  it("a bad configuration throws, naming each variable and its fix, without echoing a value", async () => {
    const watchdog = createWatchdog({
      env: {
        WATCHED_SUBSCRIPTIONS: "{not json",
        CALENDLY_TOKEN: OWNER_TOKEN,
        CALENDLY_TOKEN_PARAMETER: PARAMETER,
      },
    });
    const { result: error, lines } = await captureStdout(() => watchdog.run().catch((e: Error) => e));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/WATCHED_SUBSCRIPTIONS is not valid; set it to a JSON object/);
    expect((error as Error).message).toMatch(/CALENDLY_TOKEN_PARAMETER is set together with CALENDLY_TOKEN/);
    expect(`${(error as Error).message}\n${lines.join("\n")}`).not.toContain(OWNER_TOKEN);
    expect(lines.join("\n")).toContain("watchdog configuration is invalid");
  });
});
