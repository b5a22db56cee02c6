import { checkSubscriptionInputs, UNKNOWN } from "pulumi-calendly";
import { check } from "pulumi-calendly/provider";
import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENTS } from "../../calendly";

const ORG = "https://api.calendly.com/organizations/ORG";
const USER = "https://api.calendly.com/users/USER";
const GROUP = "https://api.calendly.com/groups/GROUP";

const valid = { url: "https://hooks.example.com/calendly", events: ["invitee.created"], scope: "user" };

function failuresOf(raw: Record<string, unknown>) {
  return checkSubscriptionInputs(raw).failures;
}

function reasonFor(raw: Record<string, unknown>, property: string): string {
  const failure = failuresOf(raw).find((f) => f.property === property);
  expect(failure, `expected a failure on ${property}`).toBeDefined();
  return failure!.reason;
}

describe("check: valid inputs", () => {
  it("normalizes events to a unique sorted list and defaults adoptExisting", () => {
    const { inputs, failures } = checkSubscriptionInputs({
      ...valid,
      events: ["invitee.canceled", "invitee.created", "invitee.canceled"],
    });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      url: valid.url,
      events: ["invitee.canceled", "invitee.created"],
      scope: "user",
      signingKeyGeneration: 1,
      adoptExisting: false,
    });
    expect(Object.values(inputs)).not.toContain(undefined);
  });

  it("accepts every known event in organization scope except the user-only ones", () => {
    const orgEvents = WEBHOOK_EVENTS.filter((e) => !e.startsWith("meeting_recap."));
    expect(failuresOf({ ...valid, scope: "organization", events: orgEvents })).toEqual([]);
  });

  it("accepts plain http only for loopback hosts (the emulator and local receivers)", () => {
    for (const url of [
      "http://127.0.0.1:4020/calendly/webhooks",
      "http://localhost:3000/x",
      "http://[::1]:8080/x",
    ]) {
      expect(failuresOf({ ...valid, url })).toEqual([]);
    }
  });

  it("keeps explicit owners and a long enough signing key", () => {
    const { inputs, failures } = checkSubscriptionInputs({
      ...valid,
      organization: ORG,
      user: USER,
      signingKey: "0123456789abcdef0123",
      adoptExisting: true,
    });
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({
      organization: ORG,
      user: USER,
      signingKey: "0123456789abcdef0123",
      adoptExisting: true,
    });
  });
});

describe("check: failures name the property and the fix", () => {
  it("url: required, absolute, https", () => {
    expect(reasonFor({ ...valid, url: undefined }, "url")).toMatch(/required/);
    expect(reasonFor({ ...valid, url: "hooks.example.com/x" }, "url")).toMatch(/not an absolute URL/);
    expect(reasonFor({ ...valid, url: "http://hooks.example.com/x" }, "url")).toMatch(
      /https:\/\/hooks\.example\.com\/x.*loopback/,
    );
    expect(reasonFor({ ...valid, url: "ftp://hooks.example.com/x" }, "url")).toMatch(/https/);
  });

  it("events: non-empty, known (with a spelling hint), allowed in the scope", () => {
    expect(reasonFor({ ...valid, events: [] }, "events")).toMatch(/non-empty/);
    expect(reasonFor({ ...valid, events: "invitee.created" }, "events")).toMatch(/list/);
    expect(reasonFor({ ...valid, events: ["invitee.cancelled"] }, "events")).toMatch(/one l/);
    expect(reasonFor({ ...valid, events: ["routing_form_submission.created"] }, "events")).toMatch(
      /not allowed in user scope.*organization/,
    );
    expect(
      reasonFor({ ...valid, scope: "organization", events: ["meeting_recap.created"] }, "events"),
    ).toMatch(/needs user scope/);
  });

  it("scope: one of three", () => {
    expect(reasonFor({ ...valid, scope: "team" }, "scope")).toMatch(/"organization", "user", "group"/);
  });

  it("group: required for group scope, refused elsewhere; user: only for user scope", () => {
    expect(reasonFor({ ...valid, scope: "group" }, "group")).toMatch(/group scope needs group/);
    expect(failuresOf({ ...valid, scope: "group", group: GROUP })).toEqual([]);
    expect(reasonFor({ ...valid, group: GROUP }, "group")).toMatch(/only to scope "group"/);
    expect(reasonFor({ ...valid, scope: "organization", user: USER }, "user")).toMatch(
      /only to scope "user"/,
    );
  });

  it("owners must be URIs", () => {
    expect(reasonFor({ ...valid, organization: "ORG-123" }, "organization")).toMatch(/organizations\/<uuid>/);
  });

  it("signingKey: long enough, and never echoed", () => {
    const reason = reasonFor({ ...valid, signingKey: "short-key" }, "signingKey");
    expect(reason).toMatch(/at least 16/);
    expect(reason).not.toContain("short-key");
  });

  it("signingKeyGeneration: a whole number from 1 up", () => {
    for (const bad of [0, -1, 1.5, "2"]) {
      expect(reasonFor({ ...valid, signingKeyGeneration: bad }, "signingKeyGeneration")).toMatch(
        /whole number from 1 up/,
      );
    }
    expect(failuresOf({ ...valid, signingKeyGeneration: 4 })).toEqual([]);
  });

  it("adoptExisting: boolean", () => {
    expect(reasonFor({ ...valid, adoptExisting: "yes" }, "adoptExisting")).toMatch(/true or false/);
  });

  it("reports every problem at once", () => {
    const properties = failuresOf({ url: "nope", events: [], scope: "x" }).map((f) => f.property);
    expect(properties).toEqual(expect.arrayContaining(["url", "events", "scope"]));
  });
});

describe("check: values unknown during preview", () => {
  it("never fail and are passed through", () => {
    const { inputs, failures } = checkSubscriptionInputs({
      url: UNKNOWN,
      events: UNKNOWN,
      scope: UNKNOWN,
      signingKey: UNKNOWN,
    });
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ url: UNKNOWN, events: UNKNOWN, scope: UNKNOWN, signingKey: UNKNOWN });
  });

  it("an unknown element among known events does not hide a bad known one", () => {
    const { failures } = checkSubscriptionInputs({ ...valid, events: [UNKNOWN, "invitee.cancelled"] });
    expect(failures.map((f) => f.property)).toEqual(["events"]);
    expect(checkSubscriptionInputs({ ...valid, events: [UNKNOWN, "invitee.created"] }).failures).toEqual([]);
  });

  it("an unknown scope skips the scope matrix", () => {
    expect(failuresOf({ ...valid, scope: UNKNOWN, events: ["routing_form_submission.created"] })).toEqual([]);
  });
});

describe("provider.check", () => {
  it("returns failures with the original inputs, or the normalized inputs", async () => {
    const bad = await check({}, { ...valid, events: [] });
    expect(bad.failures?.[0]?.property).toBe("events");
    const good = await check({}, { ...valid, events: ["invitee.created", "invitee.created"] });
    expect(good.failures).toBeUndefined();
    expect(good.inputs?.events).toEqual(["invitee.created"]);
  });
});
