/**
 * The default dev stack (Pulumi.yaml's defaults + Pulumi.dev.yaml), run as `pulumi up` would run
 * it but against mocks (harness/main.ts): the resource graph, each resource's key properties, the
 * wiring between receiver and subscription, ordering, and what may and may not be secret.
 */

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { replacementMarker } from "pulumi-calendly";
import { beforeAll, describe, expect, it } from "vitest";
import { LAMBDA_HANDLER } from "../../lambda/build";
import { loadConfig } from "../../lambda/config";
import { parseSigningKeys } from "../../lambda/signing-key-list";
import { RESOURCE_TYPES } from "../support/resource-types";
import { REGION } from "./harness/mocks";
import { isArchive, isSecretValue, mentions, named, ofType, one, reveal } from "./harness/report";
import {
  configWith,
  FAKE_TOKEN,
  PROJECT_ROOT,
  projectConfig,
  runScenario,
  stackFileConfig,
} from "./harness/run";
import type { RegisteredResource, Report } from "./harness/types";

const T = RESOURCE_TYPES;

/** The resources a default dev stack creates: docs/deployment.md lists the same. */
const DEV_STACK_RESOURCES: [string, string][] = [
  [T.provider, "calendly-dev-aws"],
  [T.receiver, "calendly-dev"],
  [T.api, "calendly-dev-api"],
  [T.logGroup, "calendly-dev-api-access-logs"],
  [T.integration, "calendly-dev-integration"],
  [T.route, "calendly-dev-route"],
  [T.stage, "calendly-dev-stage"],
  [T.permission, "calendly-dev-invoke"],
  [T.fn, "calendly-dev-receiver"],
  [T.logGroup, "calendly-dev-receiver-logs"],
  [T.role, "calendly-dev-receiver-role"],
  [T.rolePolicy, "calendly-dev-receiver-policy"],
  [T.bus, "calendly-dev-bus"],
  [T.archive, "calendly-dev-archive"],
  [T.bucket, "calendly-dev-claim-checks"],
  [T.publicAccess, "calendly-dev-claim-checks-private"],
  [T.ownership, "calendly-dev-claim-checks-ownership"],
  [T.encryption, "calendly-dev-claim-checks-encryption"],
  [T.lifecycle, "calendly-dev-claim-checks-expiry"],
  [T.parameter, "calendly-dev-signing-keys"],
  [T.password, "bookings-signing-key-1"],
  [T.subscription, "bookings"],
  // The watchdog, its schedule and the alarms (test/infra/monitoring.test.ts). Its token's
  // parameter is not among them: `calendly-webhooks token put` writes it, never Pulumi.
  [T.logGroup, "calendly-dev-watchdog-logs"],
  [T.role, "calendly-dev-watchdog-role"],
  [T.rolePolicy, "calendly-dev-watchdog-policy"],
  [T.fn, "calendly-dev-watchdog"],
  [T.invokeConfig, "calendly-dev-watchdog-invoke-config"],
  [T.rule, "calendly-dev-watchdog-schedule"],
  [T.permission, "calendly-dev-watchdog-invoke"],
  [T.target, "calendly-dev-watchdog-target"],
  [T.topic, "calendly-dev-alarms"],
  [T.alarm, "calendly-dev-bookings-unhealthy"],
  [T.alarm, "calendly-dev-bookings-delivery-failures"],
  [T.alarm, "calendly-dev-watchdog-checks-failing"],
  [T.alarm, "calendly-dev-watchdog-token-not-set"],
  [T.alarm, "calendly-dev-receiver-failures"],
  [T.alarm, "calendly-dev-receiver-signature-failures"],
  [T.alarm, "calendly-dev-receiver-lambda-errors"],
  [T.alarm, "calendly-dev-receiver-lambda-throttles"],
];

let report: Report;
const input = (r: RegisteredResource, key: string) => reveal(r.inputs[key]);
/** The URL marker of Pulumi.dev.yaml's subscription: its events and scope, key generation 1. */
const DEV_MARKER = replacementMarker({
  events: ["invitee.created", "invitee.canceled", "invitee_no_show.created"],
  scope: "user",
  signingKeyGeneration: 1,
});
const output = (r: RegisteredResource, key: string) => reveal(r.state[key]);

beforeAll(async () => {
  report = await runScenario({
    stack: "dev",
    config: configWith({}, { ...projectConfig(), ...stackFileConfig("dev") }),
  });
}, 120_000);

describe("the dev stack", () => {
  it("runs to the end: no error, no unhandled rejection (closure serialization included)", () => {
    expect(report.error).toBeUndefined();
    expect(report.unhandled).toEqual([]);
    expect(one(report, T.subscription).hasDynamicProvider).toBe(true);
  });

  it("creates exactly the documented resources", () => {
    const actual = report.resources.map((r) => `${r.type} ${r.name}`).sort();
    expect(actual).toEqual(DEV_STACK_RESOURCES.map(([type, name]) => `${type} ${name}`).sort());
  });

  it("puts every AWS resource in the receiver component, on the stack's provider with its tags and region", () => {
    const receiver = one(report, T.receiver);
    const provider = one(report, T.provider);
    expect(receiver.providers.aws).toMatch(new RegExp(`^${escapeRegExp(provider.urn)}::`));
    const aws = report.resources.filter((r) => r.type.startsWith("aws:"));
    expect(aws).toHaveLength(35);
    for (const r of aws) {
      expect(r.parent, r.name).toBe(receiver.urn);
      expect(r.provider, r.name).toMatch(new RegExp(`^${escapeRegExp(provider.urn)}::`));
    }
    expect(JSON.parse(String(input(provider, "defaultTags")))).toEqual({
      tags: { project: "calendly-webhooks", stack: "dev", "managed-by": "pulumi", environment: "dev" },
    });
    expect(input(provider, "region")).toBe("us-east-1");
  });

  it("serves one POST route on the route path through a payload 2.0 Lambda proxy integration", () => {
    const api = one(report, T.api);
    const route = one(report, T.route);
    const integration = one(report, T.integration);
    const fn = named(report, T.fn, "calendly-dev-receiver");
    expect(input(api, "protocolType")).toBe("HTTP");
    expect(input(route, "routeKey")).toBe("POST /calendly/webhooks");
    expect(input(route, "apiId")).toBe(api.id);
    expect(input(route, "target")).toBe(`integrations/${integration.id}`);
    expect(input(integration, "integrationType")).toBe("AWS_PROXY");
    expect(input(integration, "payloadFormatVersion")).toBe("2.0");
    expect(input(integration, "integrationUri")).toBe(output(fn, "arn"));
    expect(input(integration, "timeoutMilliseconds")).toBeLessThan(15_000);
  });

  it("deploys the $default stage automatically, throttled, with JSON access logs in their own log group", () => {
    const stage = one(report, T.stage);
    const accessLogs = named(report, T.logGroup, "calendly-dev-api-access-logs");
    expect(input(stage, "name")).toBe("$default");
    expect(input(stage, "autoDeploy")).toBe(true);
    expect(input(stage, "defaultRouteSettings")).toEqual({
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
    });
    const logs = input(stage, "accessLogSettings") as { destinationArn: string; format: string };
    expect(logs.destinationArn).toBe(output(accessLogs, "arn"));
    const format = JSON.parse(logs.format) as Record<string, string>;
    expect(format.requestId).toBe("$context.requestId");
    expect(format.status).toBe("$context.status");
    expect(Object.values(format).join(" ")).not.toMatch(/header/i);
  });

  it("lets only this API's POST route invoke the function", () => {
    const permission = named(report, T.permission, "calendly-dev-invoke");
    const api = one(report, T.api);
    expect(input(permission, "action")).toBe("lambda:InvokeFunction");
    expect(input(permission, "principal")).toBe("apigateway.amazonaws.com");
    expect(input(permission, "function")).toBe(output(named(report, T.fn, "calendly-dev-receiver"), "name"));
    expect(input(permission, "sourceArn")).toBe(`${output(api, "executionArn")}/*/POST/calendly/webhooks`);
  });

  it("runs the receiver bundle on Node 22, arm64, as an archive of exactly the bundle's files", () => {
    const fn = named(report, T.fn, "calendly-dev-receiver");
    expect(input(fn, "runtime")).toBe("nodejs22.x");
    expect(input(fn, "architectures")).toEqual(["arm64"]);
    expect(input(fn, "handler")).toBe(LAMBDA_HANDLER);
    expect(input(fn, "memorySize")).toBe(256);
    expect(input(fn, "timeout")).toBeLessThan(15);
    const code = fn.inputs.code;
    expect(isArchive(code)).toBe(true);
    if (!isArchive(code)) return;
    expect(Object.keys(code.assets).sort()).toEqual(["handler.js", "handler.js.map"]);
    expect(code.assets["handler.js"].path).toMatch(/dist\/stacks\/dev\/lambda\/handler\.js$/);
    expect(input(fn, "role")).toBe(output(named(report, T.role, "calendly-dev-receiver-role"), "arn"));
  });

  it("gives the Lambda names and settings only, which the Lambda's own config reader accepts", () => {
    const fn = named(report, T.fn, "calendly-dev-receiver");
    const variables = (input(fn, "environment") as { variables: Record<string, string> }).variables;
    expect(variables).toEqual({
      EVENT_BUS_NAME: output(one(report, T.bus), "name"),
      CLAIM_CHECK_BUCKET: output(one(report, T.bucket), "bucket"),
      CALENDLY_SIGNING_KEY_PARAMETER: "/calendly-webhooks/dev/signing-keys",
      SIGNATURE_TOLERANCE_SECONDS: "180",
      POWERTOOLS_SERVICE_NAME: "calendly-receiver-dev",
      POWERTOOLS_LOG_LEVEL: "DEBUG",
      NODE_OPTIONS: "--enable-source-maps",
    });
    const config = loadConfig(variables);
    expect(config.signingKeys).toEqual({
      source: "ssm",
      parameterName: "/calendly-webhooks/dev/signing-keys",
    });
    expect(config.eventBusName).toBe(variables.EVENT_BUS_NAME);
    // No secret value anywhere in the function's inputs.
    const key = output(one(report, T.password), "result") as string;
    expect(mentions(reveal(fn.inputs), key)).toBe(false);
    expect(mentions(reveal(fn.inputs), FAKE_TOKEN)).toBe(false);
  });

  it("creates every log group with the configured retention and sends the function's logs to its own", () => {
    for (const group of ofType(report, T.logGroup))
      expect(input(group, "retentionInDays"), group.name).toBe(14);
    const fnLogs = named(report, T.logGroup, "calendly-dev-receiver-logs");
    expect(
      (input(named(report, T.fn, "calendly-dev-receiver"), "loggingConfig") as { logGroup: string }).logGroup,
    ).toBe(output(fnLogs, "name"));
  });

  it("keeps the signing keys in an SSM SecureString, marked secret, in the Lambda's format", () => {
    const parameter = named(report, T.parameter, "calendly-dev-signing-keys");
    expect(input(parameter, "type")).toBe("SecureString");
    expect(input(parameter, "name")).toBe("/calendly-webhooks/dev/signing-keys");
    expect(input(parameter, "keyId")).toBeUndefined(); // aws/ssm: see infra/receiver/policy.ts
    expect(isSecretValue(parameter.inputs.value)).toBe(true);
    const keys = parseSigningKeys(String(input(parameter, "value")));
    expect(keys).toEqual([output(one(report, T.password), "result")]);
  });

  it("puts events on a custom bus with an archive for replay", () => {
    const bus = one(report, T.bus);
    const archive = one(report, T.archive);
    expect(input(archive, "eventSourceArn")).toBe(output(bus, "arn"));
    expect(input(archive, "retentionDays")).toBe(7);
  });

  it("stores claim checks in a private, encrypted bucket that expires them and can be destroyed", () => {
    const bucket = one(report, T.bucket);
    expect(input(bucket, "forceDestroy")).toBe(true);
    for (const type of [T.publicAccess, T.ownership, T.encryption, T.lifecycle]) {
      expect(input(one(report, type), "bucket"), type).toBe(bucket.id);
    }
    const block = one(report, T.publicAccess);
    for (const flag of [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]) {
      expect(input(block, flag), flag).toBe(true);
    }
    expect(input(one(report, T.ownership), "rule")).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(input(one(report, T.encryption), "rules")).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    const [rule] = input(one(report, T.lifecycle), "rules") as {
      status: string;
      expiration: { days: number };
    }[];
    expect(rule.status).toBe("Enabled");
    expect(rule.expiration.days).toBe(7);
  });
});

describe("the receiver's IAM role", () => {
  interface Statement {
    Effect: string;
    Action: string[];
    Resource: string[];
  }
  const statements = () =>
    (
      JSON.parse(String(input(named(report, T.rolePolicy, "calendly-dev-receiver-policy"), "policy"))) as {
        Statement: Statement[];
      }
    ).Statement;

  it("may be assumed by Lambda only", () => {
    const trust = JSON.parse(
      String(input(named(report, T.role, "calendly-dev-receiver-role"), "assumeRolePolicy")),
    );
    expect(trust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("allows exactly: its log streams, PutEvents on its bus, GetParameter on its key, PutObject under the claim-check prefix", () => {
    const logGroup = output(named(report, T.logGroup, "calendly-dev-receiver-logs"), "arn");
    const bucket = output(one(report, T.bucket), "arn");
    const grants = statements().flatMap((s) => s.Action.map((action) => [action, s.Resource] as const));
    expect(Object.fromEntries(grants)).toEqual({
      "logs:CreateLogStream": [`${logGroup}:*`],
      "logs:PutLogEvents": [`${logGroup}:log-stream:*`],
      "events:PutEvents": [output(one(report, T.bus), "arn")],
      "ssm:GetParameter": [output(named(report, T.parameter, "calendly-dev-signing-keys"), "arn")],
      "s3:PutObject": [`${bucket}/calendly/*`],
    });
    expect(statements().every((s) => s.Effect === "Allow")).toBe(true);
  });

  it("has no wildcard action and no wildcard resource", () => {
    // The only `*` allowed: a trailing one inside an ARN this stack owns, after `:log-stream:`, the
    // log group's own `:*`, or a bucket prefix `/<prefix>/` — IAM has no narrower way to name those.
    const owned = [
      output(named(report, T.logGroup, "calendly-dev-receiver-logs"), "arn"),
      output(one(report, T.bucket), "arn"),
    ] as string[];
    for (const statement of statements()) {
      for (const action of statement.Action) expect(action, action).not.toContain("*");
      for (const resource of statement.Resource) {
        expect(resource).not.toBe("*");
        if (!resource.includes("*")) continue;
        expect(resource.endsWith("*") && resource.indexOf("*") === resource.length - 1, resource).toBe(true);
        const scoped = owned.some(
          (arn) =>
            resource === `${arn}:*` ||
            resource === `${arn}:log-stream:*` ||
            (resource.startsWith(arn) && /^\/[a-z0-9-]+\/\*$/.test(resource.slice(arn.length))),
        );
        expect(scoped, resource).toBe(true);
      }
      for (const resource of statement.Resource) expect(resource, resource).toMatch(/^arn:aws:[a-z0-9-]+:/);
    }
    expect(
      report.resources
        .filter((r) => r.type.startsWith("aws:iam/"))
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      "calendly-dev-receiver-policy",
      "calendly-dev-receiver-role",
      "calendly-dev-watchdog-policy",
      "calendly-dev-watchdog-role",
    ]);
  });
});

describe("the subscription", () => {
  it("points at the API endpoint plus the route path (its own ?subscription=&v= query), with one slash", () => {
    const api = one(report, T.api);
    const subscription = one(report, T.subscription);
    const webhookUrl = `${output(api, "apiEndpoint")}/calendly/webhooks`;
    expect(webhookUrl).toBe(`https://${api.id}.execute-api.${REGION}.amazonaws.com/calendly/webhooks`);
    expect(report.outputs.webhookUrl.value).toBe(webhookUrl);
    expect(input(subscription, "url")).toBe(`${webhookUrl}?subscription=bookings&v=${DEV_MARKER}`);
    expect(new URL(String(input(subscription, "url"))).pathname).toBe("/calendly/webhooks");
  });

  it("has the events and scope of Pulumi.dev.yaml", () => {
    const subscription = one(report, T.subscription);
    expect(input(subscription, "scope")).toBe("user");
    expect(input(subscription, "events")).toEqual([
      "invitee.canceled",
      "invitee.created",
      "invitee_no_show.created",
    ]);
  });

  it("adopts a subscription at its exact URL (a killed up's), which only its own key can have made", () => {
    const subscription = one(report, T.subscription);
    expect(input(subscription, "adoptExisting")).toBe(true);
    expect(input(subscription, "signingKey")).toBeDefined();
  });

  it("waits for the route, stage, integration, invoke permission, function and key parameter (a replacement creates first)", () => {
    const subscription = one(report, T.subscription);
    for (const [type, name] of [
      [T.route, "calendly-dev-route"],
      [T.stage, "calendly-dev-stage"],
      [T.integration, "calendly-dev-integration"],
      [T.permission, "calendly-dev-invoke"],
      [T.fn, "calendly-dev-receiver"],
      [T.parameter, "calendly-dev-signing-keys"],
      [T.rolePolicy, "calendly-dev-receiver-policy"],
    ] as const) {
      expect(subscription.dependencies, name).toContain(named(report, type, name).urn);
    }
    // Only the watchdog depends on the subscription (it watches its URI), so `pulumi destroy`
    // deletes the subscription before all of the above.
    expect(
      report.resources.filter((r) => r.dependencies.includes(subscription.urn)).map((r) => r.name),
    ).toEqual(["calendly-dev-watchdog"]);
    // Its URL changes with every replacement, so the new subscription comes before the old one goes.
    expect(subscription.deleteBeforeReplace).toBe(false);
  });

  it("is created with the program's random key, sent as a secret", () => {
    const subscription = one(report, T.subscription);
    const password = one(report, T.password);
    expect(input(password, "length")).toBeGreaterThanOrEqual(43);
    expect(input(password, "special")).toBe(false);
    expect(isSecretValue(subscription.inputs.signingKey)).toBe(true);
    expect(input(subscription, "signingKey")).toBe(output(password, "result"));
    expect(subscription.dependencies).toContain(password.urn);
    expect(subscription.additionalSecretOutputs).toContain("signingKey");
  });
});

/** The outputs docs/deployment.md's "Outputs" table describes (its first column's names). */
function documentedOutputs(): string[] {
  const doc = readFileSync(path.join(PROJECT_ROOT, "docs/deployment.md"), "utf8");
  const section = doc.slice(
    doc.indexOf("\n## Outputs\n"),
    doc.indexOf("\n## ", doc.indexOf("\n## Outputs\n") + 1),
  );
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
}

describe("the stack outputs", () => {
  it("are the ones docs/deployment.md describes: the webhook URL, the subscriptions, the bus, the archive, the key parameter, the alarm topic and the watchdog", () => {
    const bus = one(report, T.bus);
    const documented = documentedOutputs();
    expect(documented).toHaveLength(12);
    // The dev stack (the receiver and the watchdog) has every output StackOutputs declares.
    expect(Object.keys(report.outputs).sort()).toEqual(documented.sort());
    expect(report.outputs.busName.value).toBe(output(bus, "name"));
    expect(report.outputs.busArn.value).toBe(output(bus, "arn"));
    expect(report.outputs.archiveName.value).toBe(output(one(report, T.archive), "name"));
    expect(report.outputs.keyParameterName.value).toBe("/calendly-webhooks/dev/signing-keys");
    expect(report.outputs.watchdogTokenParameterName).toEqual({
      value: "/calendly-webhooks/dev/watchdog/calendly-token",
      secret: false,
    });
    expect(report.outputs.subscriptions.value).toEqual({
      bookings: {
        uri: output(one(report, T.subscription), "uri"),
        state: "active",
        scope: "user",
        events: ["invitee.canceled", "invitee.created", "invitee_no_show.created"],
        url: `${report.outputs.webhookUrl.value}?subscription=bookings&v=${DEV_MARKER}`,
      },
    });
  });

  it("export the signing keys only as a secret, and no secret in any plain output", () => {
    const key = output(one(report, T.password), "result") as string;
    expect(report.outputs.signingKeys).toEqual({ value: { bookings: key }, secret: true });
    for (const [name, out] of Object.entries(report.outputs)) {
      if (out.secret) continue;
      expect(mentions(out.value, key), name).toBe(false);
      expect(mentions(out.value, FAKE_TOKEN), name).toBe(false);
    }
  });

  it("pass the Calendly token to no resource at all: calendly:token is in no input and no output", () => {
    // The scenario's config holds calendly:token (configWith), as a stack that keeps it there would.
    expect(report.resources.length).toBeGreaterThan(30);
    for (const r of report.resources) {
      expect(mentions(reveal(r.inputs), FAKE_TOKEN), `${r.name} inputs`).toBe(false);
      expect(mentions(reveal(r.state), FAKE_TOKEN), `${r.name} outputs`).toBe(false);
    }
    // The watchdog's token parameter is not a resource of the stack: the only SSM parameter is the
    // signing keys'. The watchdog is told its name, and may read it; nobody here writes it.
    expect(ofType(report, T.parameter).map((r) => r.name)).toEqual(["calendly-dev-signing-keys"]);
    const watchdog = named(report, T.fn, "calendly-dev-watchdog");
    expect(
      (input(watchdog, "environment") as { variables: Record<string, string> }).variables
        .CALENDLY_TOKEN_PARAMETER,
    ).toBe("/calendly-webhooks/dev/watchdog/calendly-token");
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
