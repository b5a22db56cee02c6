/**
 * The CI token model (docs/deployment.md, "CI/CD with GitHub Actions"), through the real Pulumi CLI:
 * - deploy jobs (up, refresh, destroy) get the Calendly token only as CALENDLY_TOKEN in their
 *   environment; then it is nowhere in the stack's config or state, not even encrypted;
 * - the preview job, which runs pull-request code, gets no token at all: its preview of a stack
 *   holding subscriptions works, calls Calendly not once and writes nothing to the backend (so a
 *   read-only state credential is enough); an `up` there fails with the provider's actionable
 *   message, changes nothing and prints no secret;
 * - why it must be so: a token set in stack config is stored in state as the inputs of the
 *   default pulumi-nodejs provider, where whoever holds the stack's passphrase (the preview job)
 *   decrypts it, and a checkpoint the backend kept from then still holds it after it is removed.
 */
import { readFileSync } from "node:fs";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { beforeAll, describe, expect, it } from "vitest";
import { backendFiles, backendFilesHolding, searchBackend } from "./support/backend";
import { OWNER_TOKEN } from "./support/emulator";
import { resourcesOfType, type StateExport, type Workspace } from "./support/pulumi";
import { engineScenario } from "./support/scenario";

const RECEIVER = "https://receiver.example.com/calendly/webhooks";
/** The default provider of dynamic resources: Pulumi hands it the whole stack config. */
const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";
/** How a deploy job runs: the token in the environment of the Pulumi step alone. */
const DEPLOY = { env: { CALENDLY_TOKEN: OWNER_TOKEN } };

const scenario = engineScenario();

/** A stack with no token in its config: the provider finds one in `CALENDLY_TOKEN`, or none. */
function workspace(stack: string): Promise<Workspace> {
  return scenario.workspace(stack, { token: null });
}

async function declare(ws: Workspace, subscriptions: { name: string; events: string[] }[]) {
  const declared = subscriptions.map((s) => ({ ...s, url: `${RECEIVER}?subscription=${s.name}` }));
  await ws.setConfig("subscriptions", JSON.stringify(declared));
}

function dynamicProviderInputs(state: StateExport): Record<string, unknown>[] {
  return (state.deployment.resources ?? [])
    .filter((r) => r.type === DYNAMIC_PROVIDER_TYPE)
    .map((r) => r.inputs ?? {});
}

describe("the token only in the deploy job's environment", () => {
  let ws: Workspace;
  let signingKey: string;

  beforeAll(async () => {
    ws = await workspace("ci");
    await declare(ws, [{ name: "bookings", events: ["invitee.created"] }]);
  });

  it("up (deploy job) creates the subscription, and the token is in neither config nor state", async () => {
    await ws.up([], DEPLOY);
    expect(scenario.emulator.control.subscriptions()).toHaveLength(1);

    expect(readFileSync(ws.configFile, "utf8")).not.toContain("calendly:token");
    const decrypted = await ws.exportState({ showSecrets: true });
    expect(JSON.stringify(decrypted)).not.toContain(OWNER_TOKEN);
    // Every backend file, and every secret in them decrypted with the stack's passphrase.
    expect(searchBackend(ws, { token: OWNER_TOKEN }).found.token).toEqual([]);
    // The default provider's inputs are the stack config: here, without a token.
    const [inputs] = dynamicProviderInputs(decrypted);
    expect(inputs).toMatchObject({ "calendly:apiUrl": scenario.emulator.url });
    expect(inputs).not.toHaveProperty("calendly:token");

    signingKey = ((await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>).bookings!;
    expect(signingKey).toMatch(/\S{20,}/);
  });

  it("preview (pull-request job) with no token anywhere shows a replacement and a create, calls Calendly not once, writes nothing to the backend", async () => {
    expect(ws.env.CALENDLY_TOKEN).toBeUndefined();
    const get = await ws.run(["config", "get", "calendly:token"], { allowFailure: true });
    expect(get.code).not.toBe(0);

    await declare(ws, [
      { name: "bookings", events: ["invitee.canceled", "invitee.created"] },
      { name: "no-shows", events: ["invitee_no_show.created"] },
    ]);
    const backendBefore = backendFiles(ws);
    const requestsBefore = scenario.emulator.control.requestCount();

    const preview = await ws.preview(["--diff"]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/calendly:WebhookSubscription: \(replace\)/);
    expect(preview.stdout).toMatch(/\+ pulumi-nodejs:dynamic\/calendly:WebhookSubscription: \(create\)/);
    expect(preview.stdout).toMatch(/~ events\s*: \[/);
    expect(preview.stdout).toMatch(/\+ 1 to create\s+\+-1 to replace/);
    expect(preview.output).not.toContain(signingKey);

    expect(scenario.emulator.control.requestCount()).toBe(requestsBefore);
    expect(backendFiles(ws)).toEqual(backendBefore);
  });

  it("up without the token fails with the provider's actionable message, changes nothing, prints no secret", async () => {
    const before = scenario.emulator.control.subscriptions();
    const stateBefore = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);

    const up = await ws.up([], { allowFailure: true });
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/No Calendly token/);
    expect(up.output).not.toContain(signingKey);
    expect(up.output).not.toContain(OWNER_TOKEN);

    expect(scenario.emulator.control.subscriptions()).toEqual(before);
    const stateAfter = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(stateAfter.map((r) => r.id)).toEqual(stateBefore.map((r) => r.id));
  });

  it("refresh, up and destroy (deploy jobs) use CALENDLY_TOKEN from the environment", async () => {
    await ws.refresh([], DEPLOY);
    await ws.up([], DEPLOY);
    const subs = scenario.emulator.control.subscriptions();
    expect(subs.map((s) => s.events).sort()).toEqual([
      ["invitee.canceled", "invitee.created"],
      ["invitee_no_show.created"],
    ]);
    expect(JSON.stringify(await ws.exportState({ showSecrets: true }))).not.toContain(OWNER_TOKEN);

    await ws.destroy([], DEPLOY);
    expect(scenario.emulator.control.subscriptions()).toHaveLength(0);
    expect(resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE)).toHaveLength(0);
    expect(searchBackend(ws, { token: OWNER_TOKEN }).found.token).toEqual([]);
  });
});

describe("why the token must stay out of stack config", () => {
  it("a token in config is stored in state, which the stack's passphrase decrypts, and old checkpoints keep it", async () => {
    const ws = await workspace("config-token");
    await declare(ws, [{ name: "team", events: ["invitee.created"] }]);
    await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
    await ws.up();

    // Encrypted at rest, but the passphrase alone (all a preview needs) decrypts it: the search
    // the other scenarios rely on (searchBackend) finds it, inside a secret of the checkpoint.
    expect(backendFilesHolding(ws, OWNER_TOKEN)).toEqual([]);
    expect(searchBackend(ws, { token: OWNER_TOKEN }).found.token).toContainEqual({
      file: ".pulumi/stacks/engine-subscriptions/config-token.json",
      as: "secret",
    });
    const [inputs] = dynamicProviderInputs(await ws.exportState({ showSecrets: true }));
    expect(inputs?.["calendly:token"]).toMatchObject({ plaintext: JSON.stringify(OWNER_TOKEN) });

    // Moving it to the environment clears the current state at the next up...
    await ws.run(["config", "rm", "calendly:token"]);
    await ws.up([], DEPLOY);
    const [after] = dynamicProviderInputs(await ws.exportState({ showSecrets: true }));
    expect(after).not.toHaveProperty("calendly:token");
    // ...but the checkpoints the backend kept from before still hold it, encrypted: rotate it.
    const kept = backendFilesHolding(ws, '"calendly:token"');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((file) => /history|backups/.test(file))).toBe(true);
    const keptToken = searchBackend(ws, { token: OWNER_TOKEN }).found.token!;
    expect(keptToken.length).toBeGreaterThan(0);
    expect(keptToken.every(({ file }) => /history|backups/.test(file))).toBe(true);

    await ws.destroy([], DEPLOY);
  });
});
