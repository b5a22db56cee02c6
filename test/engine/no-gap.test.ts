/**
 * Replacements without a gap, through the real Pulumi CLI: invitee.created events fire every 50 ms
 * while `pulumi up` changes a subscription's events, which Calendly can only do by replacing it.
 * The subscription delivers to the receiver (the Lambda's handler behind the local HTTP adapter,
 * keys from the SSM stub, events onto the EventBridge stub). Then: how many events never reached
 * the bus (lost), and how many reached it twice (duplicates, each pair sharing its `detail.id`).
 *
 * - marked URL (the stack since issue 11: `?subscription=<name>&v=<marker>`, the marker changing
 *   with the events): the new subscription is created before the old one is deleted; no event is
 *   lost, and those fired while both existed arrive twice with the same `detail.id`;
 * - the same URL (the stack before issue 11, or any program that keeps its URL): the old one is
 *   deleted first, as Calendly refuses a second subscription with the same URL; every event fired
 *   in between matched no subscription, and Calendly never delivers those.
 *
 * Every Calendly call takes CALENDLY_LATENCY_MS (default 200 ms, a round trip to api.calendly.com
 * from a CI runner; the emulator answers on loopback in about a millisecond), injected as the
 * emulator's latency fault: the window between a DELETE and the next POST is made of those calls
 * and the engine's own steps. `NO_GAP_LATENCY_MS=0 npm run test:engine -- test/engine/no-gap.test.ts`
 * measures it on loopback. Each run prints its figures (docs/benchmarks.md, "Replacements without
 * a gap").
 */
import { markedUrl } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countDeliveries,
  type DeliveryCount,
  expectNoEventLost,
  whileEventsFire,
} from "./support/event-stream";
import type { Workspace } from "./support/pulumi";
import { type EngineReceiver, startEngineReceiver } from "./support/receiver";
import { engineScenario } from "./support/scenario";

const KEY = "no-gap-explicit-signing-key-0123456789";
const FIRE_EVERY_MS = 50;
/** Events fired before the `up` starts and after it ends. */
const MARGIN_MS = 1_000;
const EVENTS_BEFORE = ["invitee.created"];
const EVENTS_AFTER = ["invitee.canceled", "invitee.created"];
const CALENDLY_LATENCY_MS = Number(process.env.NO_GAP_LATENCY_MS ?? 200);

type UrlMode = "marked" | "same";

interface ChangeFigures extends DeliveryCount {
  mode: UrlMode;
  calendlyLatencyMs: number;
  /** Between the old subscription's DELETE and the new one's POST, as Calendly received them. */
  windowWithoutSubscriptionMs: number;
  /** Between the new one's POST and the old one's DELETE. */
  overlapMs: number;
  upMs: number;
}

const scenario = engineScenario();
let receiver: EngineReceiver;

beforeAll(async () => {
  receiver = await startEngineReceiver([KEY]);
});

afterAll(async () => {
  await receiver?.close();
});

function urlFor(mode: UrlMode, events: string[]): string {
  return mode === "marked"
    ? markedUrl(receiver.url, "bookings", { events, scope: "user" })
    : `${receiver.url}?subscription=bookings`;
}

async function declare(ws: Workspace, mode: UrlMode, events: string[]) {
  const subscription = { name: "bookings", url: urlFor(mode, events), events, explicitKey: true };
  await ws.setConfig("subscriptions", JSON.stringify([subscription]));
}

function millisOf(operation: "createWebhookSubscription" | "deleteWebhookSubscription", since: number) {
  const request = scenario.emulator.control
    .requests({ operation })
    .find((r) => r.seq > since && r.status !== null);
  if (!request) throw new Error(`no ${operation} during the up`);
  return Date.parse(request.at);
}

/** Creates the subscription, then changes its events during a stream of events; returns the figures. */
async function changeEventsWhileFiring(mode: UrlMode): Promise<ChangeFigures> {
  const ws = await scenario.workspace(`no-gap-${mode}`, { signingKeys: { bookings: KEY } });
  scenario.emulator.control.clearFaults();
  if (CALENDLY_LATENCY_MS > 0) {
    scenario.emulator.control.injectFaults({
      fault: { kind: "latency", ms: CALENDLY_LATENCY_MS },
      times: 1_000_000,
    });
  }
  await declare(ws, mode, EVENTS_BEFORE);
  await ws.up();
  await declare(ws, mode, EVENTS_AFTER);

  const { fired, since, stepMs } = await whileEventsFire(
    scenario.emulator,
    { everyMs: FIRE_EVERY_MS, marginMs: MARGIN_MS },
    () => ws.up(),
  );
  const created = millisOf("createWebhookSubscription", since);
  const deleted = millisOf("deleteWebhookSubscription", since);
  const count = countDeliveries(fired, receiver);
  // Every delivery Calendly made reached the bus once: the receiver neither drops nor invents.
  expect(count.deliveredOtherThanMatched).toBe(0);
  await ws.destroy();
  scenario.emulator.control.clearFaults();
  return {
    mode,
    calendlyLatencyMs: CALENDLY_LATENCY_MS,
    ...count,
    windowWithoutSubscriptionMs: Math.max(0, created - deleted),
    overlapMs: Math.max(0, deleted - created),
    upMs: stepMs,
  };
}

describe(`a change of events while invitee.created fires every ${FIRE_EVERY_MS} ms`, () => {
  it("with a marked URL, the new subscription comes first: no event lost, each duplicate with one detail.id", async () => {
    const figures = await changeEventsWhileFiring("marked");
    console.log(`no-gap ${JSON.stringify(figures)}`);
    expect(figures.fired).toBeGreaterThan((2 * MARGIN_MS) / FIRE_EVERY_MS / 2);
    expect(figures.windowWithoutSubscriptionMs).toBe(0);
    expect(figures.overlapMs).toBeGreaterThan(0);
    expectNoEventLost(figures);
  });

  it("with the same URL (as before), the old subscription goes first: the events fired in between are lost", async () => {
    const figures = await changeEventsWhileFiring("same");
    console.log(`no-gap ${JSON.stringify(figures)}`);
    expect(figures.overlapMs).toBe(0);
    expect(figures.windowWithoutSubscriptionMs).toBeGreaterThan(0);
    expect(figures.duplicates).toBe(0);
    // Exactly the events that found no subscription...
    expect(figures.lost).toBe(figures.matchedNone);
    // ...of which there are some, when a Calendly call takes longer than the gap between events.
    if (CALENDLY_LATENCY_MS >= 2 * FIRE_EVERY_MS) expect(figures.lost).toBeGreaterThan(0);
  });
});
