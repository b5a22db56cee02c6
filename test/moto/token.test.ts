/**
 * The token path outside the engine, against moto, the AWS emulator, with the real AWS SDK:
 * `calendly-webhooks token put` (the binary, as the deploy workflow runs it) creates the
 * SecureString the stack's watchdog reads, tagged; a second put rotates it; the watchdog, built
 * as the stack configures it, says "token not set" (its own reason and metric) until the first put
 * and checks the subscription after it; `token delete` removes it. moto models PutParameter's own
 * rules (ParameterAlreadyExists, tags refused with Overwrite, SecureString encryption with the
 * aws/ssm key) where the stub (test/cli/token.test.ts) only does what we taught it.
 */
import {
  GetParameterCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalendlyClient } from "../../calendly";
import { type Emulator, startEmulator } from "../../emulator/server";
import { watchdogTokenParameterName } from "../../infra/watchdog-token";
import { createWatchdog } from "../../lambda/watchdog";
import { WATCHDOG_METRICS } from "../../lambda/watchdog-metrics";
import { MOTO_REGION } from "../../tools/moto/aws";
import { type MotoServer, skipWithoutMoto, startMoto } from "../../tools/moto/server";
import { runCli } from "../cli/helpers";
import { captureStdout } from "../lambda/support";

const OWNER_TOKEN = "emu-owner-token";
/** The repository's project and its dev stack (Pulumi.dev.yaml: aws:region us-east-1). */
const PARAMETER = watchdogTokenParameterName("calendly-webhooks", "dev");

describe.skipIf(skipWithoutMoto())("the watchdog's token through moto", () => {
  let moto: MotoServer;
  let emulator: Emulator;
  let ssm: SSMClient;
  let env: Record<string, string>;
  let watched: string;

  beforeAll(async () => {
    moto = await startMoto();
    emulator = await startEmulator();
    env = {
      AWS_ENDPOINT_URL: moto.url,
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_CONFIG_FILE: "/nonexistent/aws-config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    };
    ssm = new SSMClient({
      endpoint: moto.url,
      region: MOTO_REGION,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const client = createCalendlyClient({ token: OWNER_TOKEN, baseUrl: emulator.url });
    const me = await client.getCurrentUser();
    const subscription = await client.createWebhookSubscription({
      url: "https://receiver.example.com/calendly/webhooks?subscription=bookings",
      events: ["invitee.created"],
      scope: "user",
      organization: me.currentOrganization,
      user: me.uri,
    });
    await client.close();
    watched = JSON.stringify({ bookings: subscription.uri });
  }, 60_000);

  afterAll(async () => {
    ssm?.destroy();
    await emulator?.close();
    await moto?.close();
  });

  /** One watchdog run as the stack configures the function (infra/receiver/watchdog.ts). */
  async function watchdogRun() {
    const watchdog = createWatchdog({
      env: {
        ...env,
        WATCHED_SUBSCRIPTIONS: watched,
        CALENDLY_TOKEN_PARAMETER: PARAMETER,
        CALENDLY_API_URL: emulator.url,
        POWERTOOLS_SERVICE_NAME: "calendly-watchdog-dev",
      },
    });
    const { result, lines } = await captureStdout(() => watchdog.run());
    const json = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { pass: result, json, metrics: json.find((line) => WATCHDOG_METRICS.checksFailed in line) };
  }

  it("before any put, the watchdog says the token is not set: its own reason and metric, no Calendly call", async () => {
    const calls = emulator.control.requestCount({ operation: "getWebhookSubscription" });
    const run = await watchdogRun();
    expect(run.pass.result.unknown).toEqual(["bookings"]);
    expect(run.pass.checks[0]).toMatchObject({ reason: "token_not_set" });
    expect(run.metrics).toMatchObject({ TokenNotSet: 1, ChecksFailed: 1 });
    expect(run.json.find((line) => line.level === "ERROR")).toMatchObject({ reason: "token_not_set" });
    expect(emulator.control.requestCount({ operation: "getWebhookSubscription" })).toBe(calls);
  });

  it("token put creates the SecureString, tagged, and the watchdog checks with it from its next run", async () => {
    const run = await runCli(["token", "put", "--stack", "dev", "--json"], env, {
      input: `${OWNER_TOKEN}\n`,
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({
      stack: "dev",
      parameter: PARAMETER,
      region: MOTO_REGION,
      version: 1,
      created: true,
    });
    const stored = (await ssm.send(new GetParameterCommand({ Name: PARAMETER, WithDecryption: true })))
      .Parameter!;
    expect(stored).toMatchObject({ Type: "SecureString", Value: OWNER_TOKEN, Version: 1 });
    // Without decryption, moto answers as AWS does: not the token.
    const opaque = (await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter!;
    expect(opaque.Value).not.toBe(OWNER_TOKEN);
    const tags = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: PARAMETER }),
    );
    expect(Object.fromEntries((tags.TagList ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      project: "calendly-webhooks",
      stack: "dev",
      "managed-by": "calendly-webhooks token put",
    });

    const watchdog = await watchdogRun();
    expect(watchdog.pass.result.healthy).toEqual(["bookings"]);
    expect(watchdog.metrics).toMatchObject({ TokenNotSet: 0, ChecksFailed: 0 });
  });

  it("a second put rotates it: moto refuses the create and tags with Overwrite, as AWS does, and the overwrite makes version 2", async () => {
    // The rules the CLI's create-then-overwrite follows, as moto enforces them.
    await expect(
      ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: "x", Type: "SecureString" })),
    ).rejects.toMatchObject({ name: "ParameterAlreadyExists" });
    await expect(
      ssm.send(
        new PutParameterCommand({
          Name: PARAMETER,
          Value: "x",
          Type: "SecureString",
          Overwrite: true,
          Tags: [{ Key: "a", Value: "b" }],
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });

    const rotated = "emu-admin-token";
    const run = await runCli(["token", "put", "--stack", "dev"], env, { input: rotated });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Updated SSM parameter \S+ \(SecureString, us-east-1, version 2\)/);
    expect(run.stdout + run.stderr).not.toContain(rotated);
    const stored = (await ssm.send(new GetParameterCommand({ Name: PARAMETER, WithDecryption: true })))
      .Parameter!;
    expect(stored).toMatchObject({ Value: rotated, Version: 2, Type: "SecureString" });
  });

  it("token delete removes it (after pulumi destroy); the watchdog then says not set again", async () => {
    const run = await runCli(["token", "delete", "--stack", "dev"], env);
    expect(run).toMatchObject({ code: 0, stdout: `Deleted SSM parameter ${PARAMETER} (us-east-1).\n` });
    await expect(ssm.send(new GetParameterCommand({ Name: PARAMETER }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    expect((await watchdogRun()).metrics).toMatchObject({ TokenNotSet: 1 });
    const again = await runCli(["token", "delete", "--stack", "dev"], env);
    expect(again.stdout).toBe(`Nothing to delete: SSM parameter ${PARAMETER} (us-east-1) does not exist.\n`);
  });
});
