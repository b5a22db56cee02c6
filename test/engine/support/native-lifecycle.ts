/**
 * The native provider's life through the real CLI, the same five steps for every language's program
 * (YAML in native-yaml.test.ts, the generated TypeScript SDK in native-nodejs.test.ts), on one
 * stack, in order:
 *   1. up creates the subscription, stored with no __provider;
 *   2. a preview of the unchanged program is clean and makes no Calendly call;
 *   3. an events change previews as a replacement, and the up, while events fire every 50 ms (each
 *      Calendly call taking 200 ms, as on a CI runner), loses none: the program marks its URL with
 *      the schema's markedUrl, so the new subscription is created before the old one is deleted;
 *   4. refresh after an out-of-band delete drops it from state, and the next up creates it again;
 *   5. destroy deletes it at Calendly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countDeliveries, expectNoEventLost, NATIVE_STREAM, whileEventsFire } from "./event-stream";
import { nativeSubscriptions } from "./native";
import type { Workspace } from "./pulumi";
import { type EngineReceiver, startEngineReceiver } from "./receiver";
import type { EngineScenario } from "./scenario";

export const LIFECYCLE_KEY = "native-lifecycle-signing-key-0123456789";
const CALENDLY_LATENCY_MS = 200;

export interface LifecycleProgram {
  ws: Workspace;
  /** Declares these events in the program (its text, or its stack config). */
  declareEvents(events: string[]): Promise<void>;
}

/**
 * Registers the five steps as the tests of a `describe`. `start` makes the stack with its program
 * declaring `["invitee.created"]`, its URL marked from `receiverUrl`, its key `LIFECYCLE_KEY`.
 */
export function describeNativeLifecycle(
  title: string,
  scenario: EngineScenario,
  start: (receiverUrl: string) => Promise<LifecycleProgram>,
): void {
  let receiver: EngineReceiver;
  let program: LifecycleProgram;
  const subscriptionsAtCalendly = () => scenario.emulator.control.subscriptions();

  describe(title, () => {
    beforeAll(async () => {
      receiver = await startEngineReceiver([LIFECYCLE_KEY]);
    });

    afterAll(async () => {
      await receiver?.close();
    });

    it("up creates the subscription, stored with no __provider", async () => {
      program = await start(receiver.url);
      await program.ws.up();
      const [sub] = subscriptionsAtCalendly();
      expect(sub).toMatchObject({ state: "active", events: ["invitee.created"] });
      const outputs = await program.ws.outputs();
      expect(outputs.uri).toBe(sub!.uri);
      expect(String(outputs.callbackUrl)).toMatch(/\?subscription=bookings&v=[0-9a-f]{8}$/);
      expect(program.ws.stateFileText()).not.toContain("__provider");
      expect(nativeSubscriptions(await program.ws.exportState())).toHaveLength(1);
    });

    it("a preview of the unchanged program is clean and calls Calendly not once", async () => {
      const before = scenario.emulator.control.requestCount();
      const preview = await program.ws.preview(["--expect-no-changes"], { allowFailure: true });
      expect(preview.code, preview.output).toBe(0);
      expect(scenario.emulator.control.requestCount()).toBe(before);
    });

    it("an events change previews as a replacement, and the up, while events fire, loses none", async () => {
      await program.declareEvents(["invitee.canceled", "invitee.created"]);
      const preview = await program.ws.preview();
      expect(preview.stdout).toMatch(/\+-\s+calendly:index:WebhookSubscription\s+bookings\s+replace/);
      expect(preview.stdout).not.toMatch(/must delete the old subscription before/);

      scenario.emulator.control.injectFaults({
        fault: { kind: "latency", ms: CALENDLY_LATENCY_MS },
        times: 1_000_000,
      });
      const { fired, since } = await whileEventsFire(scenario.emulator, NATIVE_STREAM, () => program.ws.up());
      scenario.emulator.control.clearFaults();
      const figures = countDeliveries(fired, receiver);
      console.log(`${title}: events change while firing ${JSON.stringify(figures)}`);
      const writes = scenario.emulator.control
        .requests()
        .filter(
          (r) =>
            r.seq > since && ["createWebhookSubscription", "deleteWebhookSubscription"].includes(r.operation),
        );
      expect(writes.map((r) => r.operation)).toEqual([
        "createWebhookSubscription",
        "deleteWebhookSubscription",
      ]);
      expect(figures.fired).toBeGreaterThan(20);
      expectNoEventLost(figures);
      expect(subscriptionsAtCalendly().map((s) => s.events)).toEqual([
        ["invitee.canceled", "invitee.created"],
      ]);
    });

    it("refresh after an out-of-band delete drops it from state; the next up creates it again", async () => {
      const [sub] = subscriptionsAtCalendly();
      scenario.emulator.control.deleteSubscription(sub!.uuid);
      const refresh = await program.ws.refresh();
      expect(refresh.stdout).toMatch(/-\s+calendly:index:WebhookSubscription\s+bookings\s+deleted/);
      expect(nativeSubscriptions(await program.ws.exportState())).toHaveLength(0);
      const preview = await program.ws.preview();
      expect(preview.stdout).toMatch(/\+\s+calendly:index:WebhookSubscription\s+bookings\s+create/);
      await program.ws.up();
      expect(subscriptionsAtCalendly()).toHaveLength(1);
    });

    it("destroy deletes it at Calendly and leaves an empty stack", async () => {
      await program.ws.destroy();
      expect(subscriptionsAtCalendly()).toEqual([]);
      expect(nativeSubscriptions(await program.ws.exportState())).toHaveLength(0);
    });
  });
}
