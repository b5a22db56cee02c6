/**
 * Scenario 3, failures, through the real Pulumi CLI:
 * - a create whose outcome cannot be learnt (the POST is applied and its answer dropped, then
 *   every lookup fails), then Calendly is healthy again: `refresh`, the next `up` and `destroy`
 *   all succeed, and Calendly ends with exactly one subscription, then none;
 * - an `up` interrupted during a create (SIGINT, and SIGKILL of the CLI) is in interrupts.test.ts.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { describe, expect, it } from "vitest";
import { createOutcomeLost } from "../support/faults";
import { resourcesOfType } from "./support/pulumi";
import { engineScenario } from "./support/scenario";

const scenario = engineScenario();
const { atCalendly } = scenario;

describe("a create whose outcome cannot be learnt", () => {
  it("leaves state that refresh, up and destroy converge from", async () => {
    const url = "https://receiver.example.com/hooks?subscription=unknown-outcome";
    const ws = await scenario.workspace("unknown-outcome", {
      subscriptions: [{ name: "bookings", url, events: ["invitee.created"] }],
    });
    scenario.emulator.control.injectFaults(createOutcomeLost(100));
    const failed = await ws.up([], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    expect(atCalendly(url)).toHaveLength(1);
    const [pending] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(pending?.id).toMatch(/^pending-/);
    expect(pending?.outputs?.state).toBe("unknown");

    scenario.emulator.control.clearFaults();
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
