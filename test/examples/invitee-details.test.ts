/**
 * The example consumer (examples/invitee-details): it type-checks with the project, and its
 * handler, fed the very entries the receiver puts on the bus after real deliveries from the
 * emulator, fetches each invitee and its meeting as they are now: from the payload, from a claim
 * check in S3, after a later change, in the bundle Lambda would run. Failures a retry cannot fix
 * are dropped, the others thrown.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebhookEvent } from "../../calendly";
import { type CalendlyClient, createCalendlyClient, sampleEnvelope } from "../../calendly";
import { type Emulator, startEmulator } from "../../emulator/server";
import { buildConsumerBundle, inviteeEventPattern } from "../../examples/invitee-details/consumer";
import {
  type CalendlyBusEvent,
  createInviteeDetailsHandler,
  dependenciesFromEnvironment,
  type InviteeDetails,
} from "../../examples/invitee-details/handler";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import { ruleEventOf } from "../../tools/dev/invitee";
import { type LocalReceiver, startLocalReceiver } from "../../tools/local/receiver/server";
import { ROOT } from "../cli/helpers";

const SIGNING_KEY = "examples-signing-key";
const TOKEN_PARAMETER = "/examples/calendly-token";
const BUCKET = "examples-claim-checks";

let stubs: AwsStubs;
let emulator: Emulator;
let inline: LocalReceiver;
let claimChecking: LocalReceiver;
let owner: CalendlyClient;
let env: Record<string, string>;
let handled: InviteeDetails[];
let logged: { level: string; message: string; fields: Record<string, unknown> }[];

/** The handler as Lambda builds it, with the example's own dependencies, logs captured. */
function handler(overrides: Record<string, string> = {}) {
  const deps = dependenciesFromEnvironment({ ...env, ...overrides }, async (details) => {
    handled.push(details);
  });
  return createInviteeDetailsHandler({
    ...deps,
    log: (level, message, fields) => logged.push({ level, message, fields }),
  });
}

/** The rule's pattern evaluated as EventBridge does for these exact-value matchers. */
function ruleMatches(event: CalendlyBusEvent): boolean {
  const pattern = inviteeEventPattern();
  return (
    pattern.source.includes(event.source) &&
    (pattern["detail-type"] as string[]).includes(event["detail-type"]) &&
    pattern.detail.validation.includes(event.detail.validation)
  );
}

/**
 * The emulator's sample payload for `event`, made larger than the claim-checking receiver's entry
 * limit (EventBridge's 8 KiB floor) by a long UTM value, as a real campaign link can carry.
 */
function largeSample(event: WebhookEvent): Record<string, unknown> {
  const seed = emulator.control.seed();
  const host = seed.users[0]!;
  const { payload } = sampleEnvelope(event, {
    baseUrl: emulator.url,
    organization: host.current_organization,
    user: host.uri,
    host: { name: host.name, email: host.email },
  });
  const tracking = (payload as { tracking?: Record<string, unknown> }).tracking ?? {};
  return { ...payload, tracking: { ...tracking, utm_content: "x".repeat(9_000) } };
}

/** Fires `event` and returns its two bus entries: one inline, one claim-checked. */
async function deliver(event: WebhookEvent, payload: Record<string, unknown> = largeSample(event)) {
  const before = stubs.eventBridge.entries.length;
  const fired = emulator.control.fireEvent({ event, payload });
  await emulator.control.waitForDeliveries({ timeoutMs: 10_000 });
  const entries = await stubs.eventBridge.waitForEntries(before + 2);
  const mine = entries.slice(before).map(ruleEventOf);
  return {
    payload: fired.envelope.payload as Record<string, unknown> & { uri: string },
    inline: mine.find((e) => e.detail.payload !== null)!,
    claimChecked: mine.find((e) => e.detail.payload === null)!,
  };
}

beforeAll(async () => {
  stubs = await startAwsStubs();
  emulator = await startEmulator({ delivery: { retryInitialMs: 50, retryMaxMs: 200 } });
  const receiverEnv = {
    ...stubs.env,
    CALENDLY_SIGNING_KEYS: SIGNING_KEY,
    CLAIM_CHECK_BUCKET: BUCKET,
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
  inline = await startLocalReceiver({ env: receiverEnv });
  // EventBridge's limit lowered to the receiver's floor: every (large) delivery is claim-checked.
  claimChecking = await startLocalReceiver({ env: { ...receiverEnv, EVENTBRIDGE_MAX_ENTRY_BYTES: "8192" } });
  owner = createCalendlyClient({ token: "emu-owner-token", baseUrl: emulator.url });
  const me = await owner.getCurrentUser();
  for (const url of [inline.url, claimChecking.url]) {
    await owner.createWebhookSubscription({
      url,
      events: ["invitee.created", "invitee.canceled"],
      scope: "organization",
      organization: me.currentOrganization,
      signingKey: SIGNING_KEY,
    });
  }
  stubs.ssm.putParameter(TOKEN_PARAMETER, "emu-owner-token");
  env = { ...stubs.env, CALENDLY_TOKEN_PARAMETER: TOKEN_PARAMETER, CALENDLY_API_URL: emulator.url };
});

afterAll(async () => {
  await owner?.close();
  await inline?.close();
  await claimChecking?.close();
  await emulator?.close();
  await stubs?.close();
});

beforeEach(() => {
  handled = [];
  logged = [];
});

describe("the example consumer", () => {
  it("type-checks with the project's compiler settings, and the check has teeth", () => {
    const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const files = parsed.fileNames.filter((f) => f.startsWith(join(ROOT, "examples")));
    expect(files.map((f) => f.slice(ROOT.length + 1)).sort()).toEqual([
      "examples/invitee-details/consumer.ts",
      "examples/invitee-details/handler.ts",
    ]);
    const broken = join(ROOT, "examples", "__broken.ts");
    const host = ts.createCompilerHost({ ...parsed.options, noEmit: true });
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      name === broken
        ? ts.createSourceFile(
            name,
            'import { handler } from "./invitee-details/handler";\nvoid handler({ detail: { payload: "x" } });\n',
            language,
          )
        : getSourceFile(name, language, ...rest);
    const program = ts.createProgram([...files, broken], { ...parsed.options, noEmit: true }, host);
    const diagnostics = (file: string) =>
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(file))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
    for (const file of files) expect(diagnostics(file), file).toEqual([]);
    expect(diagnostics(broken).length).toBeGreaterThan(0);
  }, 60_000);

  it("fetches a delivered invitee and its meeting; the rule matches the entry the receiver put on the bus", async () => {
    const { payload, inline: event } = await deliver("invitee.created");
    expect(ruleMatches(event)).toBe(true);
    const details = await handler()(event);
    const { scheduled_event: scheduledEvent, ...invitee } = payload;
    expect(details?.invitee.raw).toEqual(invitee);
    expect(details?.scheduledEvent.raw).toEqual(scheduledEvent);
    expect(details).toMatchObject({
      deliveryId: event.detail.id,
      event: "invitee.created",
      statusAtDelivery: "active",
      changedSinceDelivery: false,
    });
    expect(handled).toEqual([details]);
    // The log line names the invitee by URI only: no name, no email, no answers.
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toMatch(/grace|Hopper|Webhooks as code/i);
  });

  it("reads a claim-checked delivery back from S3", async () => {
    const { payload, claimChecked } = await deliver("invitee.created");
    expect(claimChecked.detail.payloadRef).toMatchObject({ bucket: BUCKET });
    expect(ruleMatches(claimChecked)).toBe(true);
    const details = await handler()(claimChecked);
    expect(details?.invitee.uri).toBe(payload.uri);
    expect(details?.statusAtDelivery).toBe("active");
  });

  it("sees what changed after the delivery: a later cancellation of the same invitee", async () => {
    const { payload, inline: created } = await deliver("invitee.created");
    const cancellation = { canceled_by: "Grace Hopper", reason: "Moved", canceler_type: "invitee" };
    await deliver("invitee.canceled", {
      ...payload,
      status: "canceled",
      updated_at: "2030-01-01T00:00:00.000000Z",
      cancellation,
      scheduled_event: { ...(payload.scheduled_event as object), status: "canceled", cancellation },
    });
    // The created event is processed late (an outage, a replay from the archive).
    const details = await handler()(created);
    expect(details).toMatchObject({
      statusAtDelivery: "active",
      changedSinceDelivery: true,
      invitee: { status: "canceled", cancellation: { reason: "Moved" } },
      scheduledEvent: { status: "canceled" },
    });
  });

  it("drops what no retry can fix: an invitee Calendly does not have, a payload without a URI", async () => {
    const { inline: event } = await deliver("invitee.created");
    const unknown = structuredClone(event);
    unknown.detail.payload!.uri = `${String(event.detail.payload!.uri).slice(0, -12)}000000000000`;
    await expect(handler()(unknown)).resolves.toBeUndefined();
    const noUri = structuredClone(event);
    delete noUri.detail.payload!.uri;
    await expect(handler()(noUri)).resolves.toBeUndefined();
    expect(handled).toEqual([]);
    expect(logged.map((l) => [l.level, l.message])).toEqual([
      ["warn", "invitee not found; dropped"],
      ["warn", "no invitee URI in the payload; dropped"],
    ]);
  });

  it("throws what a retry may fix, so Lambda retries: a rejected token, a token not put yet, no parameter named", async () => {
    const { inline: event } = await deliver("invitee.created");
    stubs.ssm.putParameter("/examples/revoked-token", "not-a-token");
    await expect(
      handler({ CALENDLY_TOKEN_PARAMETER: "/examples/revoked-token" })(event),
    ).rejects.toMatchObject({
      name: "CalendlyApiError",
      status: 401,
    });
    // The stack names the parameter but never writes it: until `token put --parameter`, there is none.
    await expect(handler({ CALENDLY_TOKEN_PARAMETER: "/examples/never-put" })(event)).rejects.toMatchObject({
      name: "TokenNotSetError",
      message:
        "the Calendly token is not set: SSM parameter /examples/never-put does not exist or is empty; put the token " +
        `there with \`printf '%s' "$INVITEE_DETAILS_TOKEN" | npx calendly-webhooks token put --stack "$STACK" ` +
        "--parameter /examples/never-put` (examples/invitee-details/README.md), then redrive the failure queue",
    });
    // Told its stack (as the consumer does), the command names it.
    await expect(
      handler({ CALENDLY_TOKEN_PARAMETER: "/examples/never-put", CALENDLY_STACK: "dev" })(event),
    ).rejects.toThrow("token put --stack dev --parameter /examples/never-put`");
    stubs.ssm.putParameter("/examples/blank-token", " ");
    await expect(handler({ CALENDLY_TOKEN_PARAMETER: "/examples/blank-token" })(event)).rejects.toMatchObject(
      {
        name: "TokenNotSetError",
      },
    );
    await expect(handler({ CALENDLY_TOKEN_PARAMETER: "" })(event)).rejects.toThrow(
      "CALENDLY_TOKEN_PARAMETER is not set",
    );
    expect(handled).toEqual([]);
  });

  it("works as bundled for Lambda (index.handler, its environment from process.env)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "invitee-details-bundle-"));
    const saved = { ...process.env };
    const log = console.log;
    console.log = () => undefined; // the bundle's own log line
    try {
      const out = await buildConsumerBundle(dir);
      Object.assign(process.env, env);
      const bundled = require(join(out, "index.js")) as {
        handler: (e: CalendlyBusEvent) => Promise<unknown>;
      };
      const { payload, inline: event } = await deliver("invitee.canceled");
      const details = (await bundled.handler(event)) as InviteeDetails;
      expect(details.invitee.uri).toBe(payload.uri);
      expect(details.invitee.status).toBe("canceled");
    } finally {
      console.log = log;
      for (const name of Object.keys(env)) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
