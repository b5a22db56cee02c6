/**
 * Scenario 3, failures, through the real Pulumi CLI:
 * - a create whose outcome cannot be learnt (the POST is applied and its answer dropped, then
 *   every lookup fails), then Calendly is healthy again: `refresh`, the next `up` and `destroy`
 *   all succeed, and Calendly ends with exactly one subscription, then none. The failed create's
 *   properties (provider/pending.ts) hold the signing key the provider generated: the engine stores
 *   it encrypted (the resource's `additionalSecretOutputs`, applied to a failed create's outputs
 *   too), and no backend file, checkpoint history included, nor the CLI's output holds it in plain
 *   text, after the failed `up` and after everything;
 * - an `up` interrupted during a create (SIGINT, and SIGKILL of the CLI) is in interrupts.test.ts.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { describe, expect, it } from "vitest";
import { createOutcomeLost } from "../support/faults";
import { backendFilesHolding } from "./support/backend";
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

    // The key the provider generated for the pending create: no backend file holds it in plain
    // text, and the state holds it encrypted. (`stack export --show-secrets` keeps a secret's
    // envelope, with the value as JSON in `plaintext`.)
    const [revealed] = resourcesOfType(
      await ws.exportState({ showSecrets: true }),
      WEBHOOK_SUBSCRIPTION_TYPE,
    );
    const stored = revealed?.outputs?.signingKey as string | { plaintext: string } | undefined;
    const key = typeof stored === "object" ? (JSON.parse(stored.plaintext) as string) : String(stored);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const printed = [failed];
    const plainText = () => [
      ...backendFilesHolding(ws, key),
      ...printed.filter((run) => run.output.includes(key)).map((_, i) => `the output of command ${i + 1}`),
    ];
    expect(plainText()).toEqual([]);
    expect(pending?.outputs?.signingKey).toHaveProperty("ciphertext");

    scenario.emulator.control.clearFaults();
    printed.push(await ws.refresh());
    printed.push(await ws.up());
    const subs = atCalendly(url);
    expect(subs).toHaveLength(1);
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.id).toBe(subs[0]!.uuid);
    expect(resource?.outputs?.state).toBe("active");

    printed.push(await ws.destroy());
    expect(atCalendly(url)).toHaveLength(0);
    expect(resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE)).toHaveLength(0);
    // Every checkpoint the backend kept on the way (history, backups) is searched too.
    expect(plainText()).toEqual([]);
  });
});
