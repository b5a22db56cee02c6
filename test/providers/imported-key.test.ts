/**
 * The core's handling of a subscription whose signing key is unknown (an import: Calendly never
 * returns a key, read.ts records ""), shared by the dynamic provider and the native plugin: the
 * first key a program declares is taken in place (diff.ts `inPlaceUpdates`, update.ts), with no
 * replacement; from then on a different key replaces, as for any subscription.
 */
import type { SubscriptionOutputs } from "pulumi-calendly";
import { diff, update } from "pulumi-calendly/provider";
import { describe, expect, it } from "vitest";

const imported: SubscriptionOutputs = {
  url: "https://hooks.example.com/by-hand",
  events: ["invitee.created"],
  scope: "user",
  organization: "https://api.calendly.com/organizations/ORG",
  user: "https://api.calendly.com/users/USER",
  group: null,
  signingKey: "",
  signingKeyGeneration: 1,
  adoptExisting: false,
  uri: "https://api.calendly.com/webhook_subscriptions/S",
  callbackUrl: "https://hooks.example.com/by-hand",
  state: "active",
  creator: "https://api.calendly.com/users/USER",
  createdAt: "2026-11-01T00:00:00Z",
  updatedAt: "2026-11-01T00:00:00Z",
  retryStartedAt: null,
  providerDefaults: [],
};
const declared = {
  url: imported.url,
  events: imported.events,
  scope: imported.scope,
  organization: imported.organization,
  user: imported.user,
  adoptExisting: false,
};
const KEY = "the-key-it-was-created-with-0123";

describe("a subscription whose key is unknown (imported)", () => {
  it("the first declared key is an update in place, not a replacement", async () => {
    expect(await diff("S", imported, { ...declared, signingKey: KEY })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("the update records the key and keeps every other output, with no Calendly call to make", async () => {
    const { outs } = await update("S", imported, { ...declared, signingKey: KEY });
    expect(outs).toEqual({ ...imported, signingKey: KEY });
  });

  it("left undeclared, nothing changes", async () => {
    expect((await diff("S", imported, declared)).changes).toBe(false);
  });

  it("once taken, another key replaces the subscription", async () => {
    const { outs } = await update("S", imported, { ...declared, signingKey: KEY });
    expect((await diff("S", outs, { ...declared, signingKey: `${KEY}-2` })).replaces).toEqual(["signingKey"]);
  });
});
