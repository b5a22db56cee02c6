/**
 * Scenario 6, the whole program, through the real Pulumi CLI: the repository's own index.ts and
 * Pulumi.yaml, the dev stack's configuration (Pulumi.dev.yaml, plus the emulator's URL; the token
 * exported as CALENDLY_TOKEN, as the deploy workflow runs it, never in config), Pulumi's engine, Node.js language host, dynamic-provider host, config and state. Only the
 * `aws` and `random` plugins are stand-ins (tools/pulumi-standins): they record every call, so the
 * engine's real order can be checked against the emulator's record of Calendly calls.
 *
 * - `up` creates the 40 resources Pulumi counts (the receiver, the watchdog, its alarms and topic,
 *   the subscription); each subscription is created after the route, stage, integration, invoke
 *   permission, function, role policy and key parameter;
 * - the token is nowhere in the state: not in `stack export --show-secrets`, not in any file of the
 *   backend, not in any secret those files hold (decrypted with the stack's passphrase);
 * - a second preview, a preview with no token at all (the pull-request job's), and a refresh find
 *   nothing to do;
 * - Pulumi.yaml's defaults as the CLI applies them (and its declared types, enforced by the CLI);
 * - `pulumi config set --path`: an event added (the preview --diff quoted in docs/engine.md), a key
 *   rotated (`signingKeyGeneration`, as a number and as a string): each replaces the subscription,
 *   the new one created before the old one is deleted (its URL's marker changes);
 * - a `routePath` change: a new route beside the old one, a new subscription URL;
 * - a change that replaces the API (`up --replace`): everything under it, and the subscription;
 * - `destroy`: the subscription first, then nothing left anywhere.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RecordedRequest } from "../../emulator/recorder";
import type { Emulator } from "../../emulator/server";
import { parseSigningKeys } from "../../lambda/signing-key-list";
import { RESOURCE_TYPES } from "../support/resource-types";
import { searchBackend } from "./support/backend";
import { OWNER_TOKEN, startEngineEmulator } from "./support/emulator";
import {
  createWorkspace,
  REPO_ROOT,
  type RunResult,
  resourcesOfType,
  type StateResource,
  type Workspace,
} from "./support/pulumi";
import { type CallRecord, installStandinsFor, type Standins } from "./support/standins";

const T = RESOURCE_TYPES;

/** The receiver's resources of the types the stack holds several of (the watchdog has its own). */
const RECEIVER = {
  fn: "calendly-dev-receiver",
  permission: "calendly-dev-invoke",
  rolePolicy: "calendly-dev-receiver-policy",
  parameter: "calendly-dev-signing-keys",
} as const;

/**
 * What a subscription waits for (infra/receiver `readiness`): created before it, deleted after it.
 * Each is [type, name] (a name where the stack holds several of the type).
 */
const READINESS: [string, string?][] = [
  [T.route],
  [T.stage],
  [T.integration],
  [T.permission, RECEIVER.permission],
  [T.fn, RECEIVER.fn],
  [T.rolePolicy, RECEIVER.rolePolicy],
  [T.parameter, RECEIVER.parameter],
];
/** The resources on AWS and the generated key: what the first `up` creates through the stand-ins. */
const AWS_RESOURCES = 35;
/** What Pulumi's summary counts: those, the key, the subscription, the stack, the aws provider, the component. */
const COUNTED = 40;

const DEV_EVENTS = ["invitee.canceled", "invitee.created", "invitee_no_show.created"];

let emulator: Emulator;
let ws: Workspace;
let standins: Standins;
/** Every signing key generated, to look for in the stand-ins' log. */
const generatedKeys: string[] = [];
/** The first up's signing key: the control of the backend searches (a secret they must find). */
let firstKey: string;
const timings: [string, number][] = [];

async function timed(step: string, run: () => Promise<RunResult>): Promise<RunResult> {
  const start = Date.now();
  const result = await run();
  timings.push([step, Date.now() - start]);
  return result;
}

/** A point in both records (the stand-ins' calls, Calendly's requests) to look after. */
interface Mark {
  calls: number;
  requests: number;
}
function mark(): Mark {
  return { calls: standins.mark(), requests: emulator.control.requestCount() };
}
/** Completed (not preview) create, update and delete calls since `m`. */
function changesSince(m: Mark): CallRecord[] {
  return standins
    .callsSince(m.calls)
    .filter((c) => ["create", "update", "delete"].includes(c.op) && !c.preview && !c.error);
}
function calendlyWritesSince(m: Mark, method: "POST" | "DELETE"): RecordedRequest[] {
  return emulator.control
    .requests({ path: "/webhook_subscriptions*" })
    .filter((r) => r.seq > m.requests && r.method === method && r.status !== null && r.status < 300);
}
const arrived = (r: RecordedRequest) => Date.parse(r.at);
const answered = (r: RecordedRequest) => Date.parse(r.at) + Math.floor(r.duration_ms);
function only<T>(items: readonly T[], what: string): T {
  expect(items, what).toHaveLength(1);
  return items[0]!;
}
function call(calls: readonly CallRecord[], op: CallRecord["op"], type: string, name?: string): CallRecord {
  return only(
    calls.filter(
      (c) => c.op === op && c.type === type && (name === undefined || c.urn?.endsWith(`::${name}`)),
    ),
    `${op} ${type} ${name ?? ""}`,
  );
}

async function state(showSecrets = false): Promise<StateResource[]> {
  return (await ws.exportState({ showSecrets })).deployment.resources ?? [];
}
function ofType(resources: readonly StateResource[], type: string, name?: string): StateResource {
  return only(
    resources.filter((r) => r.type === type && (name === undefined || r.urn.endsWith(`::${name}`))),
    `${type} ${name ?? ""}`,
  );
}
/** The marker-free part of a subscription URL (the marker changes with every replacement). */
function unmarked(url: string): string {
  const u = new URL(url);
  u.searchParams.delete("v");
  return u.href;
}
/** A secret as `stack export --show-secrets` writes it: `{<sig>: <secret sig>, plaintext: "<JSON>"}`. */
function plaintext(value: unknown): unknown {
  const v = value as { plaintext?: string } | undefined;
  return typeof v?.plaintext === "string" ? JSON.parse(v.plaintext) : value;
}

/** The stack config file: Pulumi.dev.yaml's `config`, beside the salt `stack init` wrote. */
function writeDevConfig(): void {
  const file = (parse(readFileSync(ws.configFile, "utf8")) ?? {}) as Record<string, unknown>;
  const dev = parse(readFileSync(join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: object };
  writeFileSync(ws.configFile, stringify({ ...file, config: dev.config }));
}
function configFileKeys(): Record<string, unknown> {
  return (parse(readFileSync(ws.configFile, "utf8")) as { config: Record<string, unknown> }).config;
}

/** The documents that quote the CLI's output; each quote must be what the CLI prints. */
const QUOTING_DOCS = ["docs/engine.md", "docs/deployment.md", "README.md"];

/**
 * Compares real CLI output with every fenced block after `<!-- captured: <name> -->` in
 * QUOTING_DOCS (at least one), so the text the docs quote stays what Pulumi prints. With
 * ENGINE_CAPTURE_DIR set, the output is also written there, to paste into the docs when it changes.
 */
function expectQuotedInDocs(name: string, output: string): void {
  const dir = process.env.ENGINE_CAPTURE_DIR;
  if (dir) writeFileSync(join(dir, `${name.replace(/[^a-z0-9]+/gi, "-")}.txt`), output);
  const quotes = quotedInDocs(name);
  expect(quotes.length, `a document quotes ${name}`).toBeGreaterThan(0);
  for (const [doc, quote] of quotes) expect(comparable(output), doc).toBe(comparable(quote));
}
function quotedInDocs(name: string): [string, string][] {
  const quotes: [string, string][] = [];
  for (const doc of QUOTING_DOCS) {
    const text = readFileSync(join(REPO_ROOT, doc), "utf8");
    const marker = `<!-- captured: ${name} -->`;
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
      quotes.push([doc, /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(at))![1]!]);
    }
  }
  return quotes;
}
/**
 * Preview text with what differs between runs made alike: ids, generated names, the API's id, and
 * the order of resources whose steps the engine may start in either order.
 */
function comparable(text: string): string {
  const lines = text
    .replace(/\[id=[^\]]*\]/g, "[id=<id>]")
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, "<emulator>")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z/g, "<time>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    .replace(/https:\/\/[a-z0-9]{10}\.execute-api/g, "https://<api>.execute-api")
    .replace(/(:execute-api:[a-z0-9-]+:\d{12}:)[a-z0-9]{10}\//g, "$1<api>/")
    .replace(/(apiId\s*: )"[a-z0-9]{10}"/g, '$1"<api>"')
    .replace(/integrations\/[a-z0-9]{7}\b/g, "integrations/<integration>")
    .replace(/-[0-9a-f]{7}\b/g, "-<suffix>")
    .trim()
    .split("\n")
    // The progress line (`@ previewing update....`) grows with the time the preview took.
    .filter((line) => !line.startsWith("@ ") && line.trim() !== "");
  // Without --diff: one line per step, in the order the engine started them, which may vary.
  if (!text.includes("[urn=")) {
    const end = lines.findIndex((line) => line.startsWith("Resources:"));
    return [lines[0], ...lines.slice(1, end).sort(), ...lines.slice(end)].join("\n");
  }
  // A resource's section: its header (`    +-<type>: (replace)`) and the lines indented under it.
  const out: string[] = [];
  let sections: string[][] = [];
  for (const line of lines) {
    if (/^ {4}[+~-]*[a-z][\w-]*:\S*: \(/.test(line)) sections.push([line]);
    else if (sections.length > 0 && /^ {6}/.test(line)) sections.at(-1)!.push(line);
    else {
      out.push(...sections.map((s) => s.join("\n")).sort(), line);
      sections = [];
    }
  }
  out.push(...sections.map((s) => s.join("\n")).sort());
  return out.join("\n");
}

beforeAll(async () => {
  emulator = await startEngineEmulator();
  // The token exported for every command, as in a developer's shell or the deploy job; a run
  // without it (the pull-request preview's) says so.
  ws = await createWorkspace({ programDir: REPO_ROOT, stack: "dev", env: { CALENDLY_TOKEN: OWNER_TOKEN } });
  standins = installStandinsFor(ws);
  writeDevConfig();
  await ws.setConfig("calendly:apiUrl", emulator.url);
});

afterAll(async () => {
  if (timings.length > 0) {
    console.log(`whole program, ${ws?.stack}:\n${timings.map(([s, ms]) => `  ${s}: ${ms} ms`).join("\n")}`);
  }
  ws?.dispose();
  await emulator?.close();
});

describe("the whole program through the real engine", () => {
  let created: Mark;
  let firstUp: CallRecord[];

  it("up creates the stack: 40 resources as Pulumi counts them, the subscription at Calendly", async () => {
    created = mark();
    const up = await timed("up (create)", () => ws.up());
    firstUp = changesSince(created);

    // Pulumi's summary counts the stack itself, the explicit aws provider and the component, not
    // the default providers (random, pulumi-nodejs) that the state also holds.
    expect(up.stdout).toMatch(new RegExp(`Resources:\\n\\s+\\+ ${COUNTED} created\\n`));
    const resources = await state();
    const defaultProvider = (r: StateResource) =>
      r.type.startsWith("pulumi:providers:") && /::default(_[0-9_]+)?$/.test(r.urn);
    const counted = resources.filter((r) => !defaultProvider(r));
    expect(counted).toHaveLength(COUNTED);
    const aws = counted.filter((r) => r.type.startsWith("aws:"));
    expect(aws).toHaveLength(AWS_RESOURCES);

    // Every AWS resource and the key were created once by the stand-ins, with the id in the state.
    const stateOf = [...aws, ofType(resources, T.password)];
    expect(firstUp).toHaveLength(stateOf.length);
    for (const r of stateOf) {
      expect(
        firstUp.filter((c) => c.urn === r.urn).map((c) => [c.op, c.id]),
        r.urn,
      ).toEqual([["create", r.id]]);
    }

    const outputs = await ws.outputs();
    const api = ofType(resources, T.api);
    expect(outputs.apiEndpoint).toBe(`https://${api.id}.execute-api.us-east-1.amazonaws.com`);
    expect(outputs.webhookUrl).toBe(`${outputs.apiEndpoint}/calendly/webhooks`);
    expect(outputs.keyParameterName).toBe("/calendly-webhooks/dev/signing-keys");

    const [sub, ...more] = emulator.control.subscriptions();
    expect(more).toEqual([]);
    expect(sub!.callback_url).toMatch(
      new RegExp(`^${outputs.webhookUrl}\\?subscription=bookings&v=[0-9a-z]+$`),
    );
    expect(sub).toMatchObject({
      events: DEV_EVENTS,
      scope: "user",
      state: "active",
      has_signing_key: true,
    });
    expect(ofType(resources, T.subscription).id).toBe(sub!.uuid);

    // The stack's tags reach the explicit provider as its default tags (Pulumi.dev.yaml's included).
    const provider = resources.find((r) => r.type === "pulumi:providers:aws")!;
    expect(JSON.parse(String(provider.inputs?.defaultTags))).toEqual({
      tags: { project: "calendly-webhooks", stack: "dev", "managed-by": "pulumi", environment: "dev" },
    });
    expect(provider.inputs?.region).toBe("us-east-1");
  });

  it("creates the subscription only after the route, stage, integration, invoke permission, function, policy and key parameter", () => {
    const post = only(calendlyWritesSince(created, "POST"), "subscription POST");
    for (const [type, name] of READINESS) {
      expect(call(firstUp, "create", type, name).end, type).toBeLessThanOrEqual(arrived(post));
    }
    // And the key the subscription is created with exists before the key parameter holding it.
    expect(call(firstUp, "create", T.password).end).toBeLessThanOrEqual(
      call(firstUp, "create", T.parameter, RECEIVER.parameter).start,
    );
  });

  it("the exported token is nowhere in the state: not in the decrypted export, no backend file, no secret in one", async () => {
    expect(configFileKeys()).not.toHaveProperty("calendly:token");
    // Which resources' inputs or outputs hold it, once `stack export --show-secrets` decrypted them.
    const holders = (await state(true)).flatMap((r) =>
      (["inputs", "outputs"] as const)
        .filter((part) => JSON.stringify(r[part] ?? {}).includes(OWNER_TOKEN))
        .map((part) => `${r.urn.split("::").pop()} (${part})`),
    );
    expect(holders).toEqual([]);
    expect(JSON.stringify(await ws.exportState({ showSecrets: true }))).not.toContain(OWNER_TOKEN);
    // The generated signing key is the control: a secret of the state, which the search must find.
    firstKey = plaintext(ofType(await state(true), T.password).outputs!.result) as string;
    expect(firstKey).toMatch(/^[A-Za-z0-9]{48}$/);
    const search = searchBackend(ws, { token: OWNER_TOKEN, "signing key": firstKey });
    console.log(
      `backend search after the first up: ${search.files.length} files (${search.files.join(", ")}), ` +
        `${search.secrets} secrets decrypted; token found in ${JSON.stringify(search.found.token)}, ` +
        `signing key in ${JSON.stringify(search.found["signing key"])}`,
    );
    expect(search.found.token).toEqual([]);
    expect(search.found["signing key"].length).toBeGreaterThan(0);
    expect(search.found["signing key"].every((f) => f.as === "secret")).toBe(true);
  });

  it("a second preview, a preview with no token at all, and a refresh find nothing to change, and write nothing anywhere", async () => {
    const before = mark();
    await timed("preview --expect-no-changes", () => ws.preview(["--expect-no-changes"]));
    // The pull-request job's preview: no token anywhere. Nothing of the program depends on it.
    const requests = emulator.control.requestCount();
    const tokenless = await timed("preview --expect-no-changes (no token)", () =>
      ws.preview(["--expect-no-changes"], { env: { CALENDLY_TOKEN: undefined } }),
    );
    expect(tokenless.output).toContain("No Calendly token (CALENDLY_TOKEN or calendly:token)");
    expect(emulator.control.requestCount()).toBe(requests);
    await timed("refresh --expect-no-changes", () => ws.refresh(["--expect-no-changes"]));
    expect(changesSince(before)).toEqual([]);
    expect(standins.callsSince(before.calls, "read").length).toBeGreaterThanOrEqual(AWS_RESOURCES + 1);
    expect(calendlyWritesSince(before, "POST")).toEqual([]);
    expect(calendlyWritesSince(before, "DELETE")).toEqual([]);
  });

  it("applies Pulumi.yaml's defaults, as the CLI reads them, to the keys the dev config leaves unset", async () => {
    const set = configFileKeys();
    const listed = JSON.parse((await ws.run(["config", "--json"])).stdout) as Record<
      string,
      { value?: string }
    >;
    for (const [key, value] of [
      ["throttleRateLimit", "50"],
      ["throttleBurstLimit", "100"],
      ["signatureToleranceSeconds", "180"],
      ["routePath", "/calendly/webhooks"],
      ["endpointUrl", ""],
    ] as const) {
      expect(set, key).not.toHaveProperty(`calendly-webhooks:${key}`);
      expect(listed[`calendly-webhooks:${key}`]?.value, key).toBe(value);
    }

    // What the program made of them, as the stand-ins received it.
    const stage = call(firstUp, "create", T.stage).inputs!;
    expect(stage.defaultRouteSettings).toEqual({ throttlingRateLimit: 50, throttlingBurstLimit: 100 });
    expect(call(firstUp, "create", T.route).inputs!.routeKey).toBe("POST /calendly/webhooks");
    const fn = call(firstUp, "create", T.fn, RECEIVER.fn).inputs!;
    expect(fn.environment).toMatchObject({
      variables: { SIGNATURE_TOLERANCE_SECONDS: "180", POWERTOOLS_LOG_LEVEL: "DEBUG" },
    });
    expect(fn.memorySize).toBe(256);
    // …and the dev values beside them.
    const groups = firstUp.filter((c) => c.op === "create" && c.type === T.logGroup);
    expect(groups.map((g) => g.inputs!.retentionInDays)).toEqual([14, 14, 14]);
    expect(call(firstUp, "create", T.archive).inputs!.retentionDays).toBe(7);
  });

  it("enforces the types Pulumi.yaml declares in the CLI, before the program runs", async () => {
    await ws.setConfig("lambdaMemoryMb", "lots");
    const before = mark();
    const preview = await ws.preview([], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain(
      "Stack 'dev' with configuration key 'lambdaMemoryMb' must be of type 'integer'",
    );
    expect(standins.callsSince(before.calls)).toEqual([]);
    await ws.setConfig("lambdaMemoryMb", "256");
  });

  it("config set --path adds an event: preview --diff shows a replacement of the subscription, up makes it", async () => {
    await ws.setConfig("subscriptions[0].events[3]", "invitee_no_show.deleted", { path: true });
    const preview = await timed("preview --diff (event added)", () => ws.preview(["--diff"]));
    expectQuotedInDocs("preview --diff, an event added", preview.stdout);
    expectQuotedInDocs("preview, an event added", (await ws.preview()).stdout);

    const before = mark();
    const old = emulator.control.subscriptions()[0]!;
    await timed("up (event added)", () => ws.up());
    const [sub, ...more] = emulator.control.subscriptions();
    expect(more).toEqual([]);
    expect(sub!.uuid).not.toBe(old.uuid);
    expect(sub!.events).toEqual([...DEV_EVENTS, "invitee_no_show.deleted"]);
    // A new marker, so a new URL: the new one came first, the old one went after (no gap).
    expect(sub!.callback_url).not.toBe(old.callback_url);
    expect(unmarked(sub!.callback_url)).toBe(unmarked(old.callback_url));
    expect(answered(only(calendlyWritesSince(before, "POST"), "POST"))).toBeLessThanOrEqual(
      arrived(only(calendlyWritesSince(before, "DELETE"), "DELETE")),
    );
    // Nothing on AWS changed but the watchdog's list of watched subscriptions (their URIs).
    expect(changesSince(before).map((c) => `${c.op} ${c.urn?.split("::").pop()}`)).toEqual([
      "update calendly-dev-watchdog",
    ]);
  });

  it("config set --path rotates a key: the new key and the parameter first, then the subscription", async () => {
    await ws.setConfig("subscriptions[0].signingKeyGeneration", "2", { path: true });
    // The CLI stores the --path value as a YAML number.
    const stored = configFileKeys()["calendly-webhooks:subscriptions"] as { signingKeyGeneration: unknown }[];
    expect(stored[0]!.signingKeyGeneration).toBe(2);
    const preview = await timed("preview --diff (rotation)", () => ws.preview(["--diff"]));
    expectQuotedInDocs("preview --diff, a key rotated", preview.stdout);
    expectQuotedInDocs("preview, a key rotated", (await ws.preview()).stdout);

    const before = mark();
    await timed("up (rotation)", () => ws.up());
    const changes = changesSince(before);
    const key2 = call(changes, "create", T.password);
    expect(key2.urn).toMatch(/::bookings-signing-key-2$/);
    const parameter = call(changes, "update", T.parameter, RECEIVER.parameter);
    // The key, the parameter, and the watchdog's list of watched URIs.
    expect(changes).toHaveLength(3);
    const post = only(calendlyWritesSince(before, "POST"), "POST");
    const del = only(calendlyWritesSince(before, "DELETE"), "DELETE");
    expect(key2.end).toBeLessThanOrEqual(parameter.start);
    expect(parameter.end).toBeLessThanOrEqual(arrived(post));
    // The new subscription (new marker) before the old one is deleted.
    expect(answered(post)).toBeLessThanOrEqual(arrived(del));

    // The parameter holds [key 2, key 1]; the subscription was created with key 2.
    const resources = await state(true);
    const keys = (await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>;
    const passwords = resources.filter((r) => r.type === T.password);
    const result = (name: string) =>
      plaintext(passwords.find((p) => p.urn.endsWith(`::${name}`))!.outputs!.result) as string;
    generatedKeys.push(result("bookings-signing-key-1"), result("bookings-signing-key-2"));
    expect(keys.bookings).toBe(result("bookings-signing-key-2"));
    const value = plaintext(ofType(resources, T.parameter, RECEIVER.parameter).outputs!.value) as string;
    expect(parseSigningKeys(value)).toEqual([
      result("bookings-signing-key-2"),
      result("bookings-signing-key-1"),
    ]);
  });

  it("accepts signingKeyGeneration stored as a string (--type string)", async () => {
    await ws.run(["config", "set", "--path", "subscriptions[0].signingKeyGeneration", "--type", "string"], {
      input: "3",
    });
    const stored = configFileKeys()["calendly-webhooks:subscriptions"] as { signingKeyGeneration: unknown }[];
    expect(stored[0]!.signingKeyGeneration).toBe("3");
    const preview = await ws.preview(["--diff"]);
    expect(preview.stdout).toMatch(
      /\+ random:index\/randomPassword:RandomPassword: \(create\)\n.*bookings-signing-key-3\]/,
    );
    expect(preview.stdout).toMatch(/\+-pulumi-nodejs:dynamic\/calendly:WebhookSubscription: \(replace\)/);
    await ws.setConfig("subscriptions[0].signingKeyGeneration", "2", { path: true });
    await ws.preview(["--expect-no-changes"]);
  });

  it("a routePath change: a new route beside the old one, the subscription replaced with the new URL", async () => {
    await ws.setConfig("routePath", "/calendly/hooks");
    const preview = await timed("preview --diff (routePath)", () => ws.preview(["--diff"]));
    expectQuotedInDocs("preview --diff, routePath changed", preview.stdout);
    expect(preview.stdout).toMatch(/\+-aws:apigatewayv2\/route:Route: \(replace\)/);
    expect(preview.stdout).toMatch(/~ routeKey: "POST \/calendly\/webhooks" => "POST \/calendly\/hooks"/);
    expect(preview.stdout).toMatch(/\+-aws:lambda\/permission:Permission: \(replace\)/);
    expect(preview.stdout).toMatch(
      /~ url\s+: "https:\/\/.*\/calendly\/webhooks\?subscription=bookings&v=\w+" => "https:\/\/.*\/calendly\/hooks\?subscription=bookings&v=\w+"/,
    );

    const before = mark();
    await timed("up (routePath)", () => ws.up());
    const [sub, ...more] = emulator.control.subscriptions();
    expect(more).toEqual([]);
    expect(new URL(sub!.callback_url).pathname).toBe("/calendly/hooks");

    const changes = changesSince(before);
    expect(changes.filter((c) => c.op === "update").map((c) => c.urn?.split("::").pop())).toEqual([
      "calendly-dev-watchdog",
    ]);
    const post = only(calendlyWritesSince(before, "POST"), "POST");
    const del = only(calendlyWritesSince(before, "DELETE"), "DELETE");
    expect(answered(post)).toBeLessThanOrEqual(arrived(del));
    for (const [type, name] of [[T.route], [T.permission, RECEIVER.permission]] as const) {
      // The new one exists before the new subscription; the old one outlives the old subscription.
      expect(call(changes, "create", type, name).end, type).toBeLessThanOrEqual(arrived(post));
      expect(answered(del), type).toBeLessThanOrEqual(call(changes, "delete", type, name).start);
    }
  });

  it("a change that replaces the API (up --replace): everything on it, then the subscription, is replaced", async () => {
    const oldApi = ofType(await state(), T.api);
    const before = mark();
    await timed("up --replace <api>", () => ws.up(["--replace", oldApi.urn]));
    const changes = changesSince(before);
    const newApi = ofType(await state(), T.api);
    expect(newApi.id).not.toBe(oldApi.id);

    const [sub, ...more] = emulator.control.subscriptions();
    expect(more).toEqual([]);
    expect(unmarked(sub!.callback_url)).toBe(
      `https://${newApi.id}.execute-api.us-east-1.amazonaws.com/calendly/hooks?subscription=bookings`,
    );
    const post = only(calendlyWritesSince(before, "POST"), "POST");
    const del = only(calendlyWritesSince(before, "DELETE"), "DELETE");
    // API ids force new stages, integrations and routes; the new source ARN a new permission.
    expect(answered(post)).toBeLessThanOrEqual(arrived(del));
    for (const [type, name] of [
      [T.api],
      [T.stage],
      [T.integration],
      [T.route],
      [T.permission, RECEIVER.permission],
    ] as const) {
      expect(call(changes, "create", type, name).end, type).toBeLessThanOrEqual(arrived(post));
      expect(answered(del), type).toBeLessThanOrEqual(call(changes, "delete", type, name).start);
    }
    expect(call(changes, "delete", T.api).id).toBe(oldApi.id);
    // Five replaced (a create and a delete each), and the watchdog's list of watched URIs.
    expect(changes).toHaveLength(11);
    expect(standins.existing().filter((r) => r.startsWith(`${T.api} `))).toEqual([`${T.api} ${newApi.id}`]);
  });

  it("destroy deletes the subscription first, then leaves nothing at Calendly, on AWS or in the state", async () => {
    const before = mark();
    const destroy = await timed("destroy", () => ws.destroy());
    // Everything the first up counted, and the second key.
    expect(destroy.stdout).toMatch(new RegExp(`Resources:\\n\\s+- ${COUNTED + 1} deleted\\n`));
    const del = only(calendlyWritesSince(before, "DELETE"), "DELETE");
    const changes = changesSince(before);
    for (const [type, name] of READINESS) {
      expect(answered(del), type).toBeLessThanOrEqual(call(changes, "delete", type, name).start);
    }
    expect(emulator.control.subscriptions()).toEqual([]);
    expect(standins.existing()).toEqual([]);
    expect(await state()).toEqual([]);
    expect(resourcesOfType(await ws.exportState(), T.subscription)).toEqual([]);
  });

  it("after every step, the token is still in no backend file, checkpoint history included, and in no secret", () => {
    const search = searchBackend(ws, { token: OWNER_TOKEN, "signing key": firstKey });
    console.log(
      `backend search after destroy: ${search.files.length} files, ${search.secrets} secrets decrypted; ` +
        `token found in ${search.found.token!.length} files, signing key in ${search.found["signing key"]!.length}`,
    );
    expect(search.files.filter((f) => f.includes("history")).length).toBeGreaterThan(5);
    expect(search.found.token).toEqual([]);
    expect(search.found["signing key"]!.length).toBeGreaterThan(0);
  });

  it("the stand-ins' call log holds no secret: not the token, not a signing key", () => {
    const log = readFileSync(standins.logFile, "utf8");
    expect(log).not.toContain(OWNER_TOKEN);
    expect(generatedKeys).toHaveLength(2);
    for (const key of generatedKeys) expect(log).not.toContain(key);
    const parameters = standins.calls().filter((c) => c.type === T.parameter && c.inputs);
    expect(parameters.length).toBeGreaterThan(0);
    for (const p of parameters) expect(p.inputs!.value).toBe("[secret]");
  });
});
