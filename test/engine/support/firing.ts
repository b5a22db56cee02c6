/**
 * Events fired at the emulator every 50 ms while a Pulumi command runs, then counted on the
 * receiver's bus: which found no subscription (lost: Calendly never delivers those) and which found
 * two (delivered twice, each pair with one `detail.id`). test/engine/no-gap.test.ts measures the
 * dynamic resource this way; the native scenarios use this.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FiredEvent } from "../../../emulator/control";
import type { Emulator } from "../../../emulator/server";
import type { EngineReceiver } from "./receiver";

export const FIRE_EVERY_MS = 50;
/** Events fired before the command starts and after it ends. */
const MARGIN_MS = 1_000;

export interface FiringFigures {
  fired: number;
  /** Fired while no subscription matched. */
  lost: number;
  /** Fired while two matched. */
  matchedTwo: number;
  /** Events whose deliveries reached the bus under different `detail.id`s. */
  duplicatesWithDifferentIds: number;
  /** Deliveries Calendly made that did not reach the bus exactly once. */
  deliveriesMissing: number;
}

export async function fireDuring(
  emulator: Emulator,
  receiver: EngineReceiver,
  action: () => Promise<unknown>,
): Promise<FiringFigures> {
  const fired: FiredEvent[] = [];
  const timer = setInterval(
    () => fired.push(emulator.control.fireEvent({ event: "invitee.created" })),
    FIRE_EVERY_MS,
  );
  try {
    await sleep(MARGIN_MS);
    await action();
    await sleep(MARGIN_MS);
  } finally {
    clearInterval(timer);
  }
  await emulator.control.waitForDeliveries({ timeoutMs: 30_000 });
  const onBus = new Map<string, string[]>();
  for (const detail of receiver.details()) {
    const uri = String((detail.payload as { uri?: unknown } | null)?.uri);
    onBus.set(uri, [...(onBus.get(uri) ?? []), detail.id]);
  }
  let deliveriesMissing = 0;
  let duplicatesWithDifferentIds = 0;
  for (const event of fired) {
    const ids = onBus.get(String(event.envelope.payload.uri)) ?? [];
    if (ids.length !== event.matched.length) deliveriesMissing++;
    if (new Set(ids).size > 1) duplicatesWithDifferentIds++;
  }
  return {
    fired: fired.length,
    lost: fired.filter((e) => e.matched.length === 0).length,
    matchedTwo: fired.filter((e) => e.matched.length === 2).length,
    duplicatesWithDifferentIds,
    deliveriesMissing,
  };
}
