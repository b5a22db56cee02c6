/**
 * A subscription's signing key across replacements, through the real Pulumi CLI, with deliveries
 * (issue 22 §3): a change of events keeps the key, a raised `signingKeyGeneration` changes it, each
 * shows as such in the preview, and the receiver (the Lambda's handler on loopback, keys from the
 * SSM stub, events onto the EventBridge stub) keeps accepting deliveries during and after each,
 * while `invitee.created` fires every 100 ms. URLs are marked (`markedUrl`, as the stack's are), so
 * each replacement creates the new subscription before it deletes the old one.
 *
 * Two ways to hold the key:
 * - the provider generates it (a program that leaves `signingKey` out; the receiver is given the
 *   key from the stack's output). A change of events keeps it: every delivery is accepted at once.
 *   A raised generation makes a new key that no receiver can hold before `up` made it: what the new
 *   subscription signs with it is refused (401) until the receiver holds it, then Calendly's
 *   retries get through; none is lost (the figures are printed);
 * - the program makes it (the repository's stack: a key per generation, and the receiver's key
 *   parameter holding the new and the previous one before the subscription is replaced,
 *   test/engine/whole-program checks that order). A change of events: every delivery accepted at
 *   once. A rotation: every delivery the old subscription signs is accepted at once; those the new
 *   one signs with the new key are refused only until the receiver re-reads its key parameter,
 *   which its re-read budget allows once per SIGNING_KEYS_REFRESH_SECONDS (docs/receiver.md; 2 s
 *   here, 60 by default), and Calendly's retries then get through: none lost.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { markedUrl } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countDeliveries,
  type DeliveryCount,
  expectNoEventLost,
  type StreamOptions,
  whileEventsFire,
} from "./support/event-stream";
import type { Workspace } from "./support/pulumi";
import { type EngineReceiver, startEngineReceiver } from "./support/receiver";
import { engineScenario } from "./support/scenario";

const STREAM: StreamOptions = { everyMs: 100, marginMs: 500 };
const EVENTS_BEFORE = ["invitee.created"];
const EVENTS_AFTER = ["invitee.canceled", "invitee.created"];

// Retries for longer than the engine scenarios' default 10 s: the generated key's receiver is given
// the new key only after `up` ends.
const scenario = engineScenario(() => ({
  delivery: { retryInitialMs: 100, retryMaxMs: 500, retryWindowMs: 120_000 },
}));

interface Figures {
  /** What became of each fired event (event-stream.ts). */
  count: DeliveryCount;
  /** Deliveries the receiver refused (401) at first; Calendly retried them. */
  refused: number;
  /** Those refusals, per subscription (its uuid). */
  refusedBySubscription: Record<string, number>;
}

/** Runs `step` while `invitee.created` fires (the shared event stream); counts what became of each and the refusals. */
async function firingDuring(receiver: EngineReceiver, step: () => Promise<unknown>): Promise<Figures> {
  const control = scenario.emulator.control;
  const attemptsBefore = control.deliveries().length;
  const busBefore = receiver.details().length;
  const { fired } = await whileEventsFire(scenario.emulator, STREAM, step);
  // Only this step's bus entries: each fired event has its own payload URI, so earlier steps never match.
  const count = countDeliveries(fired, { ...receiver, details: () => receiver.details().slice(busBefore) });
  const refusals = control
    .deliveries()
    .slice(attemptsBefore)
    .filter((a) => a.status === 401);
  const refusedBySubscription: Record<string, number> = {};
  for (const a of refusals)
    refusedBySubscription[a.subscription] = (refusedBySubscription[a.subscription] ?? 0) + 1;
  return { count, refused: refusals.length, refusedBySubscription };
}

async function keyOf(ws: Workspace, name: string): Promise<string> {
  return ((await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>)[name]!;
}

describe("a key the provider generated", () => {
  let receiver: EngineReceiver;
  let ws: Workspace;
  let firstKey: string;

  const declare = (events: string[], generation: number) =>
    ws.setConfig(
      "subscriptions",
      JSON.stringify([
        {
          name: "generated",
          url: markedUrl(receiver.url, "generated", {
            events,
            scope: "user",
            signingKeyGeneration: generation,
          }),
          events,
          signingKeyGeneration: generation,
        },
      ]),
    );

  beforeAll(async () => {
    // Keys read on every delivery: the test changes them as a deployment would, without waiting.
    receiver = await startEngineReceiver(["no-key-yet-0123456789"], {
      SIGNING_KEYS_MAX_AGE_SECONDS: "0",
      SIGNING_KEYS_REFRESH_SECONDS: "0",
    });
    ws = await scenario.workspace("generated");
    await declare(EVENTS_BEFORE, 1);
    await ws.up();
    firstKey = await keyOf(ws, "generated");
    receiver.setKeys([firstKey]);
  });

  afterAll(async () => {
    await ws?.destroy();
    await receiver?.close();
  });

  it("a change of events previews as one, without the key, and keeps the key: every delivery accepted at once", async () => {
    await declare(EVENTS_AFTER, 1);
    const preview = await ws.preview();
    expect(preview.stdout).toMatch(/generated\s+replace\s+\[diff: ~events,url\]/);
    const detailed = await ws.preview(["--diff"]);
    expect(detailed.stdout).not.toMatch(/^\s+~ signingKey/m);

    const figures = await firingDuring(receiver, () => ws.up());
    console.log(`signing-key-generation generated/events ${JSON.stringify(figures)}`);
    expect(await keyOf(ws, "generated")).toBe(firstKey);
    expect(figures.count.fired).toBeGreaterThan(10);
    expect(figures.refused).toBe(0);
    expectNoEventLost(figures.count);
  });

  it("a raised signingKeyGeneration previews as a rotation and makes a new key: nothing lost once the receiver holds it", async () => {
    await declare(EVENTS_AFTER, 2);
    const preview = await ws.preview();
    expect(preview.stdout).toMatch(/generated\s+replace\s+\[diff: ~signingKeyGeneration,url\]/);
    const detailed = await ws.preview(["--diff"]);
    expect(detailed.stdout).toMatch(/~ signingKeyGeneration: 1 => 2/);

    let newKey = "";
    const figures = await firingDuring(receiver, async () => {
      await ws.up();
      newKey = await keyOf(ws, "generated");
      // What a user of a generated key does after `up`: give the receiver the new key.
      receiver.setKeys([newKey, firstKey]);
    });
    console.log(`signing-key-generation generated/rotation ${JSON.stringify(figures)}`);
    expect(newKey).not.toBe(firstKey);
    expect(figures.count.fired).toBeGreaterThan(10);
    expectNoEventLost(figures.count);
  });
});

describe("keys the program makes, as the repository's stack does", () => {
  const KEY_1 = "stack-way-signing-key-generation-1-0123456789";
  const KEY_2 = "stack-way-signing-key-generation-2-0123456789";
  let receiver: EngineReceiver;
  let ws: Workspace;

  const declare = async (events: string[], generation: number) => {
    await ws.setConfig("signingKeys", JSON.stringify({ stack: generation === 1 ? KEY_1 : KEY_2 }), {
      secret: true,
    });
    await ws.setConfig(
      "subscriptions",
      JSON.stringify([
        {
          name: "stack",
          url: markedUrl(receiver.url, "stack", { events, scope: "user", signingKeyGeneration: generation }),
          events,
          explicitKey: true,
          signingKeyGeneration: generation,
        },
      ]),
    );
  };

  const REFRESH_SECONDS = 2;

  beforeAll(async () => {
    receiver = await startEngineReceiver([KEY_1], { SIGNING_KEYS_REFRESH_SECONDS: String(REFRESH_SECONDS) });
    ws = await scenario.workspace("program-keys");
    await declare(EVENTS_BEFORE, 1);
    await ws.up();
  });

  afterAll(async () => {
    await ws?.destroy();
    await receiver?.close();
  });

  it("a change of events keeps the key: every delivery accepted at once", async () => {
    await declare(EVENTS_AFTER, 1);
    expect((await ws.preview()).stdout).toMatch(/stack\s+replace\s+\[diff: ~events,url\]/);
    const figures = await firingDuring(receiver, () => ws.up());
    console.log(`signing-key-generation program/events ${JSON.stringify(figures)}`);
    expect(await keyOf(ws, "stack")).toBe(KEY_1);
    expect(figures.refused).toBe(0);
    expectNoEventLost(figures.count);
  });

  it("a rotation with both keys in the parameter first: the old key accepted throughout, the new one once re-read, none lost", async () => {
    // The stack puts [key 2, key 1] into the receiver's parameter before it replaces the subscription.
    receiver.setKeys([KEY_2, KEY_1]);
    await declare(EVENTS_AFTER, 2);
    const preview = await ws.preview(["--diff"]);
    expect(preview.stdout).toMatch(/~ signingKeyGeneration: 1 => 2/);
    expect((await ws.preview()).stdout).toMatch(/stack\s+replace\s+\[diff: ~signingKeyGeneration,url\]/);
    const old = scenario.emulator.control
      .subscriptions()
      .find((s) => s.callback_url.includes("subscription=stack"))!;
    const figures = await firingDuring(receiver, () => ws.up());
    console.log(`signing-key-generation program/rotation ${JSON.stringify(figures)}`);
    expect(await keyOf(ws, "stack")).toBe(KEY_2);
    expectNoEventLost(figures.count);
    expect(figures.refusedBySubscription[old.uuid] ?? 0).toBe(0);

    // After it, once the receiver's budget allowed its re-read: every delivery accepted at once.
    await sleep(REFRESH_SECONDS * 1000);
    const after = await firingDuring(receiver, async () => {});
    console.log(`signing-key-generation program/after-rotation ${JSON.stringify(after)}`);
    expect(after.count.fired).toBeGreaterThan(3);
    expect(after.refused).toBe(0);
    expectNoEventLost(after.count);
  });
});
