/**
 * `calendly:index:WebhookSubscription` through the plugin process, method by method, against the
 * emulator: what the engine sends, what it gets back (secrets wrapped, detailed diffs, unknowns in
 * a preview), what the plugin tells the engine to print, and how many Calendly calls each step makes.
 */
import { markedUrl, UNKNOWN } from "pulumi-calendly";
import { isSecretValue, reveal, SECRET_SIGNATURE, SIGNATURE_KEY, secretValue } from "pulumi-calendly/plugin";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCalendlyClient } from "../../calendly";
import { type Emulator, startEmulator } from "../../emulator/server";
import { createOutcomeLost } from "../support/faults";
import { PluginCallError, type PluginProcess, type PropertyMap, startPlugin } from "./support/plugin";

const OWNER_TOKEN = "emu-owner-token";
const KEY = "plugin-test-signing-key-0123456789";
const RECEIVER = "https://receiver.example.com/calendly";

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  emulator = await startEmulator({ delivery: { retryInitialMs: 50, retryMaxMs: 100, retryWindowMs: 2_000 } });
  plugin = await startPlugin();
  await plugin.configure({ token: secretValue(OWNER_TOKEN), apiUrl: emulator.url });
});

afterAll(async () => {
  await plugin?.close();
  await emulator?.close();
});

afterEach(async () => {
  await emulator.control.reset();
  plugin.messages.length = 0;
});

const calls = () => emulator.control.requestCount();
const plain = (properties: PropertyMap) => reveal(properties).plain;

async function created(inputs: PropertyMap) {
  const { inputs: checked, failures } = await plugin.check(inputs);
  expect(failures).toEqual([]);
  const { id, properties } = await plugin.create(checked);
  return { id, checked, outputs: properties };
}

describe("check", () => {
  it("normalizes the inputs with the core's check and returns signingKey as a secret, even when it came plain", async () => {
    const { inputs, failures } = await plugin.check({
      url: RECEIVER,
      events: ["invitee.created", "invitee.canceled", "invitee.created"],
      scope: "user",
      signingKey: KEY,
    });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      url: RECEIVER,
      events: ["invitee.canceled", "invitee.created"],
      scope: "user",
      signingKey: secretValue(KEY),
      signingKeyGeneration: 1,
      adoptExisting: false,
    });
  });

  it("generates a key left out into the inputs, as a secret, and keeps it on the next check (the core's check.ts)", async () => {
    const program = { url: RECEIVER, events: ["invitee.created"], scope: "user" };
    const first = await plugin.check(program);
    expect(first.failures).toEqual([]);
    expect(first.inputs.signingKey).toEqual(secretValue(expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)));
    expect(first.inputs.__defaults).toEqual(["signingKey"]);
    expect(first.inputs).not.toHaveProperty("state");
    const next = await plugin.check(
      { ...program, events: ["invitee.canceled", "invitee.created"] },
      first.inputs,
    );
    expect(next.inputs.signingKey).toEqual(first.inputs.signingKey);
  });

  it("names a bad property and its fix, never a bad key's value", async () => {
    const { failures } = await plugin.check({
      url: "http://receiver.example.com/x",
      events: [],
      scope: "team",
      signingKey: secretValue("short-key"),
    });
    expect(failures.map((f) => f.property).sort()).toEqual(["events", "scope", "signingKey", "url"]);
    expect(JSON.stringify(failures)).not.toContain("short-key");
  });

  it("lets values unknown in a preview pass", async () => {
    const { inputs, failures } = await plugin.check({ url: UNKNOWN, events: [UNKNOWN], scope: "user" });
    expect(failures).toEqual([]);
    expect(inputs.url).toBe(UNKNOWN);
  });
});

describe("create", () => {
  it("in a preview calls nothing and leaves what Calendly decides unknown, the key a secret", async () => {
    const before = calls();
    const { id, properties } = await plugin.create(
      { url: RECEIVER, events: ["invitee.created"], scope: "user", adoptExisting: false },
      true,
    );
    expect(calls()).toBe(before);
    expect(id).toBe("");
    expect(properties).toMatchObject({ uri: UNKNOWN, state: UNKNOWN, organization: UNKNOWN, user: UNKNOWN });
    expect(properties.signingKey).toEqual(secretValue(UNKNOWN));
  });

  it("POSTs once, answers Calendly's subscription with a generated key wrapped as a secret", async () => {
    const { id, outputs } = await created({ url: RECEIVER, events: ["invitee.created"], scope: "user" });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(isSecretValue(outputs.signingKey)).toBe(true);
    const out = plain(outputs);
    expect(out.signingKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(out).toMatchObject({ state: "active", uri: `${emulator.url}/webhook_subscriptions/${id}` });
    expect(out.providerDefaults).toEqual(["organization", "user", "signingKey"]);
    expect(emulator.control.requestCount({ operation: "createWebhookSubscription" })).toBe(1);
    expect(emulator.control.subscriptions()).toHaveLength(1);
  });

  it("a create whose outcome stays unknown is an init error carrying the pending resource, its key secret", async () => {
    emulator.control.injectFaults(createOutcomeLost(100));
    const { inputs } = await plugin.check({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
      signingKey: KEY,
    });
    const failed = await plugin.create(inputs).catch((e: unknown) => e);
    emulator.control.clearFaults();
    expect(failed).toBeInstanceOf(PluginCallError);
    const init = (failed as PluginCallError).initFailed;
    expect(init?.id).toMatch(/^pending-\d+-[0-9a-f]{8}$/);
    expect(init?.properties.state).toBe("unknown");
    expect(init?.properties.signingKey).toEqual(secretValue(KEY));
    expect(JSON.stringify(init?.reasons)).not.toContain(KEY);
    // What it left is deleted by the pending resource's delete.
    await plugin.delete(init!.id, init!.properties);
    expect(emulator.control.subscriptions()).toEqual([]);
  }, 60_000);
});

describe("diff", () => {
  it("nothing changed: no changes, no message, no Calendly call", async () => {
    const { id, checked, outputs } = await created({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
    });
    const before = calls();
    const diff = await plugin.diff(id, outputs, checked, checked);
    expect(diff).toMatchObject({ changes: "none", replaces: [], detailedDiff: {} });
    expect(calls()).toBe(before);
    expect(plugin.messages).toEqual([]);
  });

  it("new events on the same URL: a replacement that deletes first, and a warning that says what it costs", async () => {
    const { id, checked, outputs } = await created({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
    });
    const news = (await plugin.check({ ...checked, events: ["invitee.created", "invitee.canceled"] })).inputs;
    const diff = await plugin.diff(id, outputs, news, checked);
    expect(diff).toMatchObject({
      changes: "some",
      replaces: ["events"],
      deleteBeforeReplace: true,
      detailedDiff: { events: { kind: "updateReplace", inputDiff: true } },
    });
    expect(plugin.messages).toHaveLength(1);
    expect(plugin.messages[0]).toMatchObject({
      severity: "warning",
      urn: expect.stringContaining("::bookings"),
    });
    expect(plugin.messages[0]!.message).toMatch(
      /must delete the old subscription before creating the new one/,
    );
  });

  it("new events on a marked URL: the URL changes too, so the new one comes first, and nothing to warn of", async () => {
    const url = (events: string[]) => markedUrl(RECEIVER, "bookings", { events, scope: "user" });
    const { id, checked, outputs } = await created({
      url: url(["invitee.created"]),
      events: ["invitee.created"],
      scope: "user",
    });
    const events = ["invitee.canceled", "invitee.created"];
    const news = (await plugin.check({ ...checked, url: url(events), events })).inputs;
    const diff = await plugin.diff(id, outputs, news, checked);
    expect(diff).toMatchObject({ replaces: ["url", "events"], deleteBeforeReplace: false });
    expect(plugin.messages).toEqual([]);
  });

  it("a subscription Calendly disabled (found by refresh) is replaced because of its state, and the preview says why", async () => {
    const { id, checked, outputs } = await created({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
    });
    emulator.control.disableSubscription(id);
    const refreshed = await plugin.read(id, outputs, checked);
    expect(plain(refreshed.properties).state).toBe("disabled");
    const diff = await plugin.diff(id, refreshed.properties, checked, refreshed.inputs);
    expect(diff).toMatchObject({
      replaces: ["state"],
      detailedDiff: { state: { kind: "updateReplace", inputDiff: false } },
    });
    expect(plugin.messages.map((m) => m.message).join(" ")).toMatch(/Calendly disabled this subscription/);
  });

  it("the signing key a program gives, changed, replaces the subscription", async () => {
    const { id, checked, outputs } = await created({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
      signingKey: KEY,
    });
    const news = (await plugin.check({ ...checked, signingKey: secretValue(`${KEY}-2`) })).inputs;
    expect((await plugin.diff(id, outputs, news, checked)).replaces).toEqual(["signingKey"]);
  });
});

describe("read", () => {
  it("refresh: one GET, the key kept as a secret in outputs and inputs", async () => {
    const { id, checked, outputs } = await created({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
      signingKey: KEY,
    });
    const before = calls();
    const read = await plugin.read(id, outputs, checked);
    expect(calls() - before).toBe(1);
    expect(read.id).toBe(id);
    expect(read.properties.signingKey).toEqual(secretValue(KEY));
    expect(read.inputs?.signingKey).toEqual(secretValue(KEY));
    expect((await plugin.diff(id, read.properties, checked, read.inputs)).changes).toBe("none");
  });

  it("refresh of a subscription deleted out of band: an empty id, so the engine forgets it", async () => {
    const { id, checked, outputs } = await created({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
    });
    emulator.control.deleteSubscription(id);
    expect((await plugin.read(id, outputs, checked)).id).toBe("");
  });
});

describe("import", () => {
  async function madeByHand(events = ["invitee.created"]) {
    const client = createCalendlyClient({ token: OWNER_TOKEN, baseUrl: emulator.url });
    const me = await client.getCurrentUser();
    const sub = await client.createWebhookSubscription({
      url: `${RECEIVER}?by=hand`,
      events,
      scope: "user",
      organization: me.currentOrganization,
      user: me.uri,
      signingKey: KEY,
    });
    await client.close();
    return sub;
  }

  it("reads a subscription made by hand by its UUID: explicit owners, the key recorded as unknown", async () => {
    const sub = await madeByHand();
    const id = sub.uri.split("/").at(-1)!;
    const read = await plugin.read(id);
    expect(read.id).toBe(id);
    expect(read.properties.signingKey).toEqual(secretValue(""));
    expect(plain(read.properties)).toMatchObject({
      url: `${RECEIVER}?by=hand`,
      state: "active",
      providerDefaults: [],
    });
    expect(read.inputs).toEqual({
      signingKeyGeneration: 1,
      url: `${RECEIVER}?by=hand`,
      events: ["invitee.created"],
      scope: "user",
      organization: sub.organization,
      user: sub.user,
      adoptExisting: false,
    });
    // The program `pulumi import` prints passes check as it is.
    expect((await plugin.check(read.inputs!)).failures).toEqual([]);
  });

  it("takes its URI as well, and answers the UUID as the id", async () => {
    const sub = await madeByHand();
    expect((await plugin.read(sub.uri)).id).toBe(sub.uri.split("/").at(-1));
  });

  it("the first declared key is taken in place with no Calendly call, and the preview says so", async () => {
    const sub = await madeByHand();
    const id = sub.uri.split("/").at(-1)!;
    const imported = await plugin.read(id);
    const news = (await plugin.check({ ...imported.inputs, signingKey: secretValue(KEY) })).inputs;
    const before = calls();
    const diff = await plugin.diff(id, imported.properties, news, imported.inputs);
    expect(diff).toMatchObject({
      changes: "some",
      replaces: [],
      detailedDiff: { signingKey: { kind: "add", inputDiff: true } },
    });
    expect(plugin.messages.at(-1)).toMatchObject({ severity: "warning" });
    expect(plugin.messages.at(-1)!.message).toMatch(
      /records the declared signingKey as its key, in place, without calling Calendly/,
    );
    const outs = await plugin.update(id, imported.properties, news);
    expect(calls()).toBe(before);
    expect(outs.signingKey).toEqual(secretValue(KEY));
    expect(plain(outs)).toMatchObject({ uri: sub.uri, state: "active" });
    // From then on, the key is the program's: another one would be a replacement.
    const rotated = (await plugin.check({ ...news, signingKey: secretValue(`${KEY}-2`) })).inputs;
    expect((await plugin.diff(id, outs, rotated, news)).replaces).toEqual(["signingKey"]);
  });

  it("left without a key, the diff has nothing to change but warns that deliveries cannot be verified", async () => {
    const sub = await madeByHand();
    const id = sub.uri.split("/").at(-1)!;
    const imported = await plugin.read(id);
    const diff = await plugin.diff(id, imported.properties, imported.inputs!, imported.inputs);
    expect(diff.changes).toBe("none");
    expect(plugin.messages.at(-1)).toMatchObject({ severity: "warning" });
    expect(plugin.messages.at(-1)!.message).toMatch(/signing key is unknown/);
  });

  it("an id that names nothing, or is no id at all, is an error that says which and what to give", async () => {
    const missing = await plugin.read("0f0f0f0f-0000-4000-8000-000000000000").catch((e: Error) => e);
    expect(missing).toBeInstanceOf(PluginCallError);
    expect((missing as Error).message).toMatch(
      /Calendly has no webhook subscription "0f0f0f0f-0000-4000-8000-000000000000" \(GET .* 404/,
    );
    const malformed = await plugin.read("https://api.calendly.com/users/abc").catch((e: Error) => e);
    expect((malformed as Error).message).toMatch(/is not a Calendly webhook subscription id. Give the UUID/);
  });
});

describe("a state the dynamic resource wrote, reached through an alias (the migration)", () => {
  // What the dynamic resource keeps beside Calendly's answer: its provider's serialized code.
  const DYNAMIC_CODE = "exports.handler = __f0; function __f0() { /* the dynamic provider */ }";

  async function dynamicState() {
    const { id, checked, outputs } = await created({
      url: RECEIVER,
      events: ["invitee.created"],
      scope: "user",
      signingKey: KEY,
    });
    return {
      id,
      checked,
      olds: { ...outputs, __provider: DYNAMIC_CODE },
      oldInputs: { ...checked, __provider: DYNAMIC_CODE },
    };
  }

  it("the same declaration: an update in place that drops __provider, with a warning and no Calendly call", async () => {
    const { id, checked, olds, oldInputs } = await dynamicState();
    const before = calls();
    const diff = await plugin.diff(id, olds, checked, oldInputs);
    expect(diff).toMatchObject({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
      detailedDiff: { __provider: { kind: "delete", inputDiff: false } },
    });
    expect(plugin.messages).toHaveLength(1);
    // A warning: the CLI prints no info with --diff.
    expect(plugin.messages[0]).toMatchObject({ severity: "warning" });
    expect(plugin.messages[0]!.message).toMatch(/state was written by the dynamic resource/);
    const outs = await plugin.update(id, olds, checked);
    expect(calls()).toBe(before);
    expect(outs).not.toHaveProperty("__provider");
    expect(outs.signingKey).toEqual(secretValue(KEY));
    // Once rewritten, the state is the calendly provider's own: nothing left to change or say.
    plugin.messages.length = 0;
    expect((await plugin.diff(id, outs, checked, checked)).changes).toBe("none");
    expect(plugin.messages).toEqual([]);
  });

  it("a declaration that changes what Calendly holds: the replacement alone, no word of the move", async () => {
    const { id, checked, olds, oldInputs } = await dynamicState();
    const news = (await plugin.check({ ...checked, events: ["invitee.created", "invitee.canceled"] })).inputs;
    const diff = await plugin.diff(id, olds, news, oldInputs);
    expect(diff).toMatchObject({ replaces: ["events"], deleteBeforeReplace: true });
    expect(diff.detailedDiff).not.toHaveProperty("__provider");
    expect(plugin.messages.map((m) => m.message).join(" ")).not.toMatch(/dynamic resource/);
  });
});

describe("delete", () => {
  it("one DELETE; one already gone counts as deleted", async () => {
    const { id, outputs } = await created({ url: RECEIVER, events: ["invitee.created"], scope: "user" });
    await plugin.delete(id, outputs);
    expect(emulator.control.subscriptions()).toEqual([]);
    await plugin.delete(id, outputs);
  });
});

describe("without a token", () => {
  it("a create says how to give one, per kind of provider", async () => {
    const bare = await startPlugin();
    try {
      await bare.configure({ apiUrl: emulator.url });
      const { inputs } = await bare.check({ url: RECEIVER, events: ["invitee.created"], scope: "user" });
      const failed = await bare.create(inputs).catch((e: Error) => e);
      expect((failed as Error).message).toMatch(/No Calendly token for this provider: set stack config/);
      expect(emulator.control.requestCount()).toBe(0);
    } finally {
      await bare.close();
    }
  });
});

describe("the wire format", () => {
  it("a secret is the engine's own signature object", () => {
    expect(secretValue("x")).toEqual({ [SIGNATURE_KEY]: SECRET_SIGNATURE, value: "x" });
  });
});
