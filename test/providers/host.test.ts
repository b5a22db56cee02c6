/**
 * The provider as Pulumi really runs it: `__provider` produced by Pulumi's serializer from
 * `new WebhookSubscription(...)` (tools/pulumi-host/serialize.ts), loaded by Pulumi's own
 * dynamic-provider host, driven over gRPC with the engine's sequence of calls, against the emulator.
 */
import { UNKNOWN, WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, verifySignature } from "../../calendly";
import { type Emulator, startEmulator } from "../../emulator/server";
import {
  CheckFailedError,
  createEngine,
  type Engine,
  type ResourceState,
  UpFailedError,
} from "../../tools/pulumi-host/engine";
import { type DynamicProviderHost, startDynamicProviderHost } from "../../tools/pulumi-host/host";
import { PROJECT_ROOT, serializeWebhookSubscriptionProvider } from "../../tools/pulumi-host/serialize";
import { createStatefulEngine } from "../../tools/pulumi-host/state";
import { createOutcomeLost } from "../support/faults";
import { type Receiver, startReceiver } from "../support/receiver";
import { DUPLICATE_URL_RULE } from "./duplicate-url-rule";

const OWNER_TOKEN = "emu-owner-token";
const PULUMI_CONFIG_TOKEN = "pulumi-config-token-MUST-NOT-LEAK";
const ENV_TOKEN = "env-token-MUST-NOT-LEAK";

let emulator: Emulator;
let receiver: Receiver;
let host: DynamicProviderHost;
let engine: Engine;
let provider: string;
let additionalSecretOutputs: string[];

beforeAll(async () => {
  // Serialize in a process that has a token both in stack config and in the environment: neither
  // may end up in __provider.
  const serialized = await serializeWebhookSubscriptionProvider({
    CALENDLY_TOKEN: ENV_TOKEN,
    PULUMI_CONFIG: JSON.stringify({ "calendly:token": PULUMI_CONFIG_TOKEN }),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["calendly:token"]),
  });
  provider = serialized.provider;
  additionalSecretOutputs = serialized.additionalSecretOutputs;
  emulator = await startEmulator({
    delivery: { retryInitialMs: 50, retryMaxMs: 100, retryWindowMs: 2_000 },
    duplicateUrlRule: DUPLICATE_URL_RULE,
  });
  receiver = await startReceiver();
  const env = { ...process.env };
  delete env.CALENDLY_TOKEN;
  delete env.CALENDLY_API_URL;
  host = await startDynamicProviderHost({
    cwd: PROJECT_ROOT,
    env,
    type: WEBHOOK_SUBSCRIPTION_TYPE,
  });
  await host.configure({
    "calendly:token": OWNER_TOKEN,
    "calendly:apiUrl": emulator.url,
    "aws:region": "eu-west-1",
  });
  engine = createEngine(host, provider);
}, 60_000);

afterAll(async () => {
  await host?.close();
  await receiver?.close();
  await emulator?.close();
});

afterEach(async () => {
  // Each test cleans up after itself; anything left would be an orphan. Reset first, so that one
  // failing test does not fail the next ones too.
  const leftovers = emulator.control.subscriptions();
  await emulator.control.reset();
  receiver.received.length = 0;
  expect(leftovers).toEqual([]);
});

function inputs(path: string, extra: Record<string, unknown> = {}) {
  return { url: `${receiver.url}/${path}`, events: ["invitee.created"], scope: "user", ...extra };
}

/** The emulator must hold exactly the subscription the state describes, with the key the state holds. */
async function expectEmulatorMatches(state: ResourceState) {
  const subs = emulator.control.subscriptions();
  expect(subs.map((s) => s.uuid)).toEqual([state.id]);
  expect(subs[0]!.uri).toBe(state.outputs.uri);
  // Prove the key: make Calendly deliver, and verify the signature with the key from state.
  const before = receiver.received.length;
  emulator.control.fireEvent({
    event: "invitee.created",
    organization: subs[0]!.organization,
    user: subs[0]!.user ?? undefined,
  });
  await emulator.control.waitForDeliveries({ timeoutMs: 5_000 });
  const delivered = receiver.received.slice(before);
  expect(delivered).toHaveLength(1);
  const check = verifySignature({
    header: delivered[0]!.headers[SIGNATURE_HEADER.toLowerCase()] as string,
    body: delivered[0]!.raw,
    keys: [state.outputs.signingKey as string],
  });
  expect(check.ok).toBe(true);
}

describe("the serialized provider", () => {
  it("has the dynamic type token, lists signingKey as an additional secret output, and carries no token or path", () => {
    expect(additionalSecretOutputs).toContain("signingKey");
    expect(provider).not.toContain(PULUMI_CONFIG_TOKEN);
    expect(provider).not.toContain(ENV_TOKEN);
    expect(provider).not.toContain(PROJECT_ROOT);
    expect(provider).toMatch(/^exports\.handler = /);
  });

  it("is the shim: no provider code, only a require of the installed package (shim.test.ts pins it)", () => {
    expect(provider).toContain('require("pulumi-calendly/provider")');
    expect(provider).not.toContain("createWebhookSubscription");
    expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(4096);
  });
});

describe("lifecycle through Pulumi's host", () => {
  it("create, refresh without drift, change events (replace, delete first), delete", async () => {
    const created = await engine.up(
      undefined,
      inputs("a", { events: ["invitee.created", "invitee.canceled"] }),
    );
    expect(created.operation).toBe("create");
    const state = created.state;
    expect(state.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.outputs).toMatchObject({
      url: `${receiver.url}/a`,
      callbackUrl: `${receiver.url}/a`,
      events: ["invitee.canceled", "invitee.created"],
      scope: "user",
      state: "active",
      retryStartedAt: null,
      group: null,
      adoptExisting: false,
      providerDefaults: ["organization", "user", "signingKey"],
    });
    expect((state.outputs.signingKey as string).length).toBeGreaterThanOrEqual(43);
    await expectEmulatorMatches(state);

    // Refresh: no drift, and the next preview is clean (same inputs, any order).
    const refreshed = await engine.refresh(state);
    expect(refreshed).toBeDefined();
    expect(refreshed!.outputs.signingKey).toBe(state.outputs.signingKey);
    // The generated key is in the inputs (the engine stores it encrypted), held by the provider.
    expect(refreshed!.inputs).toMatchObject({
      signingKey: state.outputs.signingKey,
      __defaults: ["signingKey"],
    });
    const preview = await engine.preview(
      refreshed!,
      inputs("a", { events: ["invitee.canceled", "invitee.created"] }),
    );
    expect(preview.operation).toBe("same");

    // Change events: a replacement that deletes first.
    const requestsBefore = emulator.control.requests().length;
    const replaced = await engine.up(refreshed!, inputs("a", { events: ["invitee.created"] }));
    expect(replaced.operation).toBe("replace");
    expect(replaced.diff).toMatchObject({ replaces: ["events"], deleteBeforeReplace: true });
    const ops = emulator.control
      .requests()
      .slice(requestsBefore)
      .map((r) => r.operation);
    expect(ops).toEqual(["deleteWebhookSubscription", "createWebhookSubscription"]);
    expect(replaced.state.id).not.toBe(state.id);
    // A replacement for any reason but a raised signingKeyGeneration keeps the generated key.
    expect(replaced.state.outputs.signingKey).toBe(state.outputs.signingKey);
    await expectEmulatorMatches(replaced.state);

    await engine.destroy(replaced.state);
    expect(emulator.control.subscriptions()).toEqual([]);
  });

  it("toggling adoptExisting is an update that keeps every output and calls Calendly not at all", async () => {
    const signingKey = "a-known-signing-key-0123456789";
    const { state } = await engine.up(undefined, inputs("b", { signingKey }));
    const before = emulator.control.requests().length;
    const updated = await engine.up(state, inputs("b", { signingKey, adoptExisting: true }));
    expect(updated.operation).toBe("update");
    expect(emulator.control.requests().length).toBe(before);
    expect(updated.state.outputs).toEqual({ ...state.outputs, adoptExisting: true });
    await engine.destroy(updated.state);
  });

  // Drift (an out-of-band delete, a subscription Calendly disabled) is proven through the real
  // Pulumi CLI: test/engine/drift.test.ts, and the model against it in differential.test.ts.
});

describe("409 Already Exists", () => {
  const KEY = "a-known-signing-key-0123456789";

  it("without adoptExisting fails naming the existing subscription and the two ways out", async () => {
    const first = await engine.up(undefined, inputs("e", { signingKey: KEY }));
    const error = await engine.up(undefined, inputs("e")).catch((e) => e);
    expect(error.message).toContain(String(first.state.outputs.uri));
    expect(error.message).toMatch(/delete that subscription/);
    expect(error.message).toMatch(/adoptExisting: true/);
    expect(emulator.control.subscriptions()).toHaveLength(1);
    await engine.destroy(first.state);
  });

  it("adoption is refused without signingKey, and with events that differ", async () => {
    const first = await engine.up(undefined, inputs("f", { signingKey: KEY }));
    const noKey = await engine.up(undefined, inputs("f", { adoptExisting: true })).catch((e) => e);
    expect(noKey.message).toMatch(/adoptExisting needs signingKey/);
    const otherEvents = await engine
      .up(undefined, inputs("f", { adoptExisting: true, signingKey: KEY, events: ["invitee.canceled"] }))
      .catch((e) => e);
    expect(otherEvents.message).toMatch(/cannot change a subscription's events/);
    expect(emulator.control.subscriptions()).toHaveLength(1);
    await engine.destroy(first.state);
  });

  it("adopts the existing subscription with adoptExisting and its signingKey", async () => {
    const first = await engine.up(undefined, inputs("g", { signingKey: KEY }));
    const adopted = await engine.up(undefined, inputs("g", { adoptExisting: true, signingKey: KEY }));
    expect(adopted.state.id).toBe(first.state.id);
    expect(adopted.state.outputs.adoptExisting).toBe(true);
    expect(adopted.state.outputs.providerDefaults).toEqual(["organization", "user"]);
    await expectEmulatorMatches(adopted.state);
    await engine.destroy(adopted.state);
  });
});

describe("faults during create and delete: never a duplicate, an orphan or a lost subscription", () => {
  it("429 with X-RateLimit-Reset on create: waits, then creates exactly one", async () => {
    emulator.control.injectFaults({
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "status", status: 429, resetSeconds: 1 },
    });
    const started = Date.now();
    const { state } = await engine.up(undefined, inputs("h"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(emulator.control.requestCount({ operation: "createWebhookSubscription" })).toBe(2);
    await expectEmulatorMatches(state);
    await engine.destroy(state);
  });

  it("503 twice on create and on delete: retried, one subscription, then none", async () => {
    emulator.control.injectFaults([
      {
        match: { method: "POST", path: "/webhook_subscriptions" },
        fault: { kind: "status", status: 503 },
        times: 2,
      },
      {
        match: { method: "DELETE", path: "/webhook_subscriptions/*" },
        fault: { kind: "status", status: 503 },
        times: 2,
      },
    ]);
    const { state } = await engine.up(undefined, inputs("i"));
    await expectEmulatorMatches(state);
    await engine.destroy(state);
    expect(emulator.control.requestCount({ operation: "deleteWebhookSubscription" })).toBe(3);
  });

  it("apply-then-drop on create: the subscription that landed is adopted as ours, with our key", async () => {
    emulator.control.injectFaults({
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "apply_then_drop" },
    });
    const { state } = await engine.up(undefined, inputs("j"));
    expect(emulator.control.requestCount({ operation: "createWebhookSubscription" })).toBe(2);
    await expectEmulatorMatches(state);
    await engine.destroy(state);
  });

  it("apply-then-drop on delete: the retry's 404 counts as deleted", async () => {
    const { state } = await engine.up(undefined, inputs("k"));
    emulator.control.injectFaults({
      match: { method: "DELETE", path: "/webhook_subscriptions/*" },
      fault: { kind: "apply_then_drop" },
    });
    await engine.destroy(state);
    expect(
      emulator.control.requests({ operation: "deleteWebhookSubscription" }).map((r) => r.status),
    ).toEqual([204, 404]);
  });

  it("a create whose outcome stays unknown is recorded as pending, and the next up converges to one subscription", async () => {
    // One create lands unseen; the retry's 409 then needs a look that Calendly refuses six times.
    emulator.control.injectFaults(createOutcomeLost(6));
    const failed = await engine.up(undefined, inputs("pending")).catch((e) => e);
    expect(failed).toBeInstanceOf(UpFailedError);
    const pending = (failed as UpFailedError).state!;
    expect(pending.id).toMatch(/^pending-/);
    expect(pending.outputs.state).toBe("unknown");
    emulator.control.clearFaults();
    // `pulumi up` again: a replacement whose delete removes the leftover, then a clean create.
    const up = await engine.up(pending, inputs("pending"));
    expect(up).toMatchObject({
      operation: "replace",
      diff: { replaces: ["state"], deleteBeforeReplace: true },
    });
    await expectEmulatorMatches(up.state);
    await engine.destroy(up.state);
  });

  it("a create-first replacement whose old delete fails keeps the old one as a pending delete, and the next up deletes it", async () => {
    // A new URL (as markedUrl gives the stack's), so the new subscription is created first.
    const stack = createStatefulEngine(engine);
    await stack.up(inputs("first?v=1"));
    const old = stack.state.live!;
    emulator.control.injectFaults({
      match: { method: "DELETE", path: "/webhook_subscriptions/*" },
      fault: { kind: "status", status: 500 },
      times: 6,
    });
    const failed = await stack.up(inputs("first?v=2")).catch((e) => e);
    expect(failed).toBeInstanceOf(UpFailedError);
    expect((failed as UpFailedError).pendingDeletes.map((r) => r.id)).toEqual([old.id]);
    // Both exist at Calendly, and the state knows both (Pulumi's `delete: true`).
    expect(emulator.control.subscriptions().map((s) => s.uuid)).toEqual([old.id, stack.state.live!.id]);
    expect(stack.state.pendingDeletes.map((r) => r.id)).toEqual([old.id]);
    await stack.refresh();
    expect(stack.state.pendingDeletes.map((r) => r.id)).toEqual([old.id]);

    const next = await stack.up(inputs("first?v=2"));
    expect(next.operation).toBe("same");
    expect(stack.state.pendingDeletes).toEqual([]);
    await expectEmulatorMatches(stack.state.live!);
    await stack.destroy();
  });

  it("connection reset before a create is applied: retried safely", async () => {
    emulator.control.injectFaults({
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "reset" },
    });
    const { state } = await engine.up(undefined, inputs("l"));
    await expectEmulatorMatches(state);
    await engine.destroy(state);
  });
});

describe("preview and validation through the host", () => {
  it("a url still unknown during preview passes check, and shows the replacement it may cause", async () => {
    const { state } = await engine.up(undefined, inputs("m"));
    const before = emulator.control.requests().length;
    expect(await engine.preview(undefined, { ...inputs("m"), url: UNKNOWN })).toEqual({
      operation: "create",
    });
    const preview = await engine.preview(state, { ...inputs("m"), url: UNKNOWN });
    expect(preview).toMatchObject({ operation: "replace", diff: { replaces: ["url"] } });
    // Preview calls Calendly not at all.
    expect(emulator.control.requests().length).toBe(before);
    await engine.destroy(state);
  });

  it.each([
    ["url", { url: "http://hooks.example.com/x" }],
    ["events", { events: ["invitee.cancelled"] }],
    ["events", { events: [] }],
    ["events", { events: ["routing_form_submission.created"] }],
    ["scope", { scope: "everyone" }],
    ["group", { scope: "group" }],
    ["signingKey", { signingKey: "short" }],
  ])("check fails on %s with the property named", async (property, change) => {
    const error = await engine.up(undefined, { ...inputs("n"), ...change }).catch((e) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures.map((f) => f.property)).toContain(property);
    expect(emulator.control.requests()).toEqual([]);
  });

  it("Calendly's 403 for organization scope with a member token is explained", async () => {
    const memberHost = await startDynamicProviderHost({ cwd: PROJECT_ROOT });
    try {
      await memberHost.configure({ "calendly:token": "emu-member-token", "calendly:apiUrl": emulator.url });
      const error = await createEngine(memberHost, provider)
        .up(undefined, inputs("o", { scope: "organization" }))
        .catch((e) => e);
      expect(error.message).toMatch(/Organization scope needs a token of an organization owner or admin/);
    } finally {
      await memberHost.close();
    }
  });
});

describe("secrets", () => {
  it("no token in any input, output or log line of the host", async () => {
    const { state } = await engine.up(undefined, inputs("p"));
    const refreshed = await engine.refresh(state);
    await engine.destroy(refreshed!);
    const everything = JSON.stringify([
      state,
      refreshed,
      host.stderr,
      host.stdout,
      emulator.control.requests(),
    ]);
    for (const token of [OWNER_TOKEN, PULUMI_CONFIG_TOKEN, ENV_TOKEN])
      expect(everything).not.toContain(token);
  });
});
