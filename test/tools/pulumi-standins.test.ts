/**
 * The stand-in `aws` and `random` plugins (tools/pulumi-standins) on their own, without the CLI:
 * resource types the program does not use yet are answered by the same rules, replacements follow
 * terraform-provider-aws's ForceNew, previews create nothing, the log is the "cloud" and holds no
 * secret, and the installed launcher starts a provider server.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as provider from "@pulumi/pulumi/provider";
import { afterAll, describe, expect, it } from "vitest";
import { awsRules } from "../../tools/pulumi-standins/aws";
import { installStandins } from "../../tools/pulumi-standins/install";
import {
  appendRecord,
  existing,
  LOG_ENV,
  physicalKey,
  readRecords,
} from "../../tools/pulumi-standins/journal";
import { isSecret, reveal, secret, UNKNOWN } from "../../tools/pulumi-standins/properties";
import { generateString, randomRules } from "../../tools/pulumi-standins/random";
import type { DiffDetails } from "../../tools/pulumi-standins/server-hooks";
import { createStandin, type PackageRules } from "../../tools/pulumi-standins/standin";

const dir = mkdtempSync(join(tmpdir(), "standins-"));
const log = join(dir, "calls.jsonl");
process.env[LOG_ENV] = log;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function standin(rules: PackageRules, options: { preview?: boolean } = {}) {
  const diffs: DiffDetails[] = [];
  const p = createStandin({
    name: rules === awsRules ? "aws" : "random",
    version: "0.0.0",
    rules,
    hooks: {
      config: { region: "eu-west-1", defaultTags: JSON.stringify({ tags: { stack: "dev" } }) },
      previewing: () => options.preview ?? false,
      diffDetails: (_urn, details) => diffs.push(details),
    },
  });
  return { p: p as Required<provider.Provider>, diffs };
}

const urn = (type: string, name: string) =>
  `urn:pulumi:dev::calendly-webhooks::calendly-webhooks:receiver:CalendlyWebhookReceiver$${type}::${name}`;

async function created(p: Required<provider.Provider>, type: string, name: string, inputs: object) {
  const u = urn(type, name);
  const checked = await p.check(u, {}, { ...inputs });
  expect(checked.failures).toEqual([]);
  const result = await p.create(u, checked.inputs);
  return { urn: u, inputs: checked.inputs as Record<string, unknown>, id: result.id, outs: result.outs };
}

describe("aws, for types the program does not declare (yet)", () => {
  const { p, diffs } = standin(awsRules);

  it("auto-names, computes the ARN in the provider's region, merges the default tags", async () => {
    const alarm = await created(p, "aws:cloudwatch/metricAlarm:MetricAlarm", "calendly-dev-watchdog", {
      metricName: "Errors",
      namespace: "AWS/Lambda",
      threshold: 0,
      tags: { team: "sales" },
    });
    expect(alarm.inputs.name).toMatch(/^calendly-dev-watchdog-[0-9a-f]{7}$/);
    expect(alarm.id).toBe(alarm.inputs.name);
    expect(alarm.outs.arn).toBe(`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarm.id}`);
    expect(alarm.outs.tagsAll).toEqual({ stack: "dev", team: "sales" });

    const schedule = await created(p, "aws:scheduler/schedule:Schedule", "calendly-dev-watchdog", {
      scheduleExpression: "rate(5 minutes)",
    });
    expect(schedule.outs.arn).toBe(
      `arn:aws:scheduler:eu-west-1:123456789012:schedule/default/${schedule.id}`,
    );
    const topic = await created(p, "aws:sns/topic:Topic", "calendly-dev-alarms", {});
    expect(topic.outs.arn).toBe(`arn:aws:sns:eu-west-1:123456789012:${topic.id}`);
  });

  it("diffs: nothing for the same inputs, an update for a plain change, a replacement for a ForceNew one", async () => {
    const alarm = await created(p, "aws:cloudwatch/metricAlarm:MetricAlarm", "a", { threshold: 5 });
    const same = await p.diff(alarm.id, alarm.urn, alarm.outs, alarm.inputs);
    expect(same.changes).toBe(false);
    const threshold = await p.diff(alarm.id, alarm.urn, alarm.outs, { ...alarm.inputs, threshold: 6 });
    expect(threshold).toMatchObject({ changes: true, replaces: [] });
    expect(diffs.at(-1)).toEqual({ changed: ["threshold"], replaces: [], kinds: { threshold: "update" } });
    const renamed = await p.diff(alarm.id, alarm.urn, alarm.outs, { ...alarm.inputs, name: "other" });
    expect(renamed.replaces).toEqual(["name"]);
    // An input the program drops is a change; one the provider fills in (region) is not.
    const dropped = await p.diff(alarm.id, alarm.urn, alarm.outs, { name: alarm.inputs.name });
    expect(dropped.replaces).toEqual([]);
    expect(diffs.at(-1)!.kinds).toEqual({ threshold: "delete" });
  });

  it("follows terraform-provider-aws: API name in place, protocol type replaces; every Permission change replaces", async () => {
    const api = await created(p, "aws:apigatewayv2/api:Api", "calendly-dev-api", { protocolType: "HTTP" });
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api.outs.apiEndpoint).toBe(`https://${api.id}.execute-api.eu-west-1.amazonaws.com`);
    expect(api.outs.executionArn).toBe(`arn:aws:execute-api:eu-west-1:123456789012:${api.id}`);
    expect((await p.diff(api.id, api.urn, api.outs, { ...api.inputs, name: "x" })).replaces).toEqual([]);
    const websocket = { ...api.inputs, protocolType: "WEBSOCKET" };
    expect((await p.diff(api.id, api.urn, api.outs, websocket)).replaces).toEqual(["protocolType"]);

    const permission = await created(p, "aws:lambda/permission:Permission", "calendly-dev-invoke", {
      action: "lambda:InvokeFunction",
      function: "f",
      principal: "apigateway.amazonaws.com",
      sourceArn: "arn:a",
    });
    expect(permission.id).toBe(permission.inputs.statementId);
    const moved = { ...permission.inputs, sourceArn: "arn:b" };
    expect((await p.diff(permission.id, permission.urn, permission.outs, moved)).replaces).toEqual([
      "sourceArn",
    ]);
    // Unknown during a preview: may change, so it may replace.
    const unknown = { ...permission.inputs, sourceArn: UNKNOWN };
    expect((await p.diff(permission.id, permission.urn, permission.outs, unknown)).replaces).toEqual([
      "sourceArn",
    ]);
  });

  it("keeps a generated name on later checks, cuts it to AWS's limit, and refuses a given name that is too long", async () => {
    const type = "aws:cloudwatch/eventArchive:EventArchive";
    const u = urn(type, "x".repeat(60));
    const first = await p.check(u, {}, {});
    expect(String(first.inputs.name)).toHaveLength(48);
    expect((await p.check(u, first.inputs, {})).inputs.name).toBe(first.inputs.name);
    const tooLong = await p.check(u, {}, { name: "y".repeat(49) });
    expect(tooLong.failures).toEqual([
      { property: "name", reason: expect.stringContaining("AWS allows 48") },
    ]);
  });

  it("answers the common functions and names any other", async () => {
    expect((await p.invoke("aws:index/getRegion:getRegion", {})).outputs.name).toBe("eu-west-1");
    const doc = await p.invoke("aws:iam/getPolicyDocument:getPolicyDocument", {
      statements: [{ actions: ["sqs:SendMessage"], resources: ["arn:q"] }],
    });
    expect(JSON.parse(doc.outputs.json)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:q" }],
    });
    await expect(p.invoke("aws:ec2/getVpc:getVpc", {})).rejects.toThrow(
      /does not implement aws:ec2\/getVpc:getVpc/,
    );
  });

  it("creates nothing in a preview: no id, computed outputs unknown", async () => {
    const preview = standin(awsRules, { preview: true }).p;
    const type = "aws:sns/topic:Topic";
    const result = await preview.create(urn(type, "planned"), { name: "planned-1234567" });
    expect(result.id).toBe("");
    expect(result.outs.arn).toBe(UNKNOWN);
    expect(readRecords(log).find((r) => r.op === "create" && r.urn === urn(type, "planned"))?.preview).toBe(
      true,
    );
    expect(existing(readRecords(log)).has(physicalKey(type, ""))).toBe(false);
  });
});

describe("the log as the cloud", () => {
  const { p } = standin(awsRules);

  it("a resource deleted out of band is gone for refresh; the log never holds a secret", async () => {
    const type = "aws:ssm/parameter:Parameter";
    const parameter = await created(p, type, "keys", {
      name: "/x/keys",
      type: "SecureString",
      value: secret("k-1"),
    });
    expect(isSecret(parameter.outs.value)).toBe(true);
    expect((await p.read(parameter.id, parameter.urn, parameter.outs)).id).toBe(parameter.id);

    appendRecord(log, { package: "aws", op: "delete", type, id: parameter.id, start: 0, end: 0, pid: 0 });
    expect(await p.read(parameter.id, parameter.urn, parameter.outs)).toEqual({ id: "", props: {} });
    expect(readFileSync(log, "utf8")).not.toContain("k-1");
  });

  it("counts: a replacement created before the old one is deleted may reuse the id", () => {
    const key = physicalKey("aws:apigatewayv2/stage:Stage", "$default");
    const record = (op: "create" | "delete") =>
      ({
        package: "aws",
        op,
        type: "aws:apigatewayv2/stage:Stage",
        id: "$default",
        start: 0,
        end: 0,
        pid: 0,
      }) as const;
    expect(existing([record("create"), record("create"), record("delete")]).get(key)).toBe(1);
    expect(existing([record("create"), record("create"), record("delete"), record("delete")]).has(key)).toBe(
      false,
    );
  });
});

describe("random", () => {
  const { p } = standin(randomRules);

  it("generates a secret result from the classes asked for; any change replaces", async () => {
    const type = "random:index/randomPassword:RandomPassword";
    const key = await created(p, type, "bookings-signing-key-1", {
      length: 48,
      special: false,
      upper: true,
      lower: true,
      numeric: true,
    });
    expect(key.id).toBe("none");
    expect(isSecret(key.outs.result)).toBe(true);
    expect(reveal(key.outs.result)).toMatch(/^[A-Za-z0-9]{48}$/);
    expect((await p.diff(key.id, key.urn, key.outs, key.inputs)).changes).toBe(false);
    expect((await p.diff(key.id, key.urn, key.outs, { ...key.inputs, length: 64 })).replaces).toEqual([
      "length",
    ]);
  });

  it("honours the minimum of each class", () => {
    for (let i = 0; i < 20; i++) {
      const value = generateString({
        length: 6,
        minUpper: 2,
        minNumeric: 2,
        minSpecial: 2,
        overrideSpecial: "!",
      });
      expect(value).toHaveLength(6);
      expect(value.replace(/[^A-Z]/g, "").length).toBeGreaterThanOrEqual(2);
      expect(value.replace(/[^0-9]/g, "").length).toBeGreaterThanOrEqual(2);
      expect(value.replace(/[^!]/g, "")).toBe("!!");
    }
  });
});

describe("installStandins", () => {
  it("puts an executable plugin where the engine looks, which starts a provider server", async () => {
    const home = join(dir, "home");
    const [aws, random] = installStandins(home, join(dir, "installed.jsonl"));
    expect(aws!.executable).toBe(join(home, "plugins", "resource-aws-v7.48.0", "pulumi-resource-aws"));
    expect(random!.executable).toBe(
      join(home, "plugins", "resource-random-v4.21.2", "pulumi-resource-random"),
    );
    accessSync(aws!.executable, constants.X_OK);

    // A plugin's first line on stdout is the port of its gRPC server.
    const child = spawn(aws!.executable, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8").once("data", (d: string) => resolve(d.trim()));
      child.once("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    child.kill();
    expect(port).toMatch(/^\d+$/);
  });
});
