/**
 * Warm per-event cost of the receiver, against a bare baseline measured in the same run.
 *
 *   npm run bench:receiver [-- --iterations 20000]
 *
 * - baseline: HMAC-SHA256 over "<t>." + body, a constant-time compare, and JSON.parse: the least
 *   any verifying receiver must do;
 * - handler: `createReceiver().handle()` on the same payload-2.0 event: config, size check,
 *   signature, zod validation, Detail and entry building, the real EventBridge SDK client
 *   (middleware, serialization, SigV4 signing, response parsing) over an in-process transport that
 *   answers at once, the log line and EMF metrics serialized (written to a no-op stream);
 *   network excluded;
 * - handler + loopback: the same against the EventBridge stub over HTTP on 127.0.0.1 (network stack
 *   included), for scale.
 * Also prints the bundle's size. Numbers go to stdout; nothing asserts on them.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import { sampleEnvelope } from "../calendly/samples";
import { signatureHeader } from "../calendly/signature";
import { buildReceiverBundle } from "../lambda/build";
import { createReceiver } from "../lambda/handler";
import { apiGatewayEvent } from "../test/lambda/support";
import { startEventBridgeStub } from "../tools/aws-stubs";

const KEY = "whsec_bench_0123456789abcdef";

/** An SDK transport that answers every PutEvents with success, without I/O. */
const instantTransport = {
  handle: async () => ({
    response: {
      statusCode: 200,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "bench" },
      body: Buffer.from('{"FailedEntryCount":0,"Entries":[{"EventId":"bench"}]}'),
    },
  }),
  // The SDK's HttpHandler type asks for more than this duck-typed object needs at run time.
} as unknown as EventBridgeClientConfig["requestHandler"];

async function measure(iterations: number, run: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(2000, iterations); i++) await run(); // warm-up: JIT, lazy clients
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await run();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Runs `fn` with stdout/stderr writes dropped (logs and metrics still serialized). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { iterations: { type: "string", default: "20000" } } });
  const iterations = Number(values.iterations);
  const body = Buffer.from(JSON.stringify(sampleEnvelope("invitee.created")));
  const t = Math.floor(Date.now() / 1000);
  const header = signatureHeader(KEY, body, t);
  const expected = Buffer.from(header.split("v1=")[1]!, "hex");
  const event = apiGatewayEvent({ body, headers: { "calendly-webhook-signature": header } });
  const env = {
    EVENT_BUS_NAME: "bench",
    CLAIM_CHECK_BUCKET: "bench",
    CALENDLY_SIGNING_KEYS: KEY,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
  };

  const baseline = await measure(iterations, () => {
    const digest = createHmac("sha256", KEY).update(`${t}.`).update(body).digest();
    if (!timingSafeEqual(digest, expected)) throw new Error("baseline signature mismatch");
    return JSON.parse(body.toString("utf8"));
  });

  const inProcess = createReceiver({
    env,
    clients: {
      eventBridge: () => eventBridge,
    },
  });
  const eventBridge = new EventBridgeClient({
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: instantTransport,
  });
  const handler = await quietly(() =>
    measure(iterations, async () => {
      const { statusCode } = await inProcess.handle(event);
      if (statusCode !== 200) throw new Error(`handler answered ${statusCode}`);
    }),
  );

  // For the breakdown: the SDK call alone, same client and transport, same entry size.
  const detail = JSON.stringify({ id: "x".repeat(64), payload: JSON.parse(body.toString("utf8")) });
  const sdkOnly = await measure(iterations, () =>
    eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: "bench", Source: "calendly", DetailType: "invitee.created", Detail: detail },
        ],
      }),
      { abortSignal: new AbortController().signal },
    ),
  );

  const stub = await startEventBridgeStub();
  const overHttp = createReceiver({ env: { ...env, AWS_ENDPOINT_URL_EVENTBRIDGE: stub.url } });
  const loopbackIterations = Math.max(500, Math.floor(iterations / 10));
  const loopback = await quietly(() =>
    measure(loopbackIterations, async () => {
      const { statusCode } = await overHttp.handle(event);
      if (statusCode !== 200) throw new Error(`handler answered ${statusCode}`);
      stub.entries.length = 0;
    }),
  );
  await stub.close();

  const dir = await mkdtemp(join(tmpdir(), "receiver-bench-"));
  const bundle = await buildReceiverBundle(dir);
  const gzipped = gzipSync(await readFile(bundle.entryFile), { level: 9 }).byteLength;
  await rm(dir, { recursive: true, force: true });

  const us = (ns: number) => `${(ns / 1000).toFixed(1).padStart(8)} µs/op`;
  const lines = [
    `receiver benchmark: node ${process.version}, ${iterations} iterations, body ${body.byteLength} bytes (invitee.created)`,
    `  baseline (HMAC-SHA256 + compare + JSON.parse)      ${us(baseline)}  ${Math.round(baseline)} ns/op`,
    `  handler, in-process transport (network excluded)   ${us(handler)}  ${Math.round(handler)} ns/op  = ${(handler / baseline).toFixed(1)}x baseline`,
    `    of which the SDK's PutEvents call alone             ${us(sdkOnly)}  ${Math.round(sdkOnly)} ns/op`,
    `  handler + EventBridge stub over loopback HTTP      ${us(loopback)}  ${Math.round(loopback)} ns/op  (${loopbackIterations} iterations)`,
    `  bundle handler.js: ${bundle.bytes} bytes (${(bundle.bytes / 1024).toFixed(1)} KiB), gzip -9 ${gzipped} bytes (${(gzipped / 1024).toFixed(1)} KiB), sha256 ${bundle.sha256.slice(0, 16)}…`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:receiver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
