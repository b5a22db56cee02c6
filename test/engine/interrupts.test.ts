/**
 * Scenario 3, interrupted creates, through the real Pulumi CLI. The create's POST is slowed down
 * (3 s) so that the CLI is interrupted while it is in flight:
 * - SIGINT (Ctrl-C): Pulumi waits for the step in flight, records it, and the next `up` has nothing
 *   to do;
 * - SIGKILL: the create lands at Calendly but not in state, which keeps a pending CREATE and the
 *   backend's lock. After `pulumi cancel`, the next `up` never makes a duplicate: without adoption it
 *   stops at Calendly's 409 naming the subscription; with `adoptExisting` and the stack's own key
 *   (as infra/ declares them) it takes the subscription over and converges.
 */
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { OWNER_TOKEN, startEngineEmulator } from "./support/emulator";
import { createWorkspace, type RunResult, resourcesOfType, type Workspace } from "./support/pulumi";

const PROGRAM = join(__dirname, "programs", "subscriptions");
const KEY = "interrupts-explicit-signing-key-0123";

let emulator: Emulator;
const workspaces: Workspace[] = [];

async function workspace(stack: string, adoptExisting: boolean): Promise<{ ws: Workspace; url: string }> {
  const ws = await createWorkspace({ programDir: PROGRAM, stack });
  workspaces.push(ws);
  const url = `https://receiver.example.com/hooks?subscription=${stack}`;
  await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
  await ws.setConfig("calendly:apiUrl", emulator.url);
  const declared = [{ name: "bookings", url, events: ["invitee.created"], explicitKey: true, adoptExisting }];
  await ws.setConfig("subscriptions", JSON.stringify(declared));
  await ws.setConfig("signingKeys", JSON.stringify({ bookings: KEY }), { secret: true });
  return { ws, url };
}

/** `pulumi up` with the CLI sent `signal` once the subscription's create is in flight. */
function interruptedUp(ws: Workspace, signal: NodeJS.Signals): Promise<RunResult> {
  emulator.control.injectFaults({
    match: { method: "POST", path: "/webhook_subscriptions" },
    fault: { kind: "latency", ms: 3_000 },
  });
  return ws.up([], {
    allowFailure: true,
    onSpawn(child, output) {
      const poll = setInterval(() => {
        if (/WebhookSubscription bookings creating/.test(output())) {
          clearInterval(poll);
          setTimeout(() => child.kill(signal), 500);
        }
      }, 50);
      child.on("close", () => clearInterval(poll));
    },
  });
}

function atCalendly(url: string) {
  return emulator.control.subscriptions().filter((s) => s.callback_url === url);
}

/** Lets the slowed POST that the killed CLI left behind land at Calendly. */
async function createLanded(url: string) {
  for (let i = 0; i < 100 && atCalendly(url).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(atCalendly(url)).toHaveLength(1);
}

beforeAll(async () => {
  emulator = await startEngineEmulator();
});

afterEach(() => emulator.control.clearFaults());

afterAll(async () => {
  for (const ws of workspaces) ws.dispose();
  await emulator?.close();
});

describe("an up interrupted during a create", () => {
  it("SIGINT: Pulumi finishes the create in flight and records it; the next up has nothing to do", async () => {
    const { ws, url } = await workspace("sigint", false);
    const interrupted = await interruptedUp(ws, "SIGINT");
    expect(interrupted.code).not.toBe(0);
    expect(interrupted.output).toMatch(/received; cancelling/);
    expect(atCalendly(url)).toHaveLength(1);
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.id).toBe(atCalendly(url)[0]!.uuid);

    await ws.preview(["--expect-no-changes"]);
    await ws.destroy();
    expect(atCalendly(url)).toHaveLength(0);
  });

  it("SIGKILL without adoption: after pulumi cancel, up makes no duplicate and names the subscription to delete", async () => {
    const { ws, url } = await workspace("sigkill-plain", false);
    const killed = await interruptedUp(ws, "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    await createLanded(url);
    const state = await ws.exportState();
    expect(resourcesOfType(state, WEBHOOK_SUBSCRIPTION_TYPE)).toHaveLength(0);
    expect(state.deployment.pending_operations?.map((o) => o.type)).toEqual(["creating"]);

    const locked = await ws.up([], { allowFailure: true });
    expect(locked.output).toMatch(/locked/);
    await ws.run(["cancel", "--yes"]);
    const [orphan] = atCalendly(url);
    const refused = await ws.up([], { allowFailure: true });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(orphan!.uri);
    expect(atCalendly(url)).toHaveLength(1);

    // What the message and docs/deployment.md say to do: delete it, then up again.
    emulator.control.deleteSubscription(orphan!.uuid);
    await ws.up();
    expect(atCalendly(url)).toHaveLength(1);
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.id).toBe(atCalendly(url)[0]!.uuid);
    await ws.destroy();
    expect(atCalendly(url)).toHaveLength(0);
  });

  it("SIGKILL with adoptExisting and the stack's key: after pulumi cancel, up takes the subscription over", async () => {
    const { ws, url } = await workspace("sigkill-adopt", true);
    await interruptedUp(ws, "SIGKILL");
    await createLanded(url);
    const [orphan] = atCalendly(url);

    await ws.run(["cancel", "--yes"]);
    await ws.up();
    expect(atCalendly(url)).toHaveLength(1);
    const [resource] = resourcesOfType(
      await ws.exportState({ showSecrets: true }),
      WEBHOOK_SUBSCRIPTION_TYPE,
    );
    expect(resource?.id).toBe(orphan!.uuid);
    expect(JSON.stringify(resource?.outputs?.signingKey)).toContain(KEY);
    await ws.preview(["--expect-no-changes"]);
    await ws.destroy();
    expect(atCalendly(url)).toHaveLength(0);
  });
});
