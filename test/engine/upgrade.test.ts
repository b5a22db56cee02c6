/**
 * Scenario 7, upgrade, through the real Pulumi CLI: a stack written by an earlier release's provider
 * code (test/engine/fixtures/upgrade-0.1.0, made by make-upgrade-fixture.ts from commit ab3574f),
 * then today's code on disk. Which code runs an operation is the `__provider` the host loads: for
 * read (refresh) and delete that is the one in the resource's stored outputs; for check, diff and
 * create the one the program serializes now.
 *
 * This records the baseline of issue 10: the stored code keeps running.
 */
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { FIXTURE_SUBSCRIPTIONS, loadUpgradeFixture, writeText } from "./fixtures/upgrade-fixture";
import { startEngineEmulator } from "./support/emulator";
import { createWorkspace, resourcesOfType, type StateExport, type Workspace } from "./support/pulumi";

const PROGRAM = join(__dirname, "programs", "subscriptions");

let emulator: Emulator;
let ws: Workspace;
let fixtureProvider: string;

function subscriptions(state: StateExport) {
  return resourcesOfType(state, WEBHOOK_SUBSCRIPTION_TYPE);
}

beforeAll(async () => {
  emulator = await startEngineEmulator();
  const fixture = loadUpgradeFixture(emulator.url);
  ws = await createWorkspace({ programDir: PROGRAM, stack: "upgrade" });
  writeText(ws.configFile, fixture.config);
  const stateFile = join(ws.root, "fixture-state.json");
  writeText(stateFile, fixture.state);
  await ws.run(["stack", "import", "--file", stateFile]);
  // The Calendly side as it was, keys from the stack's own (secret) outputs.
  const keys = (await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>;
  emulator.control.restoreSubscriptions(
    fixture.calendly.map(({ has_signing_key: _has, ...sub }) => ({
      ...sub,
      signing_key: keys[FIXTURE_SUBSCRIPTIONS.find((d) => d.url === sub.callback_url)!.name] ?? null,
    })),
  );
  fixtureProvider = subscriptions(JSON.parse(fixture.state) as StateExport)[0]!.outputs!.__provider as string;
});

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
});

describe("a stack written by release 0.1.0's provider code, run with today's", () => {
  it("preview shows no change to any subscription", async () => {
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--diff", "--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("refresh runs the stored code: outputs keep the old __provider", async () => {
    await ws.refresh();
    for (const r of subscriptions(await ws.exportState())) {
      expect(r.outputs?.__provider).toBe(fixtureProvider);
    }
  });

  it("an up without changes stores today's code in the inputs only; outputs keep the old code", async () => {
    await ws.up();
    for (const r of subscriptions(await ws.exportState())) {
      expect(r.inputs?.__provider).not.toBe(fixtureProvider);
      expect(r.outputs?.__provider).toBe(fixtureProvider);
    }
    expect(emulator.control.subscriptions()).toHaveLength(2);
  });

  it("destroy deletes both subscriptions (with the stored code)", async () => {
    await ws.destroy();
    expect(emulator.control.subscriptions()).toHaveLength(0);
    expect(subscriptions(await ws.exportState())).toHaveLength(0);
  });
});
