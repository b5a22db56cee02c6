import { describe, expect, it } from "vitest";
import { diffSubscription } from "../../providers/calendly/diff";
import { UNKNOWN } from "../../providers/calendly/inputs";
import type { SubscriptionOutputs } from "../../providers/calendly/outputs";
import { webhookSubscriptionProvider } from "../../providers/calendly/provider";

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

const same = {
  url: stored.url,
  events: ["invitee.created", "invitee.canceled"],
  scope: "user",
  adoptExisting: false,
};

describe("diff", () => {
  it("no changes when inputs match the stored outputs, whatever the event order, with defaulted owners and key", () => {
    expect(diffSubscription(stored, same)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("no changes when explicit owners and key equal the stored ones", () => {
    expect(
      diffSubscription(stored, { ...same, organization: ORG, user: USER, signingKey: stored.signingKey })
        .changes,
    ).toBe(false);
  });

  it.each([
    ["url", { url: "https://hooks.example.com/b" }],
    ["events", { events: ["invitee.created"] }],
    ["scope", { scope: "organization" }],
    ["organization", { organization: "https://api.calendly.com/organizations/OTHER" }],
    ["user", { user: "https://api.calendly.com/users/OTHER" }],
    ["group", { group: "https://api.calendly.com/groups/G" }],
    ["signingKey", { signingKey: "a-rotated-signing-key-0123" }],
  ])("a change of %s replaces, deleting first", (property, change) => {
    const result = diffSubscription(stored, { ...same, ...change });
    expect(result).toEqual({ changes: true, replaces: [property], deleteBeforeReplace: true });
  });

  it("a subscription that refresh found disabled is replaced on the next up", () => {
    expect(diffSubscription({ ...stored, state: "disabled" }, same)).toEqual({
      changes: true,
      replaces: ["state"],
      deleteBeforeReplace: true,
    });
  });

  it("toggling adoptExisting alone is an update, not a replacement", () => {
    expect(diffSubscription(stored, { ...same, adoptExisting: true })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("values unknown during preview show the replacement they may cause", () => {
    expect(diffSubscription(stored, { ...same, url: UNKNOWN }).replaces).toEqual(["url"]);
    expect(diffSubscription(stored, { ...same, events: UNKNOWN }).replaces).toEqual(["events"]);
    expect(diffSubscription(stored, { ...same, signingKey: UNKNOWN }).replaces).toEqual(["signingKey"]);
  });
});

describe("update", () => {
  it("keeps every output and records adoptExisting", async () => {
    const result = await webhookSubscriptionProvider.update!(
      "S",
      { ...stored, __provider: "code" },
      { ...same, adoptExisting: true },
    );
    expect(result.outs).toEqual({ ...stored, adoptExisting: true });
  });

  it("refuses to update what only a replacement can change", async () => {
    await expect(
      webhookSubscriptionProvider.update!("S", stored, { ...same, url: "https://hooks.example.com/b" }),
    ).rejects.toThrow(/cannot update url in place/);
  });
});
