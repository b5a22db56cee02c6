/**
 * The one ladder of Calendly error explanations (src/calendly/explain.ts): every rung, and the
 * fixes a Pulumi program is shown (src/provider/messages.ts). The CLI's fixes are tested with the
 * CLI (test/cli/units.test.ts).
 */
import { describe, expect, it } from "vitest";
import {
  CalendlyApiError,
  type CalendlyApiErrorInit,
  CalendlyArgumentError,
  CalendlyResponseError,
  CalendlyTransportError,
  CalendlyUnknownOutcomeError,
} from "../src/calendly/errors";
import {
  diagnoseCalendlyError,
  type ExplainContext,
  explainCalendlyError,
  type FixTexts,
} from "../src/calendly/explain";
import { explainForProgram, PULUMI_FIXES } from "../src/provider/messages";

const api = (status: number, extra: Partial<CalendlyApiErrorInit> = {}) =>
  new CalendlyApiError({ status, method: "POST", path: "/webhook_subscriptions", ...extra });
const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
const context: ExplainContext = { action: "create the webhook subscription for https://hooks.example.com/a" };

/** One error per rung, and what the ladder says happened. */
const rungs = [
  [
    "unauthenticated",
    api(401, { title: "Unauthenticated", message: "The access token expired" }),
    "Calendly rejected the token (401 The access token expired)",
  ],
  [
    "insufficient_scope",
    api(403, { title: "Insufficient scope", requiredScopes: ["webhooks:write"] }),
    "the token lacks OAuth scopes (403 Insufficient scope)",
  ],
  [
    "plan",
    api(403, { title: "Permission Denied", message: "Please upgrade to a paid Calendly account." }),
    "Calendly's plan for this account does not include what was asked (403 Please upgrade to a paid Calendly account.)",
  ],
  [
    "role",
    api(403, { title: "Permission Denied", message: "You do not have permission" }),
    "permission denied (403 You do not have permission)",
  ],
  ["rate_limited", api(429, { retryAfterSeconds: 12 }), "Calendly's rate limit is exhausted (429)"],
  ["not_found", api(404, { title: "Resource Not Found" }), "Calendly found no such resource (404)"],
  [
    "bad_request",
    api(400, {
      title: "Invalid Argument",
      message: "The supplied parameters are invalid.",
      details: [{ parameter: "url", message: "is invalid" }],
    }),
    "Calendly rejected the request (400 url: is invalid)",
  ],
  [
    "server_error",
    api(503, { title: "Internal Server Error" }),
    "Calendly kept failing (503 Internal Server Error) through the retries",
  ],
  [
    "api_error",
    api(418, { title: "I'm a teapot", message: "short and stout" }),
    "Calendly answered 418 I'm a teapot: short and stout",
  ],
  [
    "transport",
    new CalendlyTransportError({ method: "GET", path: "/users/me" }, 3, refused),
    "no answer from Calendly's API after 3 attempt(s) (ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9)",
  ],
  [
    "response",
    new CalendlyResponseError({ method: "GET", path: "/users/me" }, 200, "resource: Required"),
    "the API URL answered with something that is not Calendly's API (Calendly GET /users/me answered 200 with an unexpected body: resource: Required)",
  ],
  ["other", new CalendlyArgumentError("invitee", "is not an invitee URI"), "invitee: is not an invitee URI"],
] as const;

describe("the ladder", () => {
  it.each(rungs)("%s", (problem, error, what) => {
    expect(diagnoseCalendlyError(error, context)).toMatchObject({ problem, what });
  });

  it("covers every rung a fix can be given for, and the two that need none", () => {
    const withFix = Object.keys(PULUMI_FIXES).sort();
    expect([...withFix, "api_error", "other"].sort()).toEqual(rungs.map(([problem]) => problem).sort());
  });

  it("says where the token and the API URL came from when the audience shows them", () => {
    const shown = { ...context, apiUrl: "http://127.0.0.1:9", tokenSource: "CALENDLY_TOKEN" };
    expect(diagnoseCalendlyError(rungs[0][1], shown).what).toBe(
      "Calendly rejected the token from CALENDLY_TOKEN (401 The access token expired)",
    );
    expect(diagnoseCalendlyError(rungs[9][1], shown).what).toMatch(
      /^no answer from http:\/\/127\.0\.0\.1:9 after 3/,
    );
    expect(diagnoseCalendlyError(rungs[10][1], shown).what).toMatch(
      /^http:\/\/127\.0\.0\.1:9 answered with something/,
    );
  });

  it("a missing scope adds the read scopes of the events concerned to those Calendly names", () => {
    const error = api(403, { title: "Insufficient scope" });
    expect(
      diagnoseCalendlyError(error, { ...context, events: ["routing_form_submission.created"] }).scopes,
    ).toEqual(["webhooks:write", "routing_forms:read"]);
    const named = api(403, { title: "Insufficient scope", requiredScopes: ["scheduled_events:read"] });
    expect(diagnoseCalendlyError(named, context).scopes).toEqual(["scheduled_events:read"]);
  });

  it("a plan problem names the plan-gated events concerned", () => {
    const error = rungs[2][1];
    const diagnosis = diagnoseCalendlyError(error, {
      ...context,
      events: ["invitee.created", "meeting_recap.created"],
    });
    expect(diagnosis.gatedEvents).toEqual(["meeting_recap.created"]);
    expect(diagnosis.what).toContain("does not include meeting_recap.created (403");
  });

  it("a 429 without a wait from Calendly says a minute", () => {
    expect(diagnoseCalendlyError(api(429), context).retryAfterSeconds).toBe(60);
  });

  it("Calendly's texts are kept on one line", () => {
    const error = api(401, { message: "The access\ntoken\n  expired" });
    expect(diagnoseCalendlyError(error, context).what).toBe(
      "Calendly rejected the token (401 The access token expired)",
    );
  });

  it("the fix is the audience's: text, or made from the case; none for a rung without one", () => {
    const fixes = {
      ...PULUMI_FIXES,
      not_found: "look elsewhere",
      rate_limited: ({ retryAfterSeconds }) => `wait ${retryAfterSeconds}`,
    } satisfies FixTexts;
    expect(explainCalendlyError(api(404), context, fixes)).toEqual({
      problem: "not_found",
      what: `could not ${context.action}: Calendly found no such resource (404)`,
      fix: "look elsewhere",
    });
    expect(explainCalendlyError(api(429, { retryAfterSeconds: 5 }), context, fixes).fix).toBe("wait 5");
    expect(explainCalendlyError(api(418), context, fixes).fix).toBe("");
  });
});

describe("for a Pulumi program", () => {
  const fixes = [
    [
      "unauthenticated",
      "Set a valid personal access token with `pulumi config set --secret calendly:token` (it prompts for the value)",
    ],
    ["insufficient_scope", "Create a personal access token with webhooks:write."],
    ["plan", "Remove those events or upgrade the Calendly plan."],
    ["role", "Check the token's role in the organization."],
    ["rate_limited", "Try again in 12 seconds."],
    ["not_found", "Check organization, user and group, and stack config calendly:apiUrl."],
    ["bad_request", "Fix the properties named."],
    ["server_error", "Run the Pulumi command again later."],
    ["api_error", "short and stout"],
    [
      "transport",
      "Check stack config calendly:apiUrl (or CALENDLY_API_URL) and the network, then run again.",
    ],
    ["response", "it must be Calendly's API, https://api.calendly.com."],
    ["other", "invitee: is not an invitee URI"],
  ] as const;

  it.each(fixes)("%s", (problem, fix) => {
    const error = rungs.find(([p]) => p === problem)![1];
    const explained = explainForProgram(error, context);
    expect(explained.message).toMatch(
      /^Could not create the webhook subscription for https:\/\/hooks\.example\.com\/a: /,
    );
    expect(explained.message).toContain(fix);
    expect(explained.message).not.toContain("\n");
    expect(explained.cause).toBe(error);
  });

  it.each([
    [
      "organization",
      "Organization scope needs a token of an organization owner or admin; use user scope with a member's token.",
    ],
    ["group", "Group scope needs a token of an organization owner or admin"],
    [
      "user",
      "A personal access token can only subscribe for its own user; leave `user` out to use the token's.",
    ],
  ])("a role problem in %s scope says what that scope needs", (scope, fix) => {
    expect(explainForProgram(rungs[3][1], { ...context, scope }).message).toContain(fix);
  });

  it("an unknown outcome, which the provider resolves itself, is told as it is", () => {
    const error = new CalendlyUnknownOutcomeError(
      { method: "POST", path: "/webhook_subscriptions" },
      refused,
    );
    expect(explainForProgram(error, context).message).toContain("it may or may not have taken effect");
  });
});
