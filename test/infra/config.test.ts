/**
 * Configuration errors: each one named by its config key with a fix, all of them reported at
 * once, and the program stopped before it declares any resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ConfigProblem,
  type RawStackConfig,
  readStackConfig,
  StackConfigError,
  validateStackConfig,
} from "../../infra/config";
import { MONITORING_SETTING_KINDS } from "../../infra/receiver/monitoring-settings";
import { RECEIVER_DEFAULTS } from "../../infra/receiver/settings";
import {
  configWith,
  FAKE_TOKEN,
  projectConfig,
  projectDefaults,
  runScenario,
  type ScenarioResult,
} from "./harness/run";

const P = "calendly-webhooks";

/** Values as the CLI hands them to the program: Pulumi.yaml's defaults, under `raw`. */
function validated(raw: RawStackConfig) {
  return validateStackConfig({ ...projectDefaults(), ...raw }, P);
}

function problemsOf(raw: RawStackConfig): ConfigProblem[] {
  return validated(raw).problems;
}

/** The one problem reported for `raw`; fails if there is not exactly one. */
function onlyProblem(raw: RawStackConfig): ConfigProblem {
  const problems = problemsOf(raw);
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  return problems[0];
}

const sub = (extra: Record<string, unknown>) => [
  { name: "s", scope: "user", events: ["invitee.created"], ...extra },
];

describe("validateStackConfig", () => {
  it("accepts Pulumi.yaml's defaults: one user-scope subscription to invitee.created and invitee.canceled", () => {
    const result = validated({});
    expect(result.problems).toEqual([]);
    expect(result.config?.subscriptions).toEqual([
      {
        name: "bookings",
        scope: "user",
        events: ["invitee.canceled", "invitee.created"],
        signingKeyGeneration: 1,
      },
    ]);
    expect(result.config?.endpointUrl).toBeUndefined();
    expect(result.config?.receiver.routePath).toBe("/calendly/webhooks");
  });

  it("leaves an unset receiver or monitoring setting to the component's default, and needs the subscriptions", () => {
    const result = validateStackConfig({ subscriptions: sub({}) }, P);
    expect(result.problems).toEqual([]);
    expect(result.config).toMatchObject({ receiver: {}, monitoring: {}, tags: {} });
    expect(result.config?.endpointUrl).toBeUndefined();
    // The component's defaults are judged by the same rules: claimCheckRetentionDays (default 30)
    // must be at least the archive's.
    expect(validateStackConfig({ subscriptions: sub({}), archiveRetentionDays: 60 }, P).problems).toEqual([
      {
        key: `${P}:claimCheckRetentionDays`,
        message: expect.stringMatching(`${RECEIVER_DEFAULTS.claimCheckRetentionDays} days is shorter`),
      },
    ]);
    expect(validateStackConfig({}, P).problems).toEqual([
      { key: `${P}:subscriptions`, message: expect.stringMatching(/must be a non-empty list/) },
    ]);
  });

  it("names an unknown event, with the spelling hint", () => {
    const problem = onlyProblem({ subscriptions: sub({ events: ["invitee.cancelled"] }) });
    expect(problem.key).toBe(`${P}:subscriptions[0].events`);
    expect(problem.message).toMatch(/unknown event "invitee.cancelled".*one l/);
  });

  it("names an event that its scope does not allow, and the scope it needs", () => {
    const recap = onlyProblem({
      subscriptions: [{ name: "org", scope: "organization", events: ["meeting_recap.created"] }],
    });
    expect(recap.key).toBe(`${P}:subscriptions[0].events`);
    expect(recap.message).toMatch(
      /subscription "org": event "meeting_recap.created" is not allowed in organization scope.*"user"/,
    );
    const forms = onlyProblem({ subscriptions: sub({ events: ["routing_form_submission.created"] }) });
    expect(forms.message).toMatch(/not allowed in user scope.*"organization"/);
  });

  it("asks for a group URI in group scope, and refuses owners that do not fit the scope", () => {
    expect(onlyProblem({ subscriptions: sub({ scope: "group" }) })).toMatchObject({
      key: `${P}:subscriptions[0].group`,
      message: expect.stringMatching(/group scope needs group/),
    });
    expect(
      onlyProblem({
        subscriptions: sub({ scope: "organization", user: "https://api.calendly.com/users/U" }),
      }),
    ).toMatchObject({
      key: `${P}:subscriptions[0].user`,
      message: expect.stringMatching(/only to scope "user"/),
    });
    expect(onlyProblem({ subscriptions: sub({ user: "me" }) }).message).toMatch(/not a Calendly user URI/);
  });

  it("refuses a malformed or plain-http endpointUrl", () => {
    expect(onlyProblem({ endpointUrl: "hooks.zapier.com/catch" })).toMatchObject({
      key: `${P}:endpointUrl`,
      message: expect.stringMatching(/not an absolute URL/),
    });
    expect(onlyProblem({ endpointUrl: "http://example.com/hook" }).message).toMatch(
      /https:\/\/example.com\/hook/,
    );
    expect(problemsOf({ endpointUrl: "http://127.0.0.1:8080/hook" })).toEqual([]);
  });

  it("refuses a scope that does not exist and a subscription without events", () => {
    expect(onlyProblem({ subscriptions: sub({ scope: "team" }) })).toMatchObject({
      key: `${P}:subscriptions[0].scope`,
      message: expect.stringMatching(/scope must be one of "organization", "user", "group"/),
    });
    expect(onlyProblem({ subscriptions: sub({ events: [] }) }).key).toBe(`${P}:subscriptions[0].events`);
  });

  it("refuses unknown subscription settings, bad and duplicate names, bad key generations", () => {
    expect(onlyProblem({ subscriptions: sub({ event: "x" }) })).toMatchObject({
      key: `${P}:subscriptions[0].event`,
      message: expect.stringMatching(/unknown setting.*events/),
    });
    expect(onlyProblem({ subscriptions: sub({ name: "My Hooks" }) }).key).toBe(`${P}:subscriptions[0].name`);
    expect(onlyProblem({ subscriptions: [...sub({}), ...sub({})] })).toMatchObject({
      key: `${P}:subscriptions[1].name`,
      message: expect.stringMatching(/already the name of subscriptions\[0\]/),
    });
    expect(onlyProblem({ subscriptions: sub({ signingKeyGeneration: 0 }) }).key).toBe(
      `${P}:subscriptions[0].signingKeyGeneration`,
    );
    expect(onlyProblem({ subscriptions: sub({ signingKeyGeneration: "two" }) }).key).toBe(
      `${P}:subscriptions[0].signingKeyGeneration`,
    );
    expect(validated({ subscriptions: sub({ signingKeyGeneration: "2" }) }).config?.subscriptions).toEqual([
      { name: "s", scope: "user", events: ["invitee.created"], signingKeyGeneration: 2 },
    ]);
    expect(onlyProblem({ subscriptions: [] }).key).toBe(`${P}:subscriptions`);
    expect(onlyProblem({ subscriptions: ["bookings"] }).key).toBe(`${P}:subscriptions[0]`);
  });

  it("refuses route paths API Gateway would not match as given", () => {
    for (const routePath of ["calendly", "/calendly/", "/{proxy+}", "/a?b=c", "/a//b"]) {
      expect(onlyProblem({ routePath }).key, routePath).toBe(`${P}:routePath`);
    }
  });

  it("checks numbers against what AWS accepts", () => {
    expect(onlyProblem({ logRetentionDays: 10 }).message).toMatch(
      /not a retention CloudWatch Logs offers.*14, 30/,
    );
    expect(onlyProblem({ lambdaMemoryMb: 64 }).key).toBe(`${P}:lambdaMemoryMb`);
    expect(onlyProblem({ throttleRateLimit: 1.5 }).key).toBe(`${P}:throttleRateLimit`);
    expect(onlyProblem({ archiveRetentionDays: 60 })).toMatchObject({
      key: `${P}:claimCheckRetentionDays`,
      message: expect.stringMatching(/shorter than archiveRetentionDays \(60\).*at least 60/),
    });
  });

  it("checks log level and tags", () => {
    expect(onlyProblem({ logLevel: "verbose" }).key).toBe(`${P}:logLevel`);
    expect(onlyProblem({ tags: { "aws:owner": "x" } }).message).toMatch(/reserved/);
    expect(onlyProblem({ tags: { cost: 12 } }).message).toMatch(/string value/);
    expect(onlyProblem({ tags: ["a"] }).key).toBe(`${P}:tags`);
  });

  it("turns the watchdog and alarms on by default, with Pulumi.yaml's settings, and off with watchdog: false or endpointUrl", () => {
    expect(validated({}).config?.monitoring).toEqual({
      watchdogSchedule: "rate(5 minutes)",
      watchdogRetryingWindowHours: 24,
      watchdogFailedChecks: 2,
      alarmEmail: "",
      alarmTopicArn: "",
      alarmPeriodMinutes: 5,
      alarmReceiverFailures: 1,
      alarmSignatureFailures: 5,
      alarmSignatureFailurePeriods: 3,
      alarmLambdaErrors: 1,
      alarmLambdaThrottles: 1,
    });
    expect(validated({ watchdog: false }).config?.monitoring).toBeUndefined();
    expect(validated({ endpointUrl: "https://hooks.example.com/x" }).config?.monitoring).toBeUndefined();
    expect(
      validated({ watchdogSchedule: "rate(1 hour)", alarmEmail: "a@b.co" }).config?.monitoring,
    ).toMatchObject({ watchdogSchedule: "rate(1 hour)", alarmEmail: "a@b.co" });
  });

  it("takes only rate schedules, as EventBridge writes them, that CloudWatch can evaluate", () => {
    expect(onlyProblem({ watchdogSchedule: "cron(0/5 * * * ? *)" }).message).toMatch(
      /no fixed interval.*rate\(5 minutes\)/,
    );
    expect(onlyProblem({ watchdogSchedule: "every 5 minutes" }).key).toBe(`${P}:watchdogSchedule`);
    expect(onlyProblem({ watchdogSchedule: "rate(1 minutes)" }).message).toMatch(/"rate\(1 minute\)"/);
    expect(onlyProblem({ watchdogSchedule: "rate(5 minute)" }).message).toMatch(/"rate\(5 minutes\)"/);
    expect(onlyProblem({ watchdogSchedule: "rate(0 minutes)" }).message).toMatch(/at least one minute/);
    expect(onlyProblem({ watchdogSchedule: "rate(13 hours)" }).message).toMatch(/more than a day/);
    expect(problemsOf({ watchdogSchedule: "rate(1 day)", watchdogFailedChecks: 1 })).toEqual([]);
  });

  it("checks the alarm settings: an email, a standard topic ARN, not both, and none where nothing alarms", () => {
    expect(onlyProblem({ alarmEmail: "oncall" }).key).toBe(`${P}:alarmEmail`);
    expect(onlyProblem({ alarmTopicArn: "oncall" }).key).toBe(`${P}:alarmTopicArn`);
    expect(onlyProblem({ alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts.fifo" }).message).toMatch(
      /FIFO/,
    );
    expect(
      onlyProblem({ alarmEmail: "a@b.co", alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts" })
        .message,
    ).toMatch(/together with alarmTopicArn/);
    expect(onlyProblem({ watchdog: false, alarmEmail: "a@b.co" }).message).toMatch(
      /no effect: watchdog is false/,
    );
    expect(onlyProblem({ endpointUrl: "https://hooks.example.com/x", alarmEmail: "a@b.co" }).message).toMatch(
      /endpointUrl mode deploys no watchdog/,
    );
    expect(onlyProblem({ watchdog: "yes" }).message).toMatch(/true or false/);
    const wholeNumbers = Object.entries(MONITORING_SETTING_KINDS).filter(
      ([, kind]) => kind === "wholeNumber",
    );
    expect(wholeNumbers.length).toBe(8);
    for (const [key] of wholeNumbers) {
      expect(onlyProblem({ [key]: 0 }).key, key).toBe(`${P}:${key}`);
    }
  });

  it("reports every problem at once, one message per problem", () => {
    const problems = problemsOf({
      endpointUrl: "ftp://example.com",
      routePath: "webhooks",
      lambdaMemoryMb: 1,
      subscriptions: [
        { name: "a", scope: "user", events: ["invitee.cancelled", "routing_form_submission.created"] },
        { name: "b", scope: "group", events: ["invitee.created"] },
      ],
    });
    expect(problems.map((p) => p.key)).toEqual([
      `${P}:endpointUrl`,
      `${P}:routePath`,
      `${P}:lambdaMemoryMb`,
      `${P}:subscriptions[0].events`,
      `${P}:subscriptions[0].events`,
      `${P}:subscriptions[1].group`,
    ]);
    const error = new StackConfigError(problems);
    expect(error.message).toMatch(/6 problems; nothing was created, changed or deleted/);
    expect(error.message.split("\n").filter((line) => line.startsWith("  - "))).toHaveLength(6);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
  });
});

describe("readStackConfig (through pulumi.Config)", () => {
  /** `config` over Pulumi.yaml's, as the CLI hands them to the program. */
  const set = (config: Record<string, string>, secretKeys: string[], preview = false) => {
    void pulumi.runtime.setMocks(
      { newResource: () => ({ id: "x", state: {} }), call: () => ({}) },
      P,
      "t",
      preview,
    );
    pulumi.runtime.setAllConfig({ ...projectConfig(), ...config }, secretKeys);
  };
  const read = (): StackConfigError => {
    try {
      readStackConfig();
    } catch (error) {
      if (error instanceof StackConfigError) return error;
      throw error;
    }
    throw new Error("readStackConfig accepted the configuration");
  };
  afterEach(() => pulumi.runtime.setAllConfig({}, []));

  it("reads every project key and the provider's apiUrl", () => {
    set(
      {
        [`${P}:lambdaMemoryMb`]: "512",
        [`${P}:tags`]: '{"team":"x"}',
        [`${P}:watchdogSchedule`]: "rate(10 minutes)",
        [`${P}:alarmLambdaErrors`]: "3",
        [`${P}:alarmEmail`]: "oncall@example.com",
        "calendly:token": FAKE_TOKEN,
      },
      ["calendly:token"],
    );
    expect(readStackConfig().monitoring).toMatchObject({
      watchdogSchedule: "rate(10 minutes)",
      alarmLambdaErrors: 3,
      alarmEmail: "oncall@example.com",
    });
    set({ [`${P}:watchdog`]: "false", "calendly:token": FAKE_TOKEN }, ["calendly:token"]);
    expect(readStackConfig().monitoring).toBeUndefined();
    set({ [`${P}:watchdog`]: "maybe", "calendly:token": FAKE_TOKEN }, ["calendly:token"]);
    expect(read().problems).toEqual([{ key: `${P}:watchdog`, message: "must be true or false" }]);
    set({ [`${P}:lambdaMemoryMb`]: "512", [`${P}:tags`]: '{"team":"x"}', "calendly:token": FAKE_TOKEN }, [
      "calendly:token",
    ]);
    const config = readStackConfig();
    expect(config.receiver.lambdaMemoryMb).toBe(512);
    expect(config.tags).toEqual({ team: "x" });
    expect(config.receiver.logRetentionDays).toBe(projectDefaults().logRetentionDays);
  });

  it("reports values pulumi.Config cannot parse under their key", () => {
    set({ [`${P}:lambdaMemoryMb`]: "lots", [`${P}:subscriptions`]: "[{", "calendly:token": FAKE_TOKEN }, [
      "calendly:token",
    ]);
    expect(read().problems).toEqual([
      { key: `${P}:subscriptions`, message: "must be a JSON list of subscriptions" },
      { key: `${P}:lambdaMemoryMb`, message: "must be a whole number" },
    ]);
  });

  it("refuses a token stored in plain text, without quoting it", () => {
    set({ "calendly:token": FAKE_TOKEN }, []);
    const error = read();
    expect(error.problems).toEqual([
      {
        key: "calendly:token",
        message: expect.stringMatching(/plain text.*revoke.*config rm calendly:token.*CALENDLY_TOKEN/),
      },
    ]);
    expect(error.message).not.toContain(FAKE_TOKEN);
  });

  it("needs the token for `pulumi up`, not for a preview", () => {
    set({}, [], false);
    expect(read().problems).toEqual([
      { key: "calendly:token", message: expect.stringMatching(/is not set, and neither is CALENDLY_TOKEN/) },
    ]);
    expect(read().message).not.toMatch(/config set/);
    set({}, [], true);
    expect(() => readStackConfig()).not.toThrow();
  });

  it("takes CALENDLY_TOKEN from the environment as the token for `pulumi up` (the deploy workflow's way)", () => {
    const before = process.env.CALENDLY_TOKEN;
    process.env.CALENDLY_TOKEN = FAKE_TOKEN;
    try {
      set({}, [], false);
      expect(() => readStackConfig()).not.toThrow();
    } finally {
      if (before === undefined) delete process.env.CALENDLY_TOKEN;
      else process.env.CALENDLY_TOKEN = before;
    }
  });

  it("checks calendly:apiUrl with the callback URL rule", () => {
    set({ "calendly:apiUrl": "api.calendly.com", "calendly:token": FAKE_TOKEN }, ["calendly:token"]);
    expect(read().problems.map((p) => p.key)).toEqual(["calendly:apiUrl"]);
  });
});

describe("a bad configuration, run as a program", () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runScenario({
      stack: "test-bad-config",
      config: configWith({
        subscriptions: [
          { name: "team", scope: "organization", events: ["meeting_recap.created", "invitee.cancelled"] },
        ],
        logRetentionDays: 12,
        endpointUrl: "not a url",
      }),
    });
  }, 60_000);

  it("stops before any resource is declared, with one line per problem naming the key", () => {
    expect(result.resources).toEqual([]);
    expect(result.error?.name).toBe("StackConfigError");
    const lines = (result.error?.message ?? "").split("\n").filter((l) => l.startsWith("  - "));
    expect(lines).toEqual([
      expect.stringMatching(/^ {2}- calendly-webhooks:endpointUrl: /),
      expect.stringMatching(/^ {2}- calendly-webhooks:logRetentionDays: /),
      expect.stringMatching(
        /^ {2}- calendly-webhooks:subscriptions\[0\]\.events: .*"meeting_recap.created" is not allowed/,
      ),
      expect.stringMatching(
        /^ {2}- calendly-webhooks:subscriptions\[0\]\.events: .*unknown event "invitee.cancelled"/,
      ),
    ]);
  });
});
