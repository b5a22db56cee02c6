/**
 * Scenario 3, interrupted creates, through the real Pulumi CLI. The create's POST is slowed down
 * (3 s) so that the CLI is interrupted while it is in flight:
 * - SIGINT (Ctrl-C): Pulumi waits for the step in flight, records it, and the next `up` has nothing
 *   to do;
 * - SIGKILL: the create lands at Calendly but not in state, which keeps a pending CREATE and the
 *   backend's lock. After `pulumi cancel`, the next `up` never makes a duplicate: without adoption it
 *   stops at Calendly's 409 naming the subscription; with `adoptExisting` and the stack's own key
 *   (as infra/ declares them) it takes the subscription over and converges. A killed CLI cannot
 *   stop its plugins: the dynamic-provider host (`pulumi-resource-pulumi-nodejs` and its `node`)
 *   keeps running, orphaned, so the scenario reaps it once the create it was making has landed.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { describe, expect, it } from "vitest";
import { type RunResult, resourcesOfType, type Workspace } from "./support/pulumi";
import { engineScenario } from "./support/scenario";

const KEY = "interrupts-explicit-signing-key-0123";

const scenario = engineScenario();
const { atCalendly } = scenario;

async function workspace(stack: string, adoptExisting: boolean): Promise<{ ws: Workspace; url: string }> {
  const url = `https://receiver.example.com/hooks?subscription=${stack}`;
  const ws = await scenario.workspace(stack, {
    subscriptions: [{ name: "bookings", url, events: ["invitee.created"], explicitKey: true, adoptExisting }],
    signingKeys: { bookings: KEY },
  });
  return { ws, url };
}

/** `pulumi up` with the CLI sent `signal` once the subscription's create is in flight. */
function interruptedUp(ws: Workspace, signal: NodeJS.Signals): Promise<RunResult> {
  scenario.emulator.control.injectFaults({
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

/**
 * Lets the slowed POST that the killed CLI left behind land at Calendly, then ends the
 * dynamic-provider host that made it, which the kill left running.
 */
async function createLanded(ws: Workspace, url: string) {
  for (let i = 0; i < 100 && atCalendly(url).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(atCalendly(url)).toHaveLength(1);
  const orphans = ws.leftovers();
  expect(orphans.map((p) => p.command).join("\n")).toMatch(/dynamic-provider/);
  ws.reap();
  for (let i = 0; i < 50 && ws.leftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(ws.leftovers()).toEqual([]);
}

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
    await createLanded(ws, url);
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
    scenario.emulator.control.deleteSubscription(orphan!.uuid);
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
    await createLanded(ws, url);
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
