/**
 * Events fired at a steady pace while a Pulumi command runs, and what became of each: the
 * no-gap and stack-upgrade scenarios, the native provider's (native-lifecycle.ts, and the Python and
 * Go programs' in test/languages) and the migration off the dynamic resource count the events
 * Calendly never delivered and those that reached the bus twice.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import type { FiredEvent } from "../../../emulator/control";
import type { Emulator } from "../../../emulator/server";
import type { EngineReceiver } from "./receiver";

export interface StreamOptions {
  /** One `invitee.created` every this many milliseconds. */
  everyMs: number;
  /** Events fired before the step starts and after it ends. */
  marginMs: number;
}

/** The native scenarios' stream: an event every 50 ms, from a second before the step to a second after. */
export const NATIVE_STREAM: StreamOptions = { everyMs: 50, marginMs: 1_000 };

/**
 * Fires `invitee.created` every `everyMs` from `marginMs` before `step` until `marginMs` after it,
 * then waits for every delivery to settle. Returns what `step` returned, the events, and the last
 * Calendly request before the step (to read the step's own requests after it).
 */
export async function whileEventsFire<T>(
  emulator: Emulator,
  options: StreamOptions,
  step: () => Promise<T>,
): Promise<{ result: T; fired: FiredEvent[]; since: number; stepMs: number }> {
  const fired: FiredEvent[] = [];
  const timer = setInterval(() => {
    fired.push(emulator.control.fireEvent({ event: "invitee.created" }));
  }, options.everyMs);
  let result: T;
  let since: number;
  let stepMs: number;
  try {
    await sleep(options.marginMs);
    since = emulator.control.requests().at(-1)?.seq ?? 0;
    const started = performance.now();
    result = await step();
    stepMs = Math.round(performance.now() - started);
    await sleep(options.marginMs);
  } finally {
    clearInterval(timer);
  }
  await emulator.control.waitForDeliveries({ timeoutMs: 30_000 });
  return { result, fired, since, stepMs };
}

export interface DeliveryCount {
  fired: number;
  /** Fired while no subscription matched: Calendly never delivers those. */
  matchedNone: number;
  /** Fired while two matched: delivered twice. */
  matchedTwo: number;
  /** Never on the bus. */
  lost: number;
  /** Extra copies on the bus. */
  duplicates: number;
  /** Events whose copies on the bus do not share one `detail.id`. */
  duplicatesWithDifferentIds: number;
  /** Events whose copies on the bus are not one per subscription Calendly delivered it to. */
  deliveredOtherThanMatched: number;
}

/** What became of each fired event, by the bus entries the receiver put (matched by payload URI). */
export function countDeliveries(fired: readonly FiredEvent[], receiver: EngineReceiver): DeliveryCount {
  const onBus = new Map<string, string[]>();
  for (const detail of receiver.details()) {
    const uri = String((detail.payload as { uri?: unknown } | null)?.uri);
    onBus.set(uri, [...(onBus.get(uri) ?? []), detail.id]);
  }
  const count: DeliveryCount = {
    fired: fired.length,
    matchedNone: fired.filter((e) => e.matched.length === 0).length,
    matchedTwo: fired.filter((e) => e.matched.length === 2).length,
    lost: 0,
    duplicates: 0,
    duplicatesWithDifferentIds: 0,
    deliveredOtherThanMatched: 0,
  };
  for (const event of fired) {
    const ids = onBus.get(String(event.envelope.payload.uri)) ?? [];
    if (ids.length !== event.matched.length) count.deliveredOtherThanMatched++;
    if (ids.length === 0) count.lost++;
    count.duplicates += Math.max(0, ids.length - 1);
    if (new Set(ids).size > 1) count.duplicatesWithDifferentIds++;
  }
  return count;
}

/**
 * No event lost: each was delivered by some subscription, every delivery Calendly made reached
 * the bus once, and an event delivered by two subscriptions at once shows one `detail.id` twice.
 */
export function expectNoEventLost(count: DeliveryCount): void {
  expect(count.deliveredOtherThanMatched).toBe(0);
  expect(count.matchedNone).toBe(0);
  expect(count.lost).toBe(0);
  expect(count.duplicates).toBe(count.matchedTwo);
  expect(count.duplicatesWithDifferentIds).toBe(0);
}
