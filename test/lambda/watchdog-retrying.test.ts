/**
 * The watchdog's blind spot (issue 19, section 3), through the emulator over HTTP, under every
 * reading of `retry_started_at` that Calendly's documentation allows (emulator/retry-started-at.ts):
 *
 *   message 1 fails; message 2 starts failing while 1 is still retried; 1 gets through; 2 keeps
 *   failing until Calendly gives up on it and disables the subscription.
 *
 * Under the readings where a later message does not move `retry_started_at` (`run`, `run-cleared`,
 * `first`), it stays where message 1 put it, and the watchdog's pass (lambda/watchdog-check.ts,
 * with Calendly's client over HTTP) reads `healthy` from one window after message 1's first
 * failure until the subscription is disabled, while Calendly is retrying message 2. Nothing
 * Calendly exposes can tell that apart from a subscription that recovered long ago, so the stack
 * also watches our side: the receiver (the real handler, served over HTTP as on API Gateway)
 * counts, per subscription, the deliveries it failed after their signature verified
 * (`SubscriptionFailures`), and the subscription's `delivery-failures` alarm fires while one
 * falls within the window (infra/receiver/alarms.ts; its configuration: test/infra/monitoring.test.ts).
 *
 * The proof: at every watchdog pass during which Calendly was retrying a message throughout, the
 * watchdog did not read `healthy`, or the receiver had counted a failure of this subscription
 * within the window. Time is scaled: the emulator gives up on a message `WINDOW_MS` after its
 * first failure (Calendly: 24 hours), at its first failed attempt after that, which may come one
 * back-off plus one response later (`TAIL_MS`; Calendly: its longest back-off, undocumented, plus
 * 15 s). The seven readings run at the same time, each with its own emulator, receiver and
 * subscription name.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { markedUrl } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalendlyClient, subscriptionHealth } from "../../calendly";
import type { DeliveryAttempt } from "../../emulator/delivery";
import { RETRY_STARTED_AT_READINGS, type RetryStartedAtReading } from "../../emulator/retry-started-at";
import { startEmulator } from "../../emulator/server";
import { createReceiver } from "../../lambda/handler";
import { DEFAULT_METRICS_NAMESPACE, RECEIVER_METRICS } from "../../lambda/receiver-metrics";
import { checkSubscriptions, type WatchStatus } from "../../lambda/watchdog-check";
import { SUBSCRIPTION_DIMENSION } from "../../lambda/watchdog-metrics";
import {
  type AwsStubs,
  type EventBridgeStub,
  startAwsStubs,
  startEventBridgeStub,
} from "../../tools/aws-stubs";
import { localReceiverEnv, startLocalReceiver } from "../../tools/local/receiver/server";
import { until } from "../support/until";
import { captureStdout } from "./support";

const TOKEN = "emu-owner-token";
const KEY = "watchdog-retrying-signing-key";
/** The scaled "24 hours": how long the emulator retries one message after its first failure. */
const WINDOW_MS = 6_000;
const RETRY_MAX_MS = 20;
const RESPONSE_TIMEOUT_MS = 3_000;
/** The scaled schedule of the watchdog: a pass every few milliseconds. */
const PASS_INTERVAL_MS = 10;

interface Pass {
  /** When the pass started and ended. */
  from: number;
  to: number;
  /** What the watchdog read, with the emulator's window as its own (the stack: 24 hours for both). */
  status: WatchStatus;
  state?: "active" | "disabled";
  retryStartedAt?: string | null;
}

interface Scenario {
  passes: Pass[];
  attempts: DeliveryAttempt[];
}

/** Times of the receiver's EMF documents that count a failure of subscription `name`. */
function subscriptionFailures(lines: readonly string[], name: string): number[] {
  const times: number[] = [];
  for (const line of lines) {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const aws = doc._aws as { Timestamp: number; CloudWatchMetrics: { Namespace: string }[] } | undefined;
    if (aws === undefined || doc[SUBSCRIPTION_DIMENSION] !== name) continue;
    if (aws.CloudWatchMetrics[0]?.Namespace !== DEFAULT_METRICS_NAMESPACE) continue;
    if (Number(doc[RECEIVER_METRICS.subscriptionFailures] ?? 0) >= 1) times.push(aws.Timestamp);
  }
  return times;
}

/**
 * The longest time between two attempts of one message: how long after its window a message may
 * still be retried (the emulator gives up at the first failed attempt after it).
 */
function longestGap(attempts: readonly DeliveryAttempt[]): number {
  let gap = 0;
  const last = new Map<number, number>();
  for (const a of attempts) {
    const at = Date.parse(a.finished_at);
    const previous = last.get(a.delivery);
    if (previous !== undefined) gap = Math.max(gap, at - previous);
    last.set(a.delivery, at);
  }
  return gap;
}

/** Messages (deliveries) Calendly was retrying at `t`: failed by then, and not ended by then. */
function retryingAt(attempts: readonly DeliveryAttempt[], t: number): Set<number> {
  const retrying = new Set<number>();
  for (const a of [...attempts].sort((x, y) => Date.parse(x.finished_at) - Date.parse(y.finished_at))) {
    if (Date.parse(a.finished_at) > t) break;
    if (a.outcome === "failure") retrying.add(a.delivery);
    else if (a.outcome === "disabled")
      return new Set(); // Nothing is retried once it is disabled.
    else retrying.delete(a.delivery);
  }
  return retrying;
}

const eventOf = (event: APIGatewayProxyEventV2) =>
  (JSON.parse(event.body ?? "{}") as { event?: string }).event ?? "";

async function blindSpotScenario(reading: RetryStartedAtReading, bus: string): Promise<Scenario> {
  const emulator = await startEmulator({
    retryStartedAt: reading,
    delivery: {
      responseTimeoutMs: RESPONSE_TIMEOUT_MS,
      retryInitialMs: RETRY_MAX_MS,
      retryMaxMs: RETRY_MAX_MS,
      retryWindowMs: WINDOW_MS,
    },
    // A pass every few milliseconds is far above Calendly's 500 a minute, which is not the point here.
    rateLimits: { paid: 1_000_000 },
  });
  const env = {
    ...stubs.env,
    CALENDLY_SIGNING_KEYS: KEY,
    EVENT_BUS_NAME: "calendly-watchdog-retrying",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "false",
  };
  // The same handler twice: one forwards to a bus that works (with time to spare on a busy
  // machine), one to a bus that is down, answering 503 quickly.
  const healthy = createReceiver({ env: localReceiverEnv({ ...env, DELIVERY_DEADLINE_MS: "5000" }) });
  const failing = createReceiver({
    env: localReceiverEnv({ ...env, AWS_ENDPOINT_URL_EVENTBRIDGE: bus, DELIVERY_DEADLINE_MS: "100" }),
  });
  const failures = (event: string) => emulator.control.deliveries({ event, outcome: "failure" }).length;
  // Message 2 (invitee.canceled) always fails; message 1 (invitee.created) fails until the emulator
  // has recorded message 2's first failure, then gets through. Decided here, per request, rather
  // than by the test's loop, which a busy machine can delay past message 1's window.
  const receiver = await startLocalReceiver({
    handler: (event: APIGatewayProxyEventV2, context: Context) => {
      const name = eventOf(event);
      const fails = name === "invitee.canceled" || failures("invitee.canceled") === 0;
      return (fails ? failing : healthy).handle(event, context);
    },
  });
  const calendly = createCalendlyClient({ token: TOKEN, baseUrl: emulator.url });
  try {
    const me = await calendly.getCurrentUser();
    const sub = await calendly.createWebhookSubscription({
      // The URL the stack gives it (pulumi-calendly's markedUrl): the receiver reads the name.
      url: markedUrl(receiver.url, reading, { events: ["invitee.created"], scope: "organization" }),
      events: ["invitee.created", "invitee.canceled"],
      organization: me.currentOrganization,
      scope: "organization",
      signingKey: KEY,
    });
    const passes: Pass[] = [];
    const watch = async () => {
      const from = Date.now();
      const [check] = await checkSubscriptions({
        watched: [{ name: reading, uri: sub.uri }],
        get: (uri) => calendly.getWebhookSubscription(uri),
        retryingWindowMs: WINDOW_MS,
        deadline: from + 5_000,
        concurrency: 1,
      });
      const { status, state, retryStartedAt } = check!;
      passes.push({ from, to: Date.now(), status, state, retryStartedAt });
      await sleep(PASS_INTERVAL_MS);
      return check!.status;
    };

    emulator.control.fireEvent({ event: "invitee.created" });
    await until(() => failures("invitee.created") >= 1, 20_000);
    const m1FailedAt = Date.now();
    // Message 2 starts failing well into message 1's window, leaving message 1 time to get through
    // even on a busy machine; message 2 keeps failing until Calendly disables the subscription.
    while (Date.now() < m1FailedAt + WINDOW_MS * 0.3) await watch();
    emulator.control.fireEvent({ event: "invitee.canceled" });
    while ((await watch()) !== "disabled") {
      if (Date.now() > m1FailedAt + WINDOW_MS * 4)
        throw new Error(`${reading}: the subscription was never disabled`);
    }
    await emulator.control.waitForDeliveries({ timeoutMs: 5_000 });
    return { passes, attempts: emulator.control.deliveries() };
  } finally {
    await receiver.close();
    await emulator.close();
  }
}

let stubs: AwsStubs;
let brokenBus: EventBridgeStub;
let scenarios: Map<RetryStartedAtReading, Scenario>;
let receiverLines: string[];

beforeAll(async () => {
  stubs = await startAwsStubs();
  brokenBus = await startEventBridgeStub();
  brokenBus.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
  // One capture of what the receivers write (their EMF metrics) while every reading runs.
  const { result, lines } = await captureStdout(() =>
    Promise.all(RETRY_STARTED_AT_READINGS.map((reading) => blindSpotScenario(reading, brokenBus.url))),
  );
  scenarios = new Map(RETRY_STARTED_AT_READINGS.map((reading, i) => [reading, result[i]!]));
  receiverLines = lines;
}, 120_000);
afterAll(async () => {
  await brokenBus?.close();
  await stubs?.close();
});

describe("the watchdog's retrying rule against overlapping retries (emulator, receiver and watchdog over HTTP)", () => {
  /** Readings under which a later message's failure does not move retry_started_at. */
  const BLIND = new Set<RetryStartedAtReading>(["run", "run-cleared", "first"]);

  it.each(RETRY_STARTED_AT_READINGS)(
    "%s: never healthy on both signals while Calendly is retrying a delivery",
    (reading) => {
      const { passes, attempts } = scenarios.get(reading)!;
      // The scenario happened: message 1 got through, message 2 never did, and it disabled the subscription.
      expect(attempts.filter((a) => a.event === "invitee.created").at(-1)?.outcome).toBe("success");
      expect(attempts.filter((a) => a.event === "invitee.canceled").at(-1)?.outcome).toBe("disabled");
      expect(passes.at(-1)!.status).toBe("disabled");

      // Passes during which one message was being retried from their start to their end.
      const whileRetrying = passes.filter((p) => {
        const before = retryingAt(attempts, p.from);
        return [...retryingAt(attempts, p.to)].some((message) => before.has(message));
      });
      expect(whileRetrying.length).toBeGreaterThan(10);
      const watchdogAlone = whileRetrying.filter((p) => p.status === "healthy");

      // Calendly's side alone, the rule re-read from what each pass got: under the readings that
      // keep message 1's time, it reads healthy even with a window that covers the emulator's last
      // attempt after the window (its longest gap between two attempts); under the others, such a
      // window is enough.
      const window = WINDOW_MS + longestGap(attempts);
      const healthyWith = (p: Pass, at: number) =>
        subscriptionHealth({ state: p.state!, retryStartedAt: p.retryStartedAt! }, at, window) === "healthy";
      if (BLIND.has(reading)) {
        expect(watchdogAlone.length, "the blind spot").toBeGreaterThan(0);
        expect(whileRetrying.filter((p) => healthyWith(p, p.from)).length, "the blind spot").toBeGreaterThan(
          0,
        );
      } else {
        expect(whileRetrying.filter((p) => healthyWith(p, p.to))).toEqual([]);
      }

      // Both signals: the receiver's count of this subscription's failures, within the window all
      // through the pass, covers each of those passes.
      const failures = subscriptionFailures(receiverLines, reading);
      const unseen = watchdogAlone.filter((p) => !failures.some((t) => t <= p.from && t > p.to - WINDOW_MS));
      expect(unseen).toEqual([]);
    },
  );
});
