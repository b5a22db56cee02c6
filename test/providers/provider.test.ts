/**
 * The provider's methods called in-process against the emulator: the edges that are easier to
 * reach without the host (it runs the same code; host.test.ts proves that).
 */

import {
  checkSubscription,
  MISSING_TOKEN_MESSAGE,
  WebhookSubscriptionProvider,
} from "pulumi-calendly/provider";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../calendly";
import { type Emulator, startEmulator } from "../../emulator/server";
import { DUPLICATE_URL_RULE } from "./duplicate-url-rule";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ duplicateUrlRule: DUPLICATE_URL_RULE });
});

afterAll(async () => {
  await emulator.close();
});

afterEach(async () => {
  await emulator.control.reset();
});

async function providerFor(token: string | undefined): Promise<WebhookSubscriptionProvider> {
  const provider = new WebhookSubscriptionProvider({
    sleep: async () => {},
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  const values: Record<string, string | undefined> = {
    "calendly:token": token,
    "calendly:apiUrl": emulator.url,
  };
  // The host hands configure a Config whose get() reads the stack's configuration.
  await provider.configure({ config: { get: (key: string) => values[key] } } as never);
  return provider;
}

const base = { events: ["invitee.created"], scope: "user", adoptExisting: false };

describe("create", () => {
  it("asks /users/me once per provider process, however many subscriptions it creates", async () => {
    const provider = await providerFor("emu-owner-token");
    const a = await provider.create({ ...base, url: "https://hooks.example.com/a" });
    const b = await provider.create({ ...base, url: "https://hooks.example.com/b" });
    expect(emulator.control.requestCount({ operation: "getCurrentUser" })).toBe(1);
    expect(emulator.control.requestCount({ operation: "createWebhookSubscription" })).toBe(2);
    const me = emulator.control.seed().users.find((u) => u.slug === "olivia-owner")!;
    expect(a.outs).toMatchObject({ organization: me.current_organization, user: me.uri });
    expect(a.outs.signingKey).not.toBe(b.outs.signingKey);
    expect(a.outs.signingKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Plain JSON: nothing undefined anywhere.
    expect(JSON.parse(JSON.stringify(a.outs))).toEqual(a.outs);
  });

  it("explicit owners need no /users/me call (one call per create)", async () => {
    const provider = await providerFor("emu-owner-token");
    const org = emulator.control.seed().organizations[0]!.uri;
    await provider.create({
      ...base,
      scope: "organization",
      organization: org,
      url: "https://hooks.example.com/o",
    });
    expect(emulator.control.requests().map((r) => r.operation)).toEqual(["createWebhookSubscription"]);
  });

  it("without a token, says how to set one", async () => {
    const saved = process.env.CALENDLY_TOKEN;
    delete process.env.CALENDLY_TOKEN;
    try {
      const provider = await providerFor(undefined);
      await expect(provider.create({ ...base, url: "https://hooks.example.com/x" })).rejects.toThrow(
        MISSING_TOKEN_MESSAGE,
      );
    } finally {
      if (saved !== undefined) process.env.CALENDLY_TOKEN = saved;
    }
  });

  it("an explicit CALENDLY_TOKEN wins over the token in stack config (rotation, CI)", async () => {
    const saved = process.env.CALENDLY_TOKEN;
    process.env.CALENDLY_TOKEN = "emu-admin-token";
    try {
      const provider = await providerFor("emu-expired-token");
      const created = await provider.create({ ...base, url: "https://hooks.example.com/env-wins" });
      const admin = emulator.control.seed().users.find((u) => u.slug === "adam-admin")!;
      expect(created.outs.user).toBe(admin.uri);
    } finally {
      if (saved === undefined) delete process.env.CALENDLY_TOKEN;
      else process.env.CALENDLY_TOKEN = saved;
    }
  });

  it("falls back to CALENDLY_TOKEN when the stack config has none", async () => {
    const saved = process.env.CALENDLY_TOKEN;
    process.env.CALENDLY_TOKEN = "emu-admin-token";
    try {
      const provider = await providerFor(undefined);
      const created = await provider.create({ ...base, url: "https://hooks.example.com/env" });
      const admin = emulator.control.seed().users.find((u) => u.slug === "adam-admin")!;
      expect(created.outs.user).toBe(admin.uri);
    } finally {
      if (saved === undefined) delete process.env.CALENDLY_TOKEN;
      else process.env.CALENDLY_TOKEN = saved;
    }
  });

  it(`the same URL in another scope (${DUPLICATE_URL_RULE} 409 rule): ${DUPLICATE_URL_RULE === "organization" ? "the 409 says the URL belongs elsewhere in the organization" : "allowed, as Calendly documents"}`, async () => {
    const provider = await providerFor("emu-owner-token");
    await provider.create({ ...base, scope: "organization", url: "https://hooks.example.com/shared" });
    const result = await provider
      .create({ ...base, url: "https://hooks.example.com/shared" })
      .catch((e) => e);
    if (DUPLICATE_URL_RULE === "organization") {
      expect(result.message).toMatch(/not in user scope/);
      expect(result.message).toMatch(/Give this subscription its own URL/);
    } else {
      expect(result.outs).toMatchObject({ scope: "user", url: "https://hooks.example.com/shared" });
      expect(emulator.control.subscriptions()).toHaveLength(2);
    }
  });

  it("a Free plan's 403 on a plan-gated event names the event and the ways out", async () => {
    const provider = await providerFor("emu-free-token");
    const error = await provider
      .create({ ...base, events: ["meeting_recap.created"], url: "https://hooks.example.com/recap" })
      .catch((e) => e);
    expect(error.message).toMatch(/does not include meeting_recap\.created/);
    expect(error.message).toMatch(/upgrade/);
  });

  it("a token missing OAuth scopes names the scopes to add", async () => {
    const provider = await providerFor("emu-oauth-invitees-token");
    const error = await provider
      .create({ ...base, events: ["event_type.created"], url: "https://hooks.example.com/types" })
      .catch((e) => e);
    expect(error.message).toMatch(/lacks OAuth scopes/);
    expect(error.message).toMatch(/event_types:read/);
  });

  it("gives up cleanly when every create's outcome stays unknown and none landed", async () => {
    const provider = await providerFor("emu-owner-token");
    emulator.control.injectFaults({
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "reset" },
      times: 50,
    });
    // A reset before the request is applied looks, to the client, like a connection that died after
    // sending: outcome unknown. None landed, so the provider must fail without leaving anything.
    const error = await provider.create({ ...base, url: "https://hooks.example.com/never" }).catch((e) => e);
    expect(error.message).toMatch(/did not answer 5 attempts/);
    expect(emulator.control.subscriptions()).toEqual([]);
  });
});

describe("delete", () => {
  it("fails clearly when Calendly refuses (the subscription still exists)", async () => {
    const owner = await providerFor("emu-owner-token");
    const created = await owner.create({
      ...base,
      scope: "organization",
      url: "https://hooks.example.com/keep",
    });
    const member = await providerFor("emu-member-token");
    const error = await member.delete!(created.id, created.outs).catch((e) => e);
    expect(error.message).toMatch(/it still exists/);
    expect(emulator.control.subscriptions()).toHaveLength(1);
  });
});

describe("a create whose outcome cannot be found out", () => {
  const url = "https://hooks.example.com/pending";
  const faults = [
    // The create lands but its answer is lost, every time...
    {
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "apply_then_drop" as const },
      times: 20,
    },
    // ...and Calendly cannot be asked what exists.
    {
      match: { method: "GET", path: "/webhook_subscriptions" },
      fault: { kind: "status" as const, status: 500 as const },
      times: 50,
    },
  ];

  it("is recorded as pending (id, key, state unknown), replaced by the next up with its key, and its leftovers deleted", async () => {
    const provider = await providerFor("emu-owner-token");
    emulator.control.injectFaults(faults);
    // The inputs as check completes them (the engine passes them to create without secret marks).
    const first = checkSubscription({}, { ...base, url }, { generateSigningKey }).inputs;
    const error = await provider.create(first).catch((e) => e);
    expect(error.message).toMatch(/whether Calendly holds it is unknown/);
    expect(error.id).toMatch(/^pending-\d+-[0-9a-f]{8}$/);
    expect(error.properties).toMatchObject({
      url,
      state: "unknown",
      scope: "user",
      events: ["invitee.created"],
    });
    expect(error.properties.signingKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(error.properties.signingKey).toBe(first.signingKey);
    expect(JSON.parse(JSON.stringify(error.properties))).toEqual(error.properties);
    // The create did land.
    expect(emulator.control.subscriptions()).toHaveLength(1);
    emulator.control.clearFaults();

    // The next up: diff replaces; refresh keeps it pending while something is left.
    // The engine stored the checked inputs with the pending resource: the next check carries the key.
    const next = checkSubscription(first, { ...base, url }, { generateSigningKey }).inputs;
    expect(next.signingKey).toBe(first.signingKey);
    expect((await provider.diff(error.id, error.properties, next)).replaces).toEqual(["state"]);
    const read = await provider.read(error.id, error.properties);
    expect(read.id).toBe(error.id);
    // The replacement's delete removes what the failed create left.
    await provider.delete(error.id, error.properties);
    expect(emulator.control.subscriptions()).toEqual([]);
    // Nothing left: a refresh forgets it.
    expect((await provider.read(error.id, error.properties)).id).toBe("");
  });

  it("a pending create's delete leaves alone a subscription with the same URL created before it began", async () => {
    const provider = await providerFor("emu-owner-token");
    const older = await provider.create({ ...base, url });
    // A pending create of the same subscription that began a minute after the older one was made.
    const pendingId = `pending-${Date.now() + 60_000}-0badcafe`;
    await provider.delete(pendingId, { ...older.outs, uri: "", state: "unknown" });
    expect(emulator.control.subscriptions().map((s) => s.uuid)).toEqual([older.id]);
    // One that began before it: the older one may be what it left, and is deleted.
    await provider.delete(`pending-${Date.now() - 60_000}-0badcafe`, {
      ...older.outs,
      uri: "",
      state: "unknown",
    });
    expect(emulator.control.subscriptions()).toEqual([]);
  });
});
