/**
 * The native provider from YAML, the language with no SDK at all, through the real CLI and the
 * YAML language host (`npm run pulumi:install` builds both) against the emulator. The program
 * declares `type: calendly:WebhookSubscription` and marks its URL with the schema's
 * `calendly:index:markedUrl` function; the plugin is `node_modules/.bin/pulumi-resource-calendly`,
 * found on PATH, or through Pulumi.yaml's `plugins: providers`.
 *
 * One stack, in order: up; a clean `preview --expect-no-changes` with no Calendly call; an events
 * change that previews as a replacement and, applied while events fire every 50 ms, loses none;
 * refresh after an out-of-band delete; destroy.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fireDuring } from "./support/firing";
import {
  type NativeProgram,
  nativePrograms,
  nativeSubscriptions,
  PLUGIN_DIR,
  PROJECT_PLUGIN,
  pathWithoutPlugin,
  yamlProgram,
} from "./support/native";
import { findPulumiCli, REPO_ROOT } from "./support/pulumi";
import { type EngineReceiver, startEngineReceiver } from "./support/receiver";
import { engineScenario } from "./support/scenario";

const KEY = "native-yaml-signing-key-0123456789";
const CALENDLY_LATENCY_MS = 200;

const scenario = engineScenario();
const program = nativePrograms(scenario);
let receiver: EngineReceiver;

beforeAll(async () => {
  receiver = await startEngineReceiver([KEY]);
});

afterAll(async () => {
  await receiver?.close();
});

/** A YAML program with one subscription, its URL marked by the schema's markedUrl function. */
function bookings(events: string[], extra: Record<string, unknown> = {}): string {
  return yamlProgram("native-yaml", {
    config: { signingKey: { type: "string", secret: true } },
    variables: {
      events,
      url: {
        "fn::invoke": {
          function: "calendly:index:markedUrl",
          arguments: { url: receiver.url, name: "bookings", events: "${events}", scope: "user" },
          return: "url",
        },
      },
    },
    resources: {
      bookings: {
        type: "calendly:WebhookSubscription",
        properties: { url: "${url}", events: "${events}", scope: "user", signingKey: "${signingKey}" },
      },
    },
    outputs: { uri: "${bookings.uri}", state: "${bookings.state}", callbackUrl: "${bookings.callbackUrl}" },
    ...extra,
  });
}

const calendlyCalls = () => scenario.emulator.control.requestCount();
const subscriptionsAtCalendly = () => scenario.emulator.control.subscriptions();

describe("a YAML program through the plugin on PATH", () => {
  let stack: NativeProgram;

  it("up creates the subscription, stored with no __provider", async () => {
    stack = await program("yaml", bookings(["invitee.created"]));
    await stack.ws.setConfig("signingKey", KEY, { secret: true });
    await stack.ws.up();
    const [sub] = subscriptionsAtCalendly();
    expect(sub).toMatchObject({ state: "active", events: ["invitee.created"] });
    const outputs = await stack.ws.outputs();
    expect(outputs.uri).toBe(sub!.uri);
    expect(String(outputs.callbackUrl)).toMatch(/\?subscription=bookings&v=[0-9a-f]{8}$/);
    const text = stack.ws.stateFileText();
    expect(text).not.toContain("__provider");
    expect(nativeSubscriptions(await stack.ws.exportState())).toHaveLength(1);
  });

  it("a preview of the unchanged program is clean and calls Calendly not once", async () => {
    const before = calendlyCalls();
    const preview = await stack.ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
    expect(calendlyCalls()).toBe(before);
  });

  it("an events change previews as a replacement, and the up, while events fire, loses none", async () => {
    stack.write(bookings(["invitee.canceled", "invitee.created"]));
    const preview = await stack.ws.preview();
    expect(preview.stdout).toMatch(/\+-\s+calendly:index:WebhookSubscription\s+bookings\s+replace/);
    expect(preview.stdout).not.toMatch(/deletes the old subscription before/);

    scenario.emulator.control.injectFaults({ fault: { kind: "latency", ms: CALENDLY_LATENCY_MS }, times: 1_000_000 });
    const since = scenario.emulator.control.requests().at(-1)?.seq ?? 0;
    const figures = await fireDuring(scenario.emulator, receiver, () => stack.ws.up());
    scenario.emulator.control.clearFaults();
    console.log(`native-yaml no-gap ${JSON.stringify(figures)}`);
    const steps = scenario.emulator.control
      .requests()
      .filter((r) => r.seq > since && /Subscription$/.test(r.operation) && r.operation !== "getWebhookSubscription");
    expect(steps.map((r) => r.operation)).toEqual(["createWebhookSubscription", "deleteWebhookSubscription"]);
    expect(figures.fired).toBeGreaterThan(20);
    expect(figures.lost).toBe(0);
    expect(figures.deliveriesMissing).toBe(0);
    expect(figures.duplicatesWithDifferentIds).toBe(0);
    expect(subscriptionsAtCalendly().map((s) => s.events)).toEqual([["invitee.canceled", "invitee.created"]]);
  });

  it("refresh after an out-of-band delete drops it from state; the next up creates it again", async () => {
    const [sub] = subscriptionsAtCalendly();
    scenario.emulator.control.deleteSubscription(sub!.uuid);
    const refresh = await stack.ws.refresh();
    expect(refresh.stdout).toMatch(/-\s+calendly:index:WebhookSubscription\s+bookings\s+deleted/);
    expect(nativeSubscriptions(await stack.ws.exportState())).toHaveLength(0);
    const preview = await stack.ws.preview();
    expect(preview.stdout).toMatch(/\+\s+calendly:index:WebhookSubscription\s+bookings\s+create/);
    await stack.ws.up();
    expect(subscriptionsAtCalendly()).toHaveLength(1);
  });

  it("destroy deletes it at Calendly and leaves an empty stack", async () => {
    await stack.ws.destroy();
    expect(subscriptionsAtCalendly()).toEqual([]);
    expect(nativeSubscriptions(await stack.ws.exportState())).toHaveLength(0);
  });
});

describe("the plugin found through Pulumi.yaml's plugins: providers", () => {
  it("runs up and destroy with the plugin nowhere on PATH, and without the CLI's PATH warning", async () => {
    const stack = await program("yaml-project-plugin", bookings(["invitee.created"], { plugins: PROJECT_PLUGIN }), {
      plugin: "project",
    });
    await stack.ws.setConfig("signingKey", KEY, { secret: true });
    const up = await stack.ws.up();
    expect(up.output).not.toMatch(/using pulumi-resource-calendly from \$PATH/);
    expect(subscriptionsAtCalendly()).toHaveLength(1);
    await stack.ws.destroy();
    expect(subscriptionsAtCalendly()).toEqual([]);
  });

  it("pulumi package get-schema prints the package's schema.json", () => {
    const cli = findPulumiCli();
    const run = spawnSync(join(cli.binDir, "pulumi"), ["package", "get-schema", join(PLUGIN_DIR, "pulumi-resource-calendly")], {
      encoding: "utf8",
      env: { ...process.env, PATH: pathWithoutPlugin(), PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    expect(run.status, run.stderr).toBe(0);
    const schema = readFileSync(join(REPO_ROOT, "packages/pulumi-calendly/schema.json"), "utf8");
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(schema));
  });
});
