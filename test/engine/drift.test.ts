/**
 * Scenario 2, drift, through the real Pulumi CLI:
 * - a subscription deleted out of band: `refresh` drops it from state, and `up` creates it again;
 * - a subscription Calendly disabled: `up --refresh` replaces it with an active one; after a
 *   `refresh`, the preview of that replacement names the field, `state`, and why (the dynamic host
 *   sends no detailed diff, so the CLI shows the inputs that changed: read records the state it
 *   found as an input, check the desired `active`), and the replacement keeps the generated key.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { describe, expect, it } from "vitest";
import { resourcesOfType, type Workspace } from "./support/pulumi";
import { engineScenario } from "./support/scenario";

const scenario = engineScenario();
const { atCalendly } = scenario;

async function deployed(stack: string): Promise<{ ws: Workspace; url: string }> {
  const url = `https://receiver.example.com/hooks?subscription=${stack}`;
  const ws = await scenario.workspace(stack, {
    subscriptions: [{ name: "bookings", url, events: ["invitee.created"] }],
  });
  await ws.up();
  return { ws, url };
}

async function inState(ws: Workspace) {
  return resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
}

describe("drift through the real engine", () => {
  it("deleted out of band: refresh drops it from state, up creates it again", async () => {
    const { ws, url } = await deployed("deleted");
    const [original] = atCalendly(url);
    scenario.emulator.control.deleteSubscription(original!.uuid);

    const refresh = await ws.refresh();
    expect(refresh.stdout).toMatch(/- +pulumi-nodejs:dynamic\/calendly:WebhookSubscription bookings deleted/);
    expect(await inState(ws)).toHaveLength(0);

    await ws.up();
    const [recreated] = atCalendly(url);
    expect(recreated).toBeDefined();
    expect(recreated!.uuid).not.toBe(original!.uuid);
    expect((await inState(ws))[0]?.id).toBe(recreated!.uuid);
    await ws.destroy();
  });

  it("disabled by Calendly: up --refresh replaces it with an active one", async () => {
    const { ws, url } = await deployed("disabled");
    const [original] = atCalendly(url);
    scenario.emulator.control.disableSubscription(original!.uuid);

    const up = await ws.up(["--refresh"]);
    expect(up.stdout).toMatch(/\+-\s+pulumi-nodejs:dynamic\/calendly:WebhookSubscription bookings replaced/);
    const subs = atCalendly(url);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ state: "active" });
    expect(subs[0]!.uuid).not.toBe(original!.uuid);
    const [resource] = await inState(ws);
    expect(resource).toMatchObject({ id: subs[0]!.uuid, outputs: { state: "active" } });

    // Nothing left to do: the next preview is clean.
    await ws.preview(["--expect-no-changes"]);
    await ws.destroy();
    expect(atCalendly(url)).toHaveLength(0);
  });

  it("disabled by Calendly: after a refresh, the preview says why it is replaced; up keeps its key", async () => {
    const { ws, url } = await deployed("disabled-reason");
    const [original] = atCalendly(url);
    const keyOf = async () =>
      ((await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>).bookings;
    const key = await keyOf();
    scenario.emulator.control.disableSubscription(original!.uuid);
    await ws.refresh();

    const preview = await ws.preview();
    expect(preview.stdout).toMatch(/bookings\s+replace\s+\[diff: ~state\]/);
    const detailed = await ws.preview(["--diff"]);
    expect(detailed.stdout).toMatch(
      /~ state\s*: "disabled by Calendly after 24 hours of failed deliveries[^"]*" => "active"/,
    );

    await ws.up();
    expect(atCalendly(url)).toMatchObject([{ state: "active" }]);
    expect(await keyOf()).toBe(key);
    await ws.destroy();
  });
});
