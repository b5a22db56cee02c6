/** The CLI's pure parts: verdicts, adoption plans, credentials precedence, error texts, output. */
import { describe, expect, it } from "vitest";
import type { WebhookSubscription } from "../../calendly";
import {
  CalendlyApiError,
  CalendlyResponseError,
  CalendlyTransportError,
  type ExplainedProblem,
  explainCalendlyError,
  signatureHeader,
  verifySignature,
} from "../../calendly";
import type { DeliveryResult } from "../../calendly/delivery";
import { CliError } from "../../cli/args";
import { tamperSignature } from "../../cli/commands/send-test";
import { type ConfigValue, resolveCredentials } from "../../cli/credentials";
import { nameFor, planAdoption, renderTypeScript } from "../../cli/declarations";
import { CLI_FIXES, explainCliError } from "../../cli/errors";
import { ago, createReporter, formatTable } from "../../cli/output";
import { judgeGenuine, judgeTampered } from "../../cli/verdicts";
import { closest } from "../../tools/command-line";

const answer = (status: number, extra: Partial<DeliveryResult> = {}): DeliveryResult =>
  ({
    kind: "answer",
    status,
    outcome: status >= 200 && status < 300 ? "success" : status === 410 ? "gone" : "failure",
    latencyMs: 3,
    bodySnippet: "",
    ...extra,
  }) as DeliveryResult;

describe("verdicts on a receiver's answer", () => {
  it.each([200, 201, 202, 204, 299])("genuine %i: success", (status) => {
    expect(judgeGenuine(answer(status)).ok).toBe(true);
  });
  it.each([301, 302, 400, 401, 404, 410, 429, 500, 503])("genuine %i: failure", (status) => {
    expect(judgeGenuine(answer(status)).ok).toBe(false);
  });
  it("genuine 410 says Calendly would delete the subscription", () => {
    expect(judgeGenuine(answer(410)).lines.join("\n")).toContain("Calendly would DELETE the subscription");
    expect(judgeGenuine(answer(500)).lines.join("\n")).not.toContain("DELETE");
  });
  it("no answer is a failure that Calendly retries", () => {
    const verdict = judgeGenuine({
      kind: "no_answer",
      failure: "timeout",
      code: "UND_ERR_HEADERS_TIMEOUT",
      detail: "UND_ERR_HEADERS_TIMEOUT",
      latencyMs: 15_000,
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines[0]).toContain("no answer within 15 s");
  });
  it.each([
    [401, true],
    [400, true],
    [403, true],
    [200, false],
    [204, false],
    [410, false],
    [302, false],
    [500, false],
  ])("tampered %i: passes=%s", (status, ok) => {
    expect(judgeTampered(answer(status)).ok).toBe(ok);
  });
});

describe("tamperSignature", () => {
  it("keeps the header well formed and the time, but the HMAC no longer matches", () => {
    for (const body of ["{}", '{"a":1}', "x".repeat(1000)]) {
      const genuine = signatureHeader("k", body, 1_700_000_000);
      const tampered = tamperSignature(genuine);
      expect(tampered).not.toBe(genuine);
      expect(tampered.slice(0, -1)).toBe(genuine.slice(0, -1));
      expect(verifySignature({ header: tampered, body, keys: ["k"], now: 1_700_000_000 })).toMatchObject({
        ok: false,
        reason: "mismatch",
      });
    }
  });
});

function subscription(overrides: Partial<WebhookSubscription>): WebhookSubscription {
  return {
    uri: "https://api.calendly.com/webhook_subscriptions/AAAABBBBCCCCDDDD",
    callbackUrl: "https://hooks.example.com/calendly",
    createdAt: "2026-01-02T03:04:05.000000Z",
    updatedAt: "2026-01-02T03:04:05.000000Z",
    retryStartedAt: null,
    state: "active",
    events: ["invitee.created"],
    scope: "organization",
    organization: "https://api.calendly.com/organizations/ORG",
    user: null,
    group: null,
    creator: null,
    ...overrides,
  };
}

describe("adoption plan", () => {
  it("names resources after the callback URL", () => {
    expect(nameFor("https://abc.execute-api.eu-west-1.amazonaws.com/calendly/webhooks")).toBe(
      "calendly-webhooks",
    );
    expect(nameFor("https://hooks.example.com/")).toBe("calendly-hooks");
    expect(nameFor("https://x.example/In Bound/Hook!")).toBe("calendly-in-bound-hook");
  });

  it("keeps names unique, sorts events, keeps the owner of the scope only, skips disabled", () => {
    const plan = planAdoption([
      subscription({ events: ["invitee.created", "invitee.canceled"] }),
      subscription({
        uri: "https://api.calendly.com/webhook_subscriptions/EEEEFFFF00001111",
        scope: "group",
        group: "https://api.calendly.com/groups/G",
      }),
      subscription({ uri: "https://api.calendly.com/webhook_subscriptions/DISABLED", state: "disabled" }),
    ]);
    expect(plan.adoptions.map((a) => a.name)).toEqual(["calendly", "calendly-eeeeffff"]);
    expect(plan.adoptions[0]!.args).toEqual({
      url: "https://hooks.example.com/calendly",
      events: ["invitee.canceled", "invitee.created"],
      scope: "organization",
      organization: "https://api.calendly.com/organizations/ORG",
      adoptExisting: true,
    });
    expect(plan.adoptions[1]!.args.group).toBe("https://api.calendly.com/groups/G");
    expect(plan.skipped.map((s) => s.subscription.uri)).toEqual([
      "https://api.calendly.com/webhook_subscriptions/DISABLED",
    ]);
  });

  it("renders string values as JSON literals, so odd URLs cannot break the code", () => {
    const text = renderTypeScript(
      planAdoption([subscription({ callbackUrl: 'https://x.example/a"b\\c' })]),
      "heading",
    );
    expect(text).toContain('url: "https://x.example/a\\"b\\\\c",');
  });
});

describe("credentials", () => {
  const reader =
    (values: Record<string, string>) =>
    async (stack: string, key: string): Promise<ConfigValue> => {
      const value = values[`${stack}/${key}`];
      return value === undefined ? { found: false } : { found: true, value };
    };

  it("without --stack: CALENDLY_TOKEN, CALENDLY_API_URL, else Calendly's URL", async () => {
    expect(await resolveCredentials({ env: { CALENDLY_TOKEN: "t" } })).toEqual({
      token: "t",
      tokenSource: "CALENDLY_TOKEN",
      apiUrl: "https://api.calendly.com",
    });
    expect((await resolveCredentials({ env: { CALENDLY_API_URL: "https://e" } })).apiUrl).toBe("https://e");
    expect(
      (await resolveCredentials({ env: { CALENDLY_API_URL: "https://e" }, apiUrl: "http://127.0.0.1:4010" }))
        .apiUrl,
    ).toBe("http://127.0.0.1:4010");
    expect((await resolveCredentials({ env: {} })).token).toBeUndefined();
  });

  it("with --stack: the stack's values win over the environment, --api-url over everything", async () => {
    const read = reader({ "dev/calendly:token": "stack-token", "dev/calendly:apiUrl": "https://stack" });
    const env = { CALENDLY_TOKEN: "env-token", CALENDLY_API_URL: "https://env" };
    const notes: string[] = [];
    const resolved = await resolveCredentials({ env, stack: "dev", note: (l) => notes.push(l) }, read);
    expect(resolved).toEqual({ token: "stack-token", tokenSource: 'stack "dev"', apiUrl: "https://stack" });
    expect(notes).toHaveLength(1);
    expect((await resolveCredentials({ env, stack: "dev", apiUrl: "https://o" }, read)).apiUrl).toBe(
      "https://o",
    );
  });

  it("refuses to send the token over plain http to another host, naming where the URL came from", async () => {
    const token = { CALENDLY_TOKEN: "t" };
    await expect(
      resolveCredentials({ env: { ...token, CALENDLY_API_URL: "http://calendly.internal" } }),
    ).rejects.toThrow(
      /^CALENDLY_API_URL "http:\/\/calendly\.internal" is plain http: the Calendly token would travel in clear; use https:\/\/calendly\.internal\//,
    );
    await expect(resolveCredentials({ env: token, apiUrl: "http://10.0.0.5:4010" })).rejects.toThrow(
      /^--api-url "http:\/\/10\.0\.0\.5:4010" is plain http/,
    );
    const read = reader({
      "dev/calendly:token": "stack-token",
      "dev/calendly:apiUrl": "http://stack.example",
    });
    await expect(resolveCredentials({ env: {}, stack: "dev" }, read)).rejects.toThrow(
      /^calendly:apiUrl of stack "dev" "http:\/\/stack\.example" is plain http/,
    );
    for (const loopback of ["http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"]) {
      expect((await resolveCredentials({ env: token, apiUrl: loopback })).apiUrl).toBe(loopback);
    }
  });

  it("a stack without a token is an error naming the fix, which is never to put one in config", async () => {
    const error = resolveCredentials({ env: {}, stack: "dev" }, reader({}));
    await expect(error).rejects.toThrow(/set CALENDLY_TOKEN instead of --stack/);
    await expect(error).rejects.not.toThrow(/config set/);
  });
});

describe("Calendly errors as one line with what to do (the package's ladder, the CLI's fixes)", () => {
  const context = { action: "list webhook subscriptions", apiUrl: "http://api", tokenSource: 'stack "prod"' };
  const api = (status: number, extra: Record<string, unknown> = {}) =>
    new CalendlyApiError({ status, method: "GET", path: "/webhook_subscriptions", ...extra });
  const call = { method: "GET", path: "/users/me" };
  const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  /** One error per rung of the ladder, and the CLI's fix for it, as a user reads it. */
  const cases: Record<ExplainedProblem, { error: unknown; fix: string }> = {
    unauthenticated: {
      error: api(401, { title: "Unauthenticated", message: "The access token expired" }),
      fix: "set CALENDLY_TOKEN to a valid token instead of --stack, and remove the stale one from the stack's config (`pulumi config rm calendly:token --stack prod`)",
    },
    insufficient_scope: {
      error: api(403, { title: "Insufficient scope", requiredScopes: ["webhooks:write"] }),
      fix: "create a personal access token with webhooks:write",
    },
    plan: {
      error: api(403, { title: "Permission Denied", message: "Please upgrade to a paid Calendly account." }),
      fix: "pick another event or upgrade the plan",
    },
    role: {
      error: api(403, { title: "Permission Denied", message: "You do not have permission" }),
      fix: "a token may only act for its own user (admins: users of their organization): check --user and --organization",
    },
    rate_limited: { error: api(429, { retryAfterSeconds: 12 }), fix: "try again in 12 s" },
    not_found: { error: api(404), fix: "check --organization, --user and --group, and --api-url" },
    bad_request: {
      error: api(400, { details: [{ parameter: "user", message: "user is missing" }] }),
      fix: "fix the options named",
    },
    server_error: { error: api(503, { title: "Internal Server Error" }), fix: "try again later" },
    api_error: { error: api(418, { title: "I'm a teapot", message: "short" }), fix: "" },
    transport: {
      error: new CalendlyTransportError(call, 2, refused),
      fix: "check --api-url / CALENDLY_API_URL and the network",
    },
    response: {
      error: new CalendlyResponseError(call, 200, "resource: Required"),
      fix: "check --api-url / CALENDLY_API_URL",
    },
    other: { error: new Error("something\nelse"), fix: "" },
  };

  it.each(Object.keys(cases) as ExplainedProblem[])("%s: what happened, then the CLI's fix", (problem) => {
    const { error, fix } = cases[problem];
    const { what } = explainCalendlyError(error, context, CLI_FIXES);
    expect(explainCliError(error, context)).toBeInstanceOf(CliError);
    expect(explainCliError(error, context).message).toBe(fix === "" ? what : `${what}: ${fix}`);
  });

  it("names where the token came from, and the API URL it could not reach", () => {
    expect(explainCliError(cases.unauthenticated.error, context).message).toBe(
      'could not list webhook subscriptions: Calendly rejected the token from stack "prod" (401 The access token expired): set CALENDLY_TOKEN to a valid token instead of --stack, and remove the stale one from the stack\'s config (`pulumi config rm calendly:token --stack prod`)',
    );
    expect(explainCliError(cases.transport.error, context).message).toBe(
      "could not list webhook subscriptions: no answer from http://api after 2 attempt(s) (ECONNREFUSED connect ECONNREFUSED): check --api-url / CALENDLY_API_URL and the network",
    );
    expect(explainCliError(cases.other.error, context).message).toBe(
      "could not list webhook subscriptions: something else",
    );
  });

  it("a rejected token from the environment says to set CALENDLY_TOKEN", () => {
    const error = api(401, { title: "Unauthenticated" });
    expect(explainCliError(error, { ...context, tokenSource: "CALENDLY_TOKEN" }).message).toContain(
      "from CALENDLY_TOKEN (401 Unauthenticated): set CALENDLY_TOKEN to a valid personal access token",
    );
  });

  it.each([
    ["organization", "organization scope needs an organization owner's or admin's token: use --scope user"],
    ["group", "group scope needs an organization owner's or admin's token: use --scope user"],
  ])("a role problem in %s scope names the way out", (scope, expected) => {
    const error = api(403, { title: "Permission Denied", message: "You do not have permission" });
    expect(explainCliError(error, { ...context, scope }).message).toContain(expected);
  });

  it("an insufficient scope adds the read scopes of the events concerned", () => {
    const error = api(403, { title: "Insufficient scope" });
    expect(
      explainCliError(error, { ...context, events: ["routing_form_submission.created"] }).message,
    ).toContain("webhooks:write, routing_forms:read");
  });

  it("a CliError passes as it is", () => {
    const error = new CliError("already explained");
    expect(explainCliError(error, context)).toBe(error);
  });
});

describe("output", () => {
  it("pads columns but leaves the last one ragged", () => {
    expect(
      formatTable(
        ["A", "BB"],
        [
          ["xyz", "1"],
          ["x", "22"],
        ],
      ),
    ).toBe("A    BB\nxyz  1\nx    22");
  });

  it("says how long ago", () => {
    const now = Date.parse("2026-01-02T12:00:00Z");
    expect(ago("2026-01-02T11:59:30.000000Z", now)).toBe("30 s ago");
    expect(ago("2026-01-02T11:00:00.000000Z", now)).toBe("60 min ago");
    expect(ago("2026-01-01T06:00:00.000000Z", now)).toBe("30 h ago");
  });

  it("suggests near names only", () => {
    expect(closest("invitee.cancelled", ["invitee.canceled", "invitee.created"])).toBe("invitee.canceled");
    expect(closest("bananas", ["whoami", "list", "adopt"])).toBeUndefined();
  });

  it("draws a spinner on a terminal only, and a note clears its line", async () => {
    for (const isTTY of [true, false]) {
      let written = "";
      const reporter = createReporter({
        stdout: { write: () => true },
        stderr: { write: (t: string) => (written += t), isTTY },
        env: {},
      });
      await reporter.progress("listing", async () => {
        reporter.note("rate limited; retrying in 1 s");
        return 1;
      });
      if (isTTY) {
        expect(written).toContain("listing… ");
        expect(written).toContain("\r\x1b[Krate limited; retrying in 1 s\n");
        expect(written.endsWith("\r\x1b[K")).toBe(true);
      } else {
        expect(written).toBe("rate limited; retrying in 1 s\n");
      }
    }
  });
});
