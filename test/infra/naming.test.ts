/** The small pure helpers the stack's names and URLs are built with. */

import { replacementMarker } from "pulumi-calendly";
import { describe, expect, it } from "vitest";
import type { SubscriptionConfig } from "../../infra/config";
import { resourcePrefix } from "../../infra/naming";
import { joinUrl } from "../../infra/receiver/api";
import { bucketLogicalName } from "../../infra/receiver/claim-check";
import { replacementInputs, subscriptionUrl } from "../../infra/subscriptions";

describe("resourcePrefix", () => {
  it("is calendly-<stack>", () => {
    expect(resourcePrefix("dev")).toBe("calendly-dev");
  });

  it("turns characters AWS names refuse into dashes and stays short", () => {
    expect(resourcePrefix("team_a.prod")).toBe("calendly-team-a-prod");
    const long = resourcePrefix("a-very-long-stack-name-for-production-eu");
    expect(long.length).toBeLessThanOrEqual(28);
    expect(long).not.toMatch(/-$/);
    // + "-archive" + Pulumi's 8-character suffix: within EventBridge's 48.
    expect(`${long}-archive-1234567`.length).toBeLessThanOrEqual(48);
  });
});

describe("bucketLogicalName", () => {
  it("is lowercase letters, digits and dashes only (S3's rule)", () => {
    expect(bucketLogicalName("calendly-Team-Prod")).toBe("calendly-team-prod-claim-checks");
  });
});

describe("joinUrl", () => {
  it("puts exactly one slash between endpoint and route path", () => {
    expect(joinUrl("https://abc.execute-api.us-east-1.amazonaws.com", "/calendly/webhooks")).toBe(
      "https://abc.execute-api.us-east-1.amazonaws.com/calendly/webhooks",
    );
    expect(joinUrl("https://abc.execute-api.us-east-1.amazonaws.com/", "/calendly/webhooks")).toBe(
      "https://abc.execute-api.us-east-1.amazonaws.com/calendly/webhooks",
    );
  });
});

describe("subscriptionUrl", () => {
  const bookings: SubscriptionConfig = {
    name: "bookings",
    events: ["invitee.canceled", "invitee.created"],
    scope: "user",
    signingKeyGeneration: 1,
  };
  const marker = replacementMarker({ events: bookings.events, scope: "user", signingKeyGeneration: 1 });

  it("adds ?subscription=<name>&v=<marker>, keeping the path and any query the receiver already has", () => {
    expect(subscriptionUrl("https://x.example/calendly/webhooks", bookings)).toBe(
      `https://x.example/calendly/webhooks?subscription=bookings&v=${marker}`,
    );
    expect(subscriptionUrl("https://hook.make.com/abc?team=7", { ...bookings, name: "forms" })).toBe(
      `https://hook.make.com/abc?team=7&subscription=forms&v=${marker}`,
    );
  });

  it("marks the URL with everything of the config that forces a replacement (marker.test.ts: each changes it)", () => {
    const config: SubscriptionConfig = {
      name: "team",
      events: ["invitee.created"],
      scope: "group",
      organization: "https://api.calendly.com/organizations/O",
      group: "https://api.calendly.com/groups/G",
      signingKeyGeneration: 3,
    };
    const { name: _name, ...forcing } = config;
    expect(replacementInputs(config)).toEqual(forcing);
  });
});
