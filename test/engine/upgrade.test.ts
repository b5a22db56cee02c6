/**
 * Scenario 7, upgrade, through the real Pulumi CLI: a stack written by release 0.1.0's provider code
 * (test/engine/fixtures/upgrade-0.1.0, made by make-upgrade-fixture.ts from commit ab3574f), then
 * today's package. Which code runs an operation is the `__provider` the host loads: for read
 * (refresh) and delete that is the one in the resource's stored outputs, for check, diff, create
 * and update the one the program serializes now, the shim, which runs the installed package.
 *
 * The baseline of issue 10 (the 0.1.0 provider serialized into state): a clean preview, and the
 * stored code kept running for ever, since nothing rewrote the outputs' `__provider` (an up without
 * changes stored the new code in the inputs only); 156,240 and 156,468 B per subscription in the state
 * (`__provider`, 74,456 B, in both its inputs and its outputs).
 *
 * Now: until an `up`, refresh and destroy still work with the stored 0.1.0 code; the preview shows
 * each subscription as an update in place (the stored `__provider` is not the program's), with no
 * replacement and no Calendly call; one `up` stores the shim in every subscription's outputs,
 * calling Calendly not once and replacing nothing; from then on refresh, preview, up and destroy
 * all run the installed code, which the User-Agent of every Calendly call shows.
 *
 * A stack written by release 0.2.0 (test/engine/fixtures/upgrade-0.2.0, commit d137974) holds a
 * generated signing key in its outputs only. The first preview after the upgrade is clean; a change
 * that would replace that subscription stops at preview, naming `pulumi refresh`, rather than give
 * the new subscription a new key; the refresh records the key in the inputs, encrypted; then the
 * replacement keeps it.
 */
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_NAME, PROJECT_VERSION } from "../../calendly";
import type { Emulator } from "../../emulator/server";
import {
  FIXTURE_SUBSCRIPTIONS,
  type FixtureRelease,
  loadUpgradeFixture,
  writeText,
} from "./fixtures/upgrade-fixture";
import { backendFilesHolding } from "./support/backend";
import { startEngineEmulator } from "./support/emulator";
import { createWorkspace, resourcesOfType, type StateExport, type Workspace } from "./support/pulumi";

const PROGRAM = join(__dirname, "programs", "subscriptions");
/** How each release's client introduces itself to Calendly. */
const OLD_AGENT = /^calendly-webhooks-pulumi\/0\.1\.0 /;
const INSTALLED_AGENT = new RegExp(`^${PROJECT_NAME}/${PROJECT_VERSION.replaceAll(".", "\\.")} `);

let emulator: Emulator;
let fixture010: ReturnType<typeof loadUpgradeFixture>;
let fixtureResources: ReturnType<typeof subscriptions>;
const workspaces: Workspace[] = [];

function subscriptions(state: StateExport) {
  return resourcesOfType(state, WEBHOOK_SUBSCRIPTION_TYPE);
}

/**
 * A fresh stack (its own backend, named as in the fixture's URNs) holding the fixture's state, and
 * Calendly holding its subscriptions.
 */
async function importFixture(release: FixtureRelease = "0.1.0"): Promise<Workspace> {
  const fixture = release === "0.1.0" ? fixture010 : loadUpgradeFixture(emulator.url, release);
  await emulator.control.reset();
  const ws = await createWorkspace({ programDir: PROGRAM, stack: "upgrade" });
  workspaces.push(ws);
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
  return ws;
}

function lastSeq(): number {
  return emulator.control.requests().at(-1)?.seq ?? 0;
}

/** Runs `step`; it must make `calls` Calendly calls, each from the client `agent` names. */
async function expectCallsBy(agent: RegExp, calls: number, step: () => Promise<unknown>) {
  const since = lastSeq();
  await step();
  const agents = emulator.control.requests().filter((r) => r.seq > since);
  expect(agents).toHaveLength(calls);
  for (const request of agents) expect(request.user_agent).toMatch(agent);
}

async function expectNothingLeft(ws: Workspace) {
  expect(emulator.control.subscriptions()).toHaveLength(0);
  expect(subscriptions(await ws.exportState())).toHaveLength(0);
}

beforeAll(async () => {
  emulator = await startEngineEmulator();
  fixture010 = loadUpgradeFixture(emulator.url);
  fixtureResources = subscriptions(JSON.parse(fixture010.state) as StateExport);
});

afterAll(async () => {
  for (const ws of workspaces) ws.dispose();
  await emulator?.close();
});

describe("before any up, the code 0.1.0 stored still serves the stack", () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await importFixture();
  });

  it("preview shows each subscription as an update in place, nothing replaced, and calls Calendly not once", async () => {
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--diff"]);
    expect(emulator.control.requestCount()).toBe(before);
    expect(preview.stdout).toMatch(/~ 2 to update/);
    expect(preview.stdout).not.toMatch(/to replace|to create|to delete/);
    // The engine shows no property as changed: `__provider` is never displayed.
    expect(preview.stdout).not.toMatch(/__provider|^\s+[~+-] (url|events|scope)/m);
    const strict = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(strict.code).not.toBe(0);
  });

  it("refresh runs the stored code: its calls are 0.1.0's, and the outputs keep its __provider", async () => {
    await expectCallsBy(OLD_AGENT, 2, () => ws.refresh());
    const refreshed = subscriptions(await ws.exportState());
    expect(refreshed.map((r) => r.outputs?.__provider)).toEqual(
      fixtureResources.map((r) => r.outputs?.__provider),
    );
  });

  it("destroy deletes both subscriptions with the stored code", async () => {
    await expectCallsBy(OLD_AGENT, 2, () => ws.destroy());
    await expectNothingLeft(ws);
  });
});

describe("one up migrates every subscription in place; then everything runs the installed code", () => {
  let ws: Workspace;
  let shim: string;

  beforeAll(async () => {
    ws = await importFixture();
  });

  it("up calls Calendly not once, replaces nothing, and stores the shim in place of the 0.1.0 code", async () => {
    const before = emulator.control.requestCount();
    const calendlyBefore = emulator.control.subscriptions();
    const up = await ws.up();
    expect(up.stdout).toMatch(/~ 2 updated/);
    expect(emulator.control.requestCount()).toBe(before);
    expect(emulator.control.subscriptions()).toEqual(calendlyBefore);

    // The same resources (the state's order follows the order the steps finished in).
    const migrated = subscriptions(await ws.exportState());
    const byId = (id: string | undefined) => fixtureResources.find((r) => r.id === id)!;
    expect(migrated.map((r) => r.id).sort()).toEqual(fixtureResources.map((r) => r.id).sort());
    shim = migrated[0]!.outputs!.__provider as string;
    expect(shim).toContain('require("pulumi-calendly/provider")');
    for (const resource of migrated) {
      const fixture = byId(resource.id);
      expect(resource.inputs?.__provider).toBe(shim);
      expect(resource.outputs?.__provider).toBe(shim);
      // Every other output as 0.1.0 wrote it (the signing key is compared decrypted below), and the
      // key's generation, which 0.1.0 did not record: 1.
      const { __provider: _new, signingKey: _k, ...outputs } = resource.outputs!;
      const { __provider: _old, signingKey: _o, ...old } = fixture.outputs!;
      expect(outputs).toEqual({ ...old, signingKeyGeneration: 1 });
      // Its size, compact as the backend stores it: 0.1.0's was over 150 KB.
      expect(Buffer.byteLength(JSON.stringify(resource))).toBeLessThanOrEqual(8 * 1024);
      expect(Buffer.byteLength(JSON.stringify(fixture))).toBeGreaterThan(150_000);
    }
    const keys = (await ws.outputs({ showSecrets: true })).signingKeys;
    expect(keys).toMatchObject({ bookings: "fixture-explicit-signing-key-0123456789" });
  });

  it("preview then expects no changes", async () => {
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--diff", "--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("refresh runs the installed code, and changes nothing", async () => {
    await expectCallsBy(INSTALLED_AGENT, 2, () => ws.refresh());
    const refreshed = subscriptions(await ws.exportState());
    for (const resource of refreshed) expect(resource.outputs?.__provider).toBe(shim);
    const preview = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
  });

  it("an up that changes a subscription's events replaces it with the installed code: its create and its delete", async () => {
    const declared = FIXTURE_SUBSCRIPTIONS.map((d) =>
      d.name === "generated" ? { ...d, events: ["invitee.canceled", "invitee.created"] } : d,
    );
    await ws.setConfig("subscriptions", JSON.stringify(declared));
    const old = emulator.control.subscriptions().find((s) => s.callback_url.endsWith("=generated"))!;
    const keyOf = async () =>
      ((await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>).generated;
    const key = await keyOf();
    const since = lastSeq();
    await expectCallsBy(INSTALLED_AGENT, 3, () => ws.up());
    // The refresh above put the generated key into the inputs: the replacement keeps it.
    expect(await keyOf()).toBe(key);
    const operations = emulator.control.requests().filter((r) => r.seq > since);
    expect(operations.map((r) => r.operation).sort()).toEqual(
      ["createWebhookSubscription", "deleteWebhookSubscription", "getCurrentUser"].sort(),
    );
    const now = emulator.control.subscriptions();
    expect(now).toHaveLength(2);
    expect(now.map((s) => s.uuid)).not.toContain(old.uuid);
  });

  it("destroy deletes both with the installed code", async () => {
    await expectCallsBy(INSTALLED_AGENT, 2, () => ws.destroy());
    await expectNothingLeft(ws);
  });
});

/**
 * Release 0.2.0 kept a generated signing key in the outputs only, where check cannot see it; today
 * check carries a key over from the old inputs. So until a refresh puts it there, a replacement
 * would create the new subscription with a new key: diff stops that, naming the refresh.
 */
describe("a stack written by 0.2.0, whose generated key is in the outputs only", () => {
  let ws: Workspace;
  let generatedKey: string;
  const changedEvents = () =>
    ws.setConfig(
      "subscriptions",
      JSON.stringify(
        FIXTURE_SUBSCRIPTIONS.map((d) =>
          d.name === "generated" ? { ...d, events: ["invitee.canceled", "invitee.created"] } : d,
        ),
      ),
    );
  const generatedResource = async () =>
    subscriptions(await ws.exportState()).find((r) => r.urn.endsWith("::generated"))!;

  beforeAll(async () => {
    ws = await importFixture("0.2.0");
    generatedKey = ((await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>)
      .generated!;
    expect((await generatedResource()).inputs).not.toHaveProperty("signingKey");
  });

  it("the first preview after upgrading expects no changes and calls Calendly not once", async () => {
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--diff", "--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("a change that replaces it stops at preview, naming `pulumi refresh`, and changes nothing", async () => {
    await changedEvents();
    const before = emulator.control.requestCount();
    const preview = await ws.preview([], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/signing key was generated by an\s+older pulumi-calendly/);
    expect(preview.output).toMatch(/Run `pulumi refresh` once/);
    const up = await ws.up([], { allowFailure: true });
    expect(up.code).not.toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("refresh records the key in the inputs, encrypted: no backend file holds it in plain text", async () => {
    await ws.refresh();
    const inputs = (await generatedResource()).inputs!;
    expect(inputs.signingKey).toHaveProperty("ciphertext");
    expect(inputs.__defaults).toEqual(["signingKey"]);
    expect(backendFilesHolding(ws, generatedKey)).toEqual([]);
  });

  it("then the change replaces it, creating the new subscription with the same key", async () => {
    const preview = await ws.preview([]);
    expect(preview.stdout).toMatch(/generated\s+replace\s+\[diff: ~events\]/);
    await ws.up();
    const now = ((await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>).generated;
    expect(now).toBe(generatedKey);
    expect(emulator.control.subscriptions()).toHaveLength(2);
    expect(backendFilesHolding(ws, generatedKey)).toEqual([]);
  });

  it("destroy", async () => {
    await ws.destroy();
    await expectNothingLeft(ws);
  });
});
