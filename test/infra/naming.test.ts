/** The small pure helpers the stack's names and URLs are built with. */
import { describe, expect, it } from "vitest";
import { resourcePrefix } from "../../infra/naming";
import { joinUrl } from "../../infra/receiver/api";
import { bucketLogicalName } from "../../infra/receiver/claim-check";
import { subscriptionUrl } from "../../infra/subscriptions";

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
  it("adds ?subscription=<name>, keeping the path and any query the receiver already has", () => {
    expect(subscriptionUrl("https://x.example/calendly/webhooks", "bookings")).toBe(
      "https://x.example/calendly/webhooks?subscription=bookings",
    );
    expect(subscriptionUrl("https://hook.make.com/abc?team=7", "forms")).toBe(
      "https://hook.make.com/abc?team=7&subscription=forms",
    );
  });
});
