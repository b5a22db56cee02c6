/**
 * This repository's own stack upgraded from release 0.1.0, through the real Pulumi CLI: the dev
 * stack as 0.1.0 deployed it (test/engine/fixtures/stack-upgrade-0.1.0, written by ab3574f's
 * whole program through the real engine with the stand-in `aws` and `random` plugins), then
 * today's whole program (index.ts) runs `pulumi up` on it while `invitee.created` fires every
 * 50 ms. The subscription delivers to the receiver (the Lambda's handler behind the local HTTP
 * adapter, keys from the SSM stub, events onto the EventBridge stub): the emulator sends what is
 * addressed to the stack's API Gateway URL there.
 *
 * upgrade.test.ts proves the upgrade of a program whose URLs never change: in place, no Calendly
 * call. The stack is not such a program: since issue 11 its URLs carry a marker
 * (`?subscription=<name>&v=<marker>`, infra/subscriptions.ts) that 0.1.0's lacked, so its first
 * `up` replaces every subscription, the new one created before the old one is deleted (0.1.0's
 * `deleteBeforeReplace: true` was a program option, and today's program no longer sets it). What
 * that costs is counted here: Calendly calls, replacements, events lost.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../emulator/recorder";
import type { Emulator } from "../../emulator/server";
import { loadStackUpgradeFixture, STACK_FIXTURE_STACK } from "./fixtures/stack-upgrade-fixture";
import { OWNER_TOKEN, startEngineEmulator } from "./support/emulator";
import {
  countDeliveries,
  type DeliveryCount,
  expectNoEventLost,
  whileEventsFire,
} from "./support/event-stream";
import {
  createWorkspace,
  REPO_ROOT,
  type RunResult,
  resourcesOfType,
  type Workspace,
} from "./support/pulumi";
import { type EngineReceiver, startEngineReceiver } from "./support/receiver";
import { installStandinsFor } from "./support/standins";

const FIRE_EVERY_MS = 50;
const MARGIN_MS = 1_000;
/** How release 0.1.0's client introduced itself to Calendly. */
const OLD_AGENT = /^calendly-webhooks-pulumi\/0\.1\.0 /;
/** API Gateway's URLs, which the stand-ins mint and nothing here answers. */
const API_GATEWAY = /^https:\/\/[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com/;

let emulator: Emulator;
let receiver: EngineReceiver | undefined;
let ws: Workspace;

interface UpgradeFigures extends DeliveryCount {
  /** Calendly requests during the `up`, by operation. */
  calls: Record<string, number>;
  /** Resources Pulumi's summary counts as replaced. */
  replaced: number;
  /** Between the new subscription's POST and the old one's DELETE, as Calendly received them. */
  overlapMs: number;
  upMs: number;
}
let figures: UpgradeFigures;
let up: RunResult;
let requests: RecordedRequest[];
let oldUuids: string[];

beforeAll(async () => {
  emulator = await startEngineEmulator({
    deliverTo: (url) => (receiver ? url.replace(API_GATEWAY, new URL(receiver.url).origin) : url),
  });
  const fixture = loadStackUpgradeFixture(emulator.url);
  // The token exported, as the deploy workflow runs `pulumi up` (0.1.0's config still holds its
  // own: the upgrade does not ask the user to remove it first).
  ws = await createWorkspace({
    programDir: REPO_ROOT,
    stack: STACK_FIXTURE_STACK,
    env: { CALENDLY_TOKEN: OWNER_TOKEN },
  });
  const standins = installStandinsFor(ws);
  // The stack as 0.1.0 left it: its config, its state, the stand-ins' "cloud", Calendly's side.
  writeFileSync(ws.configFile, fixture.config);
  writeFileSync(standins.logFile, fixture.standinsLog);
  const stateFile = join(ws.root, "fixture-state.json");
  writeFileSync(stateFile, fixture.state);
  await ws.run(["stack", "import", "--file", stateFile]);
  // The keys as the receiver reads them from SSM: from the stack's own (secret) outputs.
  const keys = (await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>;
  receiver = await startEngineReceiver(Object.values(keys));
  emulator.control.restoreSubscriptions(
    fixture.calendly.map(({ has_signing_key: _has, ...sub }) => ({
      ...sub,
      signing_key: keys[new URL(sub.callback_url).searchParams.get("subscription")!] ?? null,
    })),
  );
  oldUuids = emulator.control.subscriptions().map((s) => s.uuid);

  const run = await whileEventsFire(emulator, { everyMs: FIRE_EVERY_MS, marginMs: MARGIN_MS }, () => ws.up());
  up = run.result;
  // The event stream makes no API request: every one since the mark is the `up`'s.
  requests = emulator.control.requests().filter((r) => r.seq > run.since);
  const at = (operation: string) => Date.parse(requests.find((r) => r.operation === operation)!.at);
  figures = {
    ...countDeliveries(run.fired, receiver),
    calls: Object.fromEntries(
      [...new Set(requests.map((r) => r.operation))].map((op) => [
        op,
        requests.filter((r) => r.operation === op).length,
      ]),
    ),
    replaced: Number(/\+-(\d+) replaced/.exec(up.stdout)?.[1] ?? 0),
    overlapMs: at("deleteWebhookSubscription") - at("createWebhookSubscription"),
    upMs: run.stepMs,
  };
  console.log(`stack-upgrade ${JSON.stringify(figures)}`);
}, 600_000);

afterAll(async () => {
  ws?.dispose();
  await receiver?.close();
  await emulator?.close();
});

describe("the dev stack deployed by 0.1.0, then one `pulumi up` of today's program while events flow", () => {
  it("replaces the subscription, and nothing else at Calendly: one POST, one DELETE, one GET /users/me", () => {
    expect(figures.replaced).toBe(oldUuids.length);
    expect(figures.calls).toEqual({
      getCurrentUser: 1,
      createWebhookSubscription: oldUuids.length,
      deleteWebhookSubscription: oldUuids.length,
    });
    const now = emulator.control.subscriptions();
    expect(now).toHaveLength(oldUuids.length);
    for (const sub of now) {
      expect(oldUuids).not.toContain(sub.uuid);
      expect(new URL(sub.callback_url).searchParams.get("v")).toMatch(/^[0-9a-f]{8}$/);
    }
  });

  it("creates the new subscription before it deletes the old one; the delete runs 0.1.0's stored code", () => {
    expect(figures.overlapMs).toBeGreaterThan(0);
    const del = requests.find((r) => r.operation === "deleteWebhookSubscription")!;
    expect(del.user_agent).toMatch(OLD_AGENT);
  });

  it("loses no event; those fired while both existed arrive twice, with one detail.id", () => {
    expect(figures.fired).toBeGreaterThan((2 * MARGIN_MS) / FIRE_EVERY_MS / 2);
    expectNoEventLost(figures);
  });

  it("leaves a stack that previews with no changes, holding the shim, not 0.1.0's code", async () => {
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
    for (const resource of resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE)) {
      expect(resource.outputs?.__provider).toContain('require("pulumi-calendly/provider")');
    }
  });
});
