/**
 * "Never silently disabled", as the stack declares it (setMocks, harness/main.ts): the watchdog's
 * function, the token parameter it is told and may read (but that no resource holds), IAM and schedule; the alarms with their thresholds and missing-data
 * treatment; the SNS topic (or an existing one) and the email subscription; the outputs; and
 * `watchdog: false`, which turns all of it off.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { resourcePrefix } from "../../infra/naming";
import { deliveryFailurePeriods, RECEIVER_METRICS } from "../../infra/receiver/alarms";
import { WATCHDOG_HANDLER } from "../../lambda/build";
import { createObservability } from "../../lambda/observability";
import { loadWatchdogConfig } from "../../lambda/watchdog-config";
import { captureStdout } from "../lambda/support";
import { ACCOUNT, REGION } from "./harness/mocks";
import { isArchive, mentions, named, ofType, reveal } from "./harness/report";
import { configWith, FAKE_TOKEN, runScenario, type ScenarioResult } from "./harness/run";
import type { RegisteredResource } from "./harness/types";

const T = {
  fn: "aws:lambda/function:Function",
  parameter: "aws:ssm/parameter:Parameter",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  permission: "aws:lambda/permission:Permission",
  topic: "aws:sns/topic:Topic",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  subscription: "pulumi-nodejs:dynamic/calendly:WebhookSubscription",
  receiver: "calendly-webhooks:receiver:CalendlyWebhookReceiver",
} as const;

const EXISTING_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:oncall`;
const TWO = [
  { name: "bookings", scope: "user", events: ["invitee.created", "invitee.canceled"] },
  { name: "forms", scope: "organization", events: ["routing_form_submission.created"] },
];

/** A token exported beside a stale one in stack config, as after a rotation. */
const EXPORTED_TOKEN = "exported-calendly-token-after-rotation";
const TOKEN_PARAMETER = "/calendly-webhooks/test-watch/watchdog/calendly-token";

let standard: ScenarioResult;
let custom: ScenarioResult;
let off: ScenarioResult;
let exported: ScenarioResult;
let tokenless: ScenarioResult;

beforeAll(async () => {
  [standard, custom, off, exported, tokenless] = await Promise.all([
    runScenario({ stack: "test-watch", config: configWith({ alarmEmail: "oncall@example.com" }) }),
    runScenario({
      stack: "test-watch-custom",
      config: configWith({
        subscriptions: TWO,
        alarmTopicArn: EXISTING_TOPIC,
        watchdogSchedule: "rate(15 minutes)",
        watchdogRetryingWindowHours: 6,
        watchdogFailedChecks: 3,
        alarmPeriodMinutes: 10,
        alarmReceiverFailures: 4,
        alarmSignatureFailures: 20,
        alarmSignatureFailurePeriods: 2,
        alarmLambdaErrors: 2,
        alarmLambdaThrottles: 3,
        "calendly:apiUrl": "https://calendly-proxy.example.com",
      }),
    }),
    runScenario({ stack: "test-watch-off", config: configWith({ watchdog: false }) }),
    runScenario({ stack: "test-watch-env", config: configWith({}), env: { CALENDLY_TOKEN: EXPORTED_TOKEN } }),
    // The same stack with no token anywhere: the pull-request preview's case.
    runScenario({
      stack: "test-watch-env",
      config: configWith({ "calendly:token": undefined }),
      preview: true,
    }),
  ]);
}, 120_000);

const input = (r: RegisteredResource, key: string) => reveal(r.inputs[key]);
const output = (r: RegisteredResource, key: string) => reveal(r.state[key]);
const alarm = (report: ScenarioResult, suffix: string) =>
  named(report, T.alarm, `calendly-${report === standard ? "test-watch" : "test-watch-custom"}-${suffix}`);

describe("the watchdog", () => {
  it("runs without error, inside the receiver component", () => {
    for (const report of [standard, custom, off]) {
      expect(report.error).toBeUndefined();
      expect(report.unhandled).toEqual([]);
    }
    const receiver = ofType(standard, T.receiver)[0]!;
    for (const name of [
      "calendly-test-watch-watchdog",
      "calendly-test-watch-watchdog-schedule",
      "calendly-test-watch-alarms",
    ]) {
      const resource = standard.resources.find((r) => r.name === name)!;
      expect(resource.parent, name).toBe(receiver.urn);
    }
  });

  it("holds no token: no resource keeps one, and the token parameter is not a resource of the stack", () => {
    expect(ofType(standard, T.parameter).map((r) => r.name)).toEqual(["calendly-test-watch-signing-keys"]);
    for (const r of standard.resources) {
      expect(mentions(reveal(r.inputs), FAKE_TOKEN), `${r.name} inputs`).toBe(false);
      expect(mentions(reveal(r.state), FAKE_TOKEN), `${r.name} outputs`).toBe(false);
    }
    expect(standard.outputs.watchdogTokenParameterName).toEqual({ value: TOKEN_PARAMETER, secret: false });
  });

  it("declares the same inputs with an exported CALENDLY_TOKEN (beside calendly:token) as with no token at all", () => {
    expect(exported.error).toBeUndefined();
    expect(tokenless.error).toBeUndefined();
    for (const r of exported.resources) {
      expect(mentions(reveal(r.inputs), EXPORTED_TOKEN), r.name).toBe(false);
      expect(mentions(reveal(r.inputs), FAKE_TOKEN), r.name).toBe(false);
    }
    // What a tokenless preview would diff against: every resource, every input, the same.
    const inputs = (report: ScenarioResult) =>
      Object.fromEntries(report.resources.map((r) => [r.urn, reveal(r.inputs)]));
    expect(inputs(tokenless)).toEqual(inputs(exported));
  });

  it("is the watchdog bundle on Node 22/arm64, configured by names only, in a form its own config reader accepts", () => {
    const fn = named(standard, T.fn, "calendly-test-watch-watchdog");
    expect(input(fn, "runtime")).toBe("nodejs22.x");
    expect(input(fn, "architectures")).toEqual(["arm64"]);
    expect(input(fn, "handler")).toBe(WATCHDOG_HANDLER);
    expect(input(fn, "timeout")).toBe(60);
    expect(isArchive(fn.inputs.code) && Object.keys(fn.inputs.code.assets).sort()).toEqual([
      "watchdog.js",
      "watchdog.js.map",
    ]);
    const variables = (input(fn, "environment") as { variables: Record<string, string> }).variables;
    const subscription = named(standard, T.subscription, "bookings");
    expect(variables).toEqual({
      WATCHED_SUBSCRIPTIONS: JSON.stringify({ bookings: output(subscription, "uri") }),
      CALENDLY_TOKEN_PARAMETER: TOKEN_PARAMETER,
      CALENDLY_API_URL: "https://api.calendly.com",
      RETRYING_WINDOW_SECONDS: "86400",
      WATCHDOG_DEADLINE_SECONDS: "45",
      POWERTOOLS_SERVICE_NAME: "calendly-watchdog-test-watch",
      POWERTOOLS_LOG_LEVEL: "INFO",
      NODE_OPTIONS: "--enable-source-maps",
    });
    expect(loadWatchdogConfig(variables)).toMatchObject({
      watched: [{ name: "bookings", uri: output(subscription, "uri") }],
      token: { source: "ssm", parameterName: TOKEN_PARAMETER },
      retryingWindowMs: 86_400_000,
    });
    expect(mentions(reveal(fn.inputs), FAKE_TOKEN)).toBe(false);
    expect(fn.dependencies).toContain(subscription.urn);
  });

  it("may read only its token parameter and write only its own logs (metrics travel in the logs)", () => {
    const policy = JSON.parse(
      String(input(named(standard, T.rolePolicy, "calendly-test-watch-watchdog-policy"), "policy")),
    );
    const logGroup = output(named(standard, T.logGroup, "calendly-test-watch-watchdog-logs"), "arn");
    const grants = (policy.Statement as { Effect: string; Action: string[]; Resource: string[] }[]).flatMap(
      (s) => s.Action.map((action) => [action, s.Resource, s.Effect] as const),
    );
    expect(grants).toEqual([
      ["logs:CreateLogStream", [`${logGroup}:*`], "Allow"],
      ["logs:PutLogEvents", [`${logGroup}:log-stream:*`], "Allow"],
      // The stack's account and region (the invoked getCallerIdentity, getRegion, getPartition).
      ["ssm:GetParameter", [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${TOKEN_PARAMETER}`], "Allow"],
    ]);
    const role = named(standard, T.role, "calendly-test-watch-watchdog-role");
    expect(JSON.parse(String(input(role, "assumeRolePolicy"))).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(input(named(standard, T.fn, "calendly-test-watch-watchdog"), "role")).toBe(output(role, "arn"));
    // The receiver's role gains nothing: the token is not readable by the receiver.
    const receiverPolicy = String(
      input(named(standard, T.rolePolicy, "calendly-test-watch-receiver-policy"), "policy"),
    );
    expect(receiverPolicy).not.toContain("calendly-token");
    expect(
      input(named(custom, T.rolePolicy, "calendly-test-watch-custom-watchdog-policy"), "policy"),
    ).toContain(`parameter/calendly-webhooks/test-watch-custom/watchdog/calendly-token"`);
  });

  it("runs on a schedule (every 5 minutes by default): a rule whose target is the function, allowed by that rule only", () => {
    const rule = named(standard, T.rule, "calendly-test-watch-watchdog-schedule");
    const fn = named(standard, T.fn, "calendly-test-watch-watchdog");
    expect(input(rule, "scheduleExpression")).toBe("rate(5 minutes)");
    const target = named(standard, T.target, "calendly-test-watch-watchdog-target");
    expect(input(target, "rule")).toBe(output(rule, "name"));
    expect(input(target, "arn")).toBe(output(fn, "arn"));
    const permission = named(standard, T.permission, "calendly-test-watch-watchdog-invoke");
    expect(input(permission, "principal")).toBe("events.amazonaws.com");
    expect(input(permission, "sourceArn")).toBe(output(rule, "arn"));
    expect(input(permission, "function")).toBe(output(fn, "name"));
    const invokeConfig = named(standard, T.invokeConfig, "calendly-test-watch-watchdog-invoke-config");
    expect(input(invokeConfig, "maximumRetryAttempts")).toBe(0);
    expect(
      input(named(custom, T.rule, "calendly-test-watch-custom-watchdog-schedule"), "scheduleExpression"),
    ).toBe("rate(15 minutes)");
  });

  it("takes the retrying window and the API URL from the config", () => {
    const fn = named(custom, T.fn, "calendly-test-watch-custom-watchdog");
    const variables = (input(fn, "environment") as { variables: Record<string, string> }).variables;
    expect(variables.RETRYING_WINDOW_SECONDS).toBe(String(6 * 3600));
    expect(variables.CALENDLY_API_URL).toBe("https://calendly-proxy.example.com");
    expect(Object.keys(JSON.parse(variables.WATCHED_SUBSCRIPTIONS!)).sort()).toEqual(["bookings", "forms"]);
  });
});

describe("the alarms", () => {
  const topicArn = () => output(named(standard, T.topic, "calendly-test-watch-alarms"), "arn");

  it("all notify the stack's one topic, on alarm and on recovery; the topic ARN is an output", () => {
    expect(ofType(standard, T.topic)).toHaveLength(1);
    const alarms = ofType(standard, T.alarm);
    expect(alarms).toHaveLength(8);
    for (const a of alarms) {
      expect(input(a, "alarmActions"), a.name).toEqual([topicArn()]);
      expect(input(a, "okActions"), a.name).toEqual([topicArn()]);
      expect(String(input(a, "alarmDescription")).length, a.name).toBeGreaterThan(60);
    }
    expect(standard.outputs.alarmTopicArn).toEqual({ value: topicArn(), secret: false });
    expect(standard.outputs.watchdogFunctionName.value).toBe(
      output(named(standard, T.fn, "calendly-test-watch-watchdog"), "name"),
    );
  });

  it("alarmEmail subscribes that address to the topic", () => {
    const subscription = named(standard, T.topicSubscription, "calendly-test-watch-alarms-email");
    expect(input(subscription, "protocol")).toBe("email");
    expect(input(subscription, "endpoint")).toBe("oncall@example.com");
    expect(input(subscription, "topic")).toBe(topicArn());
  });

  it("one per subscription: SubscriptionHealthy below 1 over the watchdog's interval; a failed check keeps its state", () => {
    expect(input(alarm(standard, "bookings-unhealthy"), "dimensions")).toEqual({
      service: "calendly-watchdog-test-watch",
      Subscription: "bookings",
    });
    expect(alarm(standard, "bookings-unhealthy").inputs).toMatchObject({
      namespace: "CalendlyWebhooks",
      metricName: "SubscriptionHealthy",
      statistic: "Minimum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "ignore",
    });
    expect(
      ofType(custom, T.alarm)
        .filter((a) => a.name.endsWith("-unhealthy"))
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      "calendly-test-watch-custom-bookings-unhealthy",
      "calendly-test-watch-custom-forms-unhealthy",
    ]);
    expect(input(alarm(custom, "forms-unhealthy"), "period")).toBe(900);
  });

  it("one per subscription: the receiver's SubscriptionFailures within the retrying window (at most a day, 5-minute periods)", () => {
    expect(alarm(standard, "bookings-delivery-failures").inputs).toMatchObject({
      namespace: "CalendlyWebhooks",
      metricName: RECEIVER_METRICS.subscriptionFailures,
      dimensions: { service: "calendly-receiver-test-watch", Subscription: "bookings" },
      statistic: "Sum",
      period: 300,
      // 24 hours of 5-minute periods: the longest CloudWatch looks back over periods under an hour.
      evaluationPeriods: 288,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    expect(String(input(alarm(standard, "bookings-delivery-failures"), "alarmDescription"))).toMatch(
      /"bookings".*24 hour\(s\).*disables the subscription/,
    );
    // The receiver emits the metric under these very names (test/lambda/subscription-failures.test.ts).
    expect(RECEIVER_METRICS.subscriptionDimension).toBe("Subscription");
    // watchdogRetryingWindowHours: 6 → six hours of periods.
    expect(
      ofType(custom, T.alarm)
        .filter((a) => a.name.endsWith("-delivery-failures"))
        .map((a) => [a.name, input(a, "evaluationPeriods"), input(a, "period")]),
    ).toEqual([
      ["calendly-test-watch-custom-bookings-delivery-failures", 72, 300],
      ["calendly-test-watch-custom-forms-delivery-failures", 72, 300],
    ]);
    // A longer window is cut to the day CloudWatch allows, which covers Calendly's 24 hours.
    expect([1, 24, 48, 720].map(deliveryFailurePeriods)).toEqual([12, 288, 288, 288]);
    for (const hours of [1, 24, 720]) expect(deliveryFailurePeriods(hours) * 300).toBeLessThanOrEqual(86_400);
  });

  it("the check failing: ChecksFailed, with missing data breaching, so a watchdog that stopped running alarms", () => {
    expect(alarm(standard, "watchdog-checks-failing").inputs).toMatchObject({
      namespace: "CalendlyWebhooks",
      metricName: "ChecksFailed",
      dimensions: { service: "calendly-watchdog-test-watch" },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "breaching",
    });
    expect(alarm(custom, "watchdog-checks-failing").inputs).toMatchObject({
      period: 900,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
  });

  it("the token not set: TokenNotSet in one interval, with the exact command that sets it for this stack", () => {
    const notSet = alarm(standard, "watchdog-token-not-set");
    expect(notSet.inputs).toMatchObject({
      namespace: "CalendlyWebhooks",
      metricName: "TokenNotSet",
      dimensions: { service: "calendly-watchdog-test-watch" },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    const text = String(input(notSet, "alarmDescription"));
    expect(text).toContain(TOKEN_PARAMETER);
    expect(text).toContain("`calendly-webhooks token put --stack test-watch`");
    expect(String(input(alarm(custom, "watchdog-token-not-set"), "alarmDescription"))).toContain(
      "`calendly-webhooks token put --stack test-watch-custom`",
    );
  });

  it("name the stack's one token path as the remedy, never stack config, within CloudWatch's 1024 characters", () => {
    for (const report of [standard, custom]) {
      for (const a of ofType(report, T.alarm)) {
        const text = String(input(a, "alarmDescription"));
        expect(text, a.name).not.toMatch(/config set|calendly:token/);
        expect(text.length, a.name).toBeLessThanOrEqual(1024);
      }
    }
    const checks = String(input(alarm(standard, "watchdog-checks-failing"), "alarmDescription"));
    expect(checks).toMatch(/http_401 .*`calendly-webhooks token put --stack test-watch`/);
  });

  it("the receiver: its 5xx (forward failures and errors), sustained signature mismatches, Lambda errors and throttles", () => {
    const failures = alarm(standard, "receiver-failures");
    expect(input(failures, "threshold")).toBe(1);
    expect(input(failures, "treatMissingData")).toBe("notBreaching");
    const queries = input(failures, "metricQueries") as {
      id: string;
      expression?: string;
      metric?: { metricName: string; dimensions: Record<string, string>; period: number; stat: string };
    }[];
    expect(queries.find((q) => q.expression)!.expression).toBe("FILL(forward, 0) + FILL(errors, 0)");
    expect(queries.filter((q) => q.metric).map((q) => q.metric)).toEqual([
      {
        namespace: "CalendlyWebhooks",
        metricName: "ForwardFailures",
        dimensions: { service: "calendly-receiver-test-watch" },
        period: 300,
        stat: "Sum",
      },
      {
        namespace: "CalendlyWebhooks",
        metricName: "Errors",
        dimensions: { service: "calendly-receiver-test-watch" },
        period: 300,
        stat: "Sum",
      },
    ]);
    expect(alarm(standard, "receiver-signature-failures").inputs).toMatchObject({
      metricName: "Rejected",
      dimensions: { service: "calendly-receiver-test-watch", Reason: "mismatch" },
      statistic: "Sum",
      threshold: 5,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
    });
    const receiverFn = output(named(standard, T.fn, "calendly-test-watch-receiver"), "name");
    for (const [suffix, metricName] of [
      ["receiver-lambda-errors", "Errors"],
      ["receiver-lambda-throttles", "Throttles"],
    ]) {
      expect(alarm(standard, suffix!).inputs, suffix).toMatchObject({
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: receiverFn },
        threshold: 1,
        treatMissingData: "notBreaching",
      });
    }
  });

  it("take their thresholds and periods from the config", () => {
    expect(input(alarm(custom, "receiver-failures"), "threshold")).toBe(4);
    const queries = input(alarm(custom, "receiver-failures"), "metricQueries") as {
      metric?: { period: number };
    }[];
    expect(queries.filter((q) => q.metric).map((q) => q.metric!.period)).toEqual([600, 600]);
    expect(alarm(custom, "receiver-signature-failures").inputs).toMatchObject({
      threshold: 20,
      evaluationPeriods: 2,
      period: 600,
    });
    expect(input(alarm(custom, "receiver-lambda-errors"), "threshold")).toBe(2);
    expect(input(alarm(custom, "receiver-lambda-throttles"), "threshold")).toBe(3);
  });

  it("alarmTopicArn: no topic is created, every alarm notifies the existing one, which is the output", () => {
    expect(ofType(custom, T.topic)).toEqual([]);
    expect(ofType(custom, T.topicSubscription)).toEqual([]);
    for (const a of ofType(custom, T.alarm))
      expect(input(a, "alarmActions"), a.name).toEqual([EXISTING_TOPIC]);
    expect(custom.outputs.alarmTopicArn.value).toBe(EXISTING_TOPIC);
  });

  it("name the metrics the receiver really emits", async () => {
    const observability = createObservability({ POWERTOOLS_SERVICE_NAME: "calendly-receiver-x" });
    const { lines } = await captureStdout(async () => {
      observability.delivery({
        requestId: "a",
        outcome: "failed",
        status: 503,
        reason: "forward_deadline",
        latencyMs: 1,
      });
      observability.delivery({
        requestId: "b",
        outcome: "failed",
        status: 500,
        reason: "internal_error",
        latencyMs: 1,
      });
      observability.delivery({
        requestId: "c",
        outcome: "rejected",
        status: 401,
        reason: "mismatch",
        latencyMs: 1,
      });
    });
    const emf = lines.map((l) => JSON.parse(l)).filter((l) => l._aws);
    expect(emf[0]).toMatchObject({ [RECEIVER_METRICS.forwardFailures]: 1, service: "calendly-receiver-x" });
    expect(emf[1]).toMatchObject({ [RECEIVER_METRICS.errors]: 1 });
    expect(emf[2]).toMatchObject({
      [RECEIVER_METRICS.rejected]: 1,
      [RECEIVER_METRICS.reasonDimension]: RECEIVER_METRICS.signatureMismatch,
    });
  });
});

describe("names", () => {
  it("fit AWS's limits with the longest stack prefix (Pulumi adds an 8-character suffix)", () => {
    const longest = resourcePrefix("a-very-long-stack-name-for-production-eu");
    expect(`${longest}-watchdog-1234567`.length).toBeLessThanOrEqual(64); // Lambda
    expect(`${longest}-watchdog-role-1234567`.length).toBeLessThanOrEqual(64); // IAM role
    expect(`${longest}-watchdog-schedule-1234567`.length).toBeLessThanOrEqual(64); // EventBridge rule
    expect(`${longest}-${"s".repeat(32)}-delivery-failures-1234567`.length).toBeLessThanOrEqual(255); // alarm
  });
});

describe("watchdog: false", () => {
  it("deploys no watchdog, token parameter, schedule, topic or alarm, and no such outputs", () => {
    const names = off.resources.map((r) => r.name);
    expect(names.filter((n) => /watchdog|alarm|unhealthy|calendly-token|failures|lambda-/.test(n))).toEqual(
      [],
    );
    for (const type of [T.rule, T.target, T.topic, T.alarm, T.invokeConfig])
      expect(ofType(off, type), type).toEqual([]);
    expect(ofType(off, T.fn)).toHaveLength(1);
    expect(off.outputs.alarmTopicArn).toBeUndefined();
    expect(off.outputs.watchdogFunctionName).toBeUndefined();
    for (const r of off.resources) expect(mentions(reveal(r.inputs), FAKE_TOKEN), r.name).toBe(false);
  });
});
