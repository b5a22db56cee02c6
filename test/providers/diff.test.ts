/**
 * What a preview shows for a subscription: the provider's `diff` and `update`, as Pulumi's host
 * calls them (`pulumi-calendly/provider`).
 */
import { type SubscriptionOutputs, UNKNOWN } from "pulumi-calendly";
import { diff, update, WebhookSubscriptionProvider } from "pulumi-calendly/provider";
import { describe, expect, it } from "vitest";

const ORG = "https://api.calendly.com/organizations/ORG";
const USER = "https://api.calendly.com/users/USER";

const stored: SubscriptionOutputs = {
  url: "https://hooks.example.com/a",
  events: ["invitee.canceled", "invitee.created"],
  scope: "user",
  organization: ORG,
  user: USER,
  group: null,
  signingKey: "generated-key-0123456789",
  signingKeyGeneration: 1,
  adoptExisting: false,
  uri: "https://api.calendly.com/webhook_subscriptions/S",
  callbackUrl: "https://hooks.example.com/a",
  state: "active",
  creator: USER,
  createdAt: "2026-11-01T00:00:00Z",
  updatedAt: "2026-11-01T00:00:00Z",
  retryStartedAt: null,
  providerDefaults: ["organization", "user", "signingKey"],
};

/** The checked inputs of the same subscription: check carried the generated key over (check.ts). */
const same = {
  url: stored.url,
  events: ["invitee.created", "invitee.canceled"],
  scope: "user",
  adoptExisting: false,
  signingKey: stored.signingKey,
  signingKeyGeneration: 1,
  state: "active",
  __defaults: ["signingKey"],
};

/** The host passes the stored outputs as `olds` and the checked inputs as `news`. */
function diffOf(olds: SubscriptionOutputs, news: Record<string, unknown>) {
  return diff("S", olds, news);
}

describe("diff", () => {
  it("no changes when inputs match the stored outputs, whatever the event order, with defaulted owners and key", async () => {
    expect(await diffOf(stored, same)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("no changes when explicit owners and key equal the stored ones", async () => {
    expect(
      (await diffOf(stored, { ...same, organization: ORG, user: USER, signingKey: stored.signingKey }))
        .changes,
    ).toBe(false);
  });

  const replacing = [
    ["events", { events: ["invitee.created"] }],
    ["scope", { scope: "organization" }],
    ["organization", { organization: "https://api.calendly.com/organizations/OTHER" }],
    ["user", { user: "https://api.calendly.com/users/OTHER" }],
    ["group", { group: "https://api.calendly.com/groups/G" }],
    ["signingKey", { signingKey: "a-rotated-signing-key-0123", __defaults: [] }],
  ] as const;

  it.each(replacing)(
    "a change of %s with the same url replaces, deleting first (Calendly's 409)",
    async (property, change) => {
      const result = await diffOf(stored, { ...same, ...change });
      expect(result).toEqual({ changes: true, replaces: [property], deleteBeforeReplace: true });
    },
  );

  it.each(replacing)(
    "a change of %s with a new url replaces, creating first: no gap",
    async (property, change) => {
      const url = `${stored.url}?v=next`;
      const result = await diffOf(stored, { ...same, ...change, url });
      expect(result).toEqual({ changes: true, replaces: ["url", property], deleteBeforeReplace: false });
    },
  );

  it("a change of url alone replaces, creating first", async () => {
    expect(await diffOf(stored, { ...same, url: "https://hooks.example.com/b" })).toEqual({
      changes: true,
      replaces: ["url"],
      deleteBeforeReplace: false,
    });
  });

  it("a url that only normalizes differently is the same url: delete first", async () => {
    const result = await diffOf(stored, {
      ...same,
      url: "HTTPS://hooks.example.com:443/a",
      scope: "group",
    });
    expect(result.deleteBeforeReplace).toBe(true);
  });

  it("a url still unknown (preview) may change: shown as creating first, up decides with the real value", async () => {
    expect(await diffOf(stored, { ...same, url: UNKNOWN, events: ["invitee.created"] })).toEqual({
      changes: true,
      replaces: ["url", "events"],
      deleteBeforeReplace: false,
    });
  });

  it("a subscription that refresh found disabled is replaced on the next up", async () => {
    expect(await diffOf({ ...stored, state: "disabled" }, same)).toEqual({
      changes: true,
      replaces: ["state"],
      deleteBeforeReplace: true,
    });
  });

  it("toggling adoptExisting alone is an update, not a replacement", async () => {
    expect(await diffOf(stored, { ...same, adoptExisting: true })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("values unknown during preview show the replacement they may cause", async () => {
    expect((await diffOf(stored, { ...same, url: UNKNOWN })).replaces).toEqual(["url"]);
    expect((await diffOf(stored, { ...same, events: UNKNOWN })).replaces).toEqual(["events"]);
    expect((await diffOf(stored, { ...same, signingKey: UNKNOWN })).replaces).toEqual(["signingKey"]);
  });
});

describe("a replacement that must delete a delivering subscription first", () => {
  /** The dynamic provider's diff, its preview lines collected. */
  async function warningsOf(olds: SubscriptionOutputs, news: Record<string, unknown>) {
    const lines: string[] = [];
    const result = await new WebhookSubscriptionProvider({ notify: (line) => lines.push(line) }).diff(
      "S",
      olds,
      news,
    );
    return { result, lines };
  }
  const rotated = { ...same, signingKey: "a-new-generated-key-0123456789", signingKeyGeneration: 2 };

  it("is named at preview as a warning: what changed, what is lost, and the fix (a generation raised on the resource alone)", async () => {
    const { result, lines } = await warningsOf(stored, rotated);
    expect(result.deleteBeforeReplace).toBe(true);
    expect(lines).toEqual([
      "pulumi-calendly: warning: keeping the URL https://hooks.example.com/a, `pulumi up` must delete the old " +
        "subscription before creating the new one (signingKey, signingKeyGeneration changed; Calendly allows one " +
        "subscription per URL): events in between are never delivered. Give markedUrl every value that replaces " +
        "the subscription (events, scope, owners, signingKeyGeneration), as the resource is given them, so that " +
        "its URL changes and the new one is created first.",
    ]);
  });

  it("is not warned of when the URL changes too (created first), nor for a disabled subscription (it delivers nothing)", async () => {
    expect((await warningsOf(stored, { ...rotated, url: `${stored.url}?v=2` })).lines).toEqual([]);
    const disabled = await warningsOf({ ...stored, state: "disabled" }, same);
    expect(disabled.result.deleteBeforeReplace).toBe(true);
    expect(disabled.lines).toEqual([]);
    expect((await warningsOf(stored, same)).lines).toEqual([]);
  });
});

describe("the signing key's generation", () => {
  it("raised for a key the provider holds (check generated a new key): a rotation, both fields named", async () => {
    const rotated = { ...same, signingKey: "a-new-generated-key-0123456789", signingKeyGeneration: 2 };
    expect(await diffOf(stored, { ...rotated, url: `${stored.url}?v=2` })).toEqual({
      changes: true,
      replaces: ["url", "signingKey", "signingKeyGeneration"],
      deleteBeforeReplace: false,
    });
  });

  it("next to a key the program gives, only recorded: an update in place, no Calendly call", async () => {
    const given = { ...same, signingKey: stored.signingKey, __defaults: undefined, signingKeyGeneration: 2 };
    expect(await diffOf({ ...stored, providerDefaults: [] }, given)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("a state written before it existed reads as generation 1", async () => {
    const { signingKeyGeneration: _gone, ...older } = stored;
    expect((await diffOf(older as SubscriptionOutputs, same)).changes).toBe(false);
  });
});

describe("a generated key kept in the outputs only (states of pulumi-calendly 0.2.0 and older)", () => {
  // Their inputs hold no key, so check has none to carry over.
  const { signingKey: _none, __defaults: _neither, ...uncarried } = same;

  it("no change: nothing to do, the key stays", async () => {
    expect((await diffOf(stored, uncarried)).changes).toBe(false);
  });

  it("a replacement stops, naming the refresh that records the key, rather than change it silently", async () => {
    await expect(diffOf(stored, { ...uncarried, events: ["invitee.created"] })).rejects.toThrow(
      /replaces the subscription \(events\).*new key.*Run `pulumi refresh` once/,
    );
    await expect(diffOf({ ...stored, state: "disabled" }, uncarried)).rejects.toThrow(/pulumi refresh/);
  });

  it("a key the program gave was always in the inputs: nothing to stop", async () => {
    const given = { ...stored, providerDefaults: [] as SubscriptionOutputs["providerDefaults"] };
    expect(
      (await diffOf(given, { ...uncarried, signingKey: stored.signingKey, events: ["invitee.created"] }))
        .replaces,
    ).toEqual(["events"]);
  });
});

describe("a state written by another __provider (release 0.1.0 stored the whole code there)", () => {
  const shim = "exports.handler = __f0; // the program's";

  it("is an update in place, no replacement: the host then stores the program's __provider", async () => {
    expect(
      await diffOf({ ...stored, __provider: "the code 0.1.0 serialized" } as SubscriptionOutputs, {
        ...same,
        __provider: shim,
      }),
    ).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("the same __provider, or one not known yet, is no change", async () => {
    const withShim = { ...stored, __provider: shim } as SubscriptionOutputs;
    expect((await diffOf(withShim, { ...same, __provider: shim })).changes).toBe(false);
    expect((await diffOf(withShim, { ...same, __provider: UNKNOWN })).changes).toBe(false);
    expect((await diffOf(stored, { ...same, __provider: shim })).changes).toBe(false);
  });

  it("with a real change as well, the replacement wins", async () => {
    const old = { ...stored, __provider: "the code 0.1.0 serialized" } as SubscriptionOutputs;
    expect((await diffOf(old, { ...same, events: ["invitee.created"], __provider: shim })).replaces).toEqual([
      "events",
    ]);
  });
});

describe("update", () => {
  it("keeps every output and records adoptExisting; __provider is left for the host to set", async () => {
    const result = await update("S", { ...stored, __provider: "code" }, { ...same, adoptExisting: true });
    expect(result.outs).toEqual({ ...stored, adoptExisting: true });
  });

  it("records a new generation next to a key the program gives", async () => {
    const given = { ...stored, providerDefaults: [] as SubscriptionOutputs["providerDefaults"] };
    const { __defaults: _none, ...news } = { ...same, signingKeyGeneration: 3 };
    expect((await update("S", given, news)).outs).toEqual({ ...given, signingKeyGeneration: 3 });
  });

  it("refuses to update what only a replacement can change", async () => {
    await expect(update("S", stored, { ...same, url: "https://hooks.example.com/b" })).rejects.toThrow(
      /cannot update url in place/,
    );
  });
});
