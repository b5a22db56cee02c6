/**
 * Warm per-event cost of the receiver, against a bare baseline measured in the same run, in
 * alternating rounds (the machine is shared: its load drifts, and each round's ratio sees the same
 * drift on both sides).
 *
 * - baseline: HMAC-SHA256 over "<t>." + body, a constant-time compare, and JSON.parse: the least
 *   any verifying receiver must do;
 * - handler: `createReceiver().handle()` on the same payload-2.0 event: config, size check,
 *   signature, zod validation, Detail and entry building, the real EventBridge SDK client
 *   (middleware, serialization, SigV4 signing, response parsing) over an in-process transport that
 *   answers at once, the log line and EMF metrics serialized (written to a no-op stream);
 *   network excluded;
 * - of which the SDK's PutEvents call alone, same client and transport;
 * - handler + loopback: the same against the EventBridge stub over HTTP on 127.0.0.1 (network stack
 *   included), for scale.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import { sampleEnvelope, signatureHeader } from "../calendly";
import { createReceiver } from "../lambda/handler";
import { apiGatewayEvent } from "../test/lambda/support";
import { startEventBridgeStub } from "../tools/aws-stubs";
import { FUNCTION_ENV } from "./function-env";
import { type Spread, spread } from "./stats";

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

/** Mean nanoseconds per call of `run` over `iterations` calls. */
async function time(iterations: number, run: () => unknown | Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await run();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Runs `fn` with stdout/stderr writes dropped (logs and metrics still serialized). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
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

export interface WarmHandlerOptions {
  /** Calls per side, over all rounds. */
  iterations: number;
  rounds: number;
}

export interface WarmHandlerResult {
  bodyBytes: number;
  iterations: number;
  rounds: number;
  /** Nanoseconds per event, one value per round. */
  baselineNs: Spread;
  handlerNs: Spread;
  /** handler / baseline, per round. */
  ratio: Spread;
  sdkOnlyNs: Spread;
  loopbackNs: Spread;
  loopbackIterations: number;
}

export async function measureWarmHandler(options: WarmHandlerOptions): Promise<WarmHandlerResult> {
  const rounds = Math.max(1, options.rounds);
  const perRound = Math.max(100, Math.floor(options.iterations / rounds));
  const body = Buffer.from(JSON.stringify(sampleEnvelope("invitee.created")));
  const t = Math.floor(Date.now() / 1000);
  const header = signatureHeader(KEY, body, t);
  const expected = Buffer.from(header.split("v1=")[1]!, "hex");
  const event = apiGatewayEvent({ body, headers: { "calendly-webhook-signature": header } });
  const env = { ...FUNCTION_ENV, CALENDLY_SIGNING_KEYS: KEY };

  const baseline = () => {
    const digest = createHmac("sha256", KEY).update(`${t}.`).update(body).digest();
    if (!timingSafeEqual(digest, expected)) throw new Error("baseline signature mismatch");
    return JSON.parse(body.toString("utf8"));
  };
  const eventBridge = new EventBridgeClient({
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: instantTransport,
  });
  const inProcess = createReceiver({ env, clients: { eventBridge: () => eventBridge } });
  const handler = async () => {
    const { statusCode } = await inProcess.handle(event);
    if (statusCode !== 200) throw new Error(`handler answered ${statusCode}`);
  };
  // For the breakdown: the SDK call alone, same client and transport, same entry size.
  const detail = JSON.stringify({ id: "x".repeat(64), payload: JSON.parse(body.toString("utf8")) });
  const sdkOnly = () =>
    eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: "bench", Source: "calendly", DetailType: "invitee.created", Detail: detail },
        ],
      }),
      { abortSignal: new AbortController().signal },
    );
  const stub = await startEventBridgeStub();
  const overHttp = createReceiver({ env: { ...env, AWS_ENDPOINT_URL_EVENTBRIDGE: stub.url } });
  const loopback = async () => {
    const { statusCode } = await overHttp.handle(event);
    if (statusCode !== 200) throw new Error(`handler answered ${statusCode}`);
    stub.entries.length = 0;
    stub.requests.length = 0;
  };
  const loopbackPerRound = Math.max(50, Math.floor(perRound / 10));

  const samples = {
    baseline: [] as number[],
    handler: [] as number[],
    sdkOnly: [] as number[],
    loopback: [] as number[],
  };
  try {
    await quietly(async () => {
      // Warm-up: JIT, lazy clients, the first key parse, keep-alive sockets.
      await time(Math.min(2000, perRound), baseline);
      await time(Math.min(2000, perRound), handler);
      await time(Math.min(2000, perRound), sdkOnly);
      await time(Math.min(200, loopbackPerRound), loopback);
      for (let round = 0; round < rounds; round++) {
        const order =
          round % 2 === 0 ? (["baseline", "handler"] as const) : (["handler", "baseline"] as const);
        for (const side of order) {
          samples[side].push(await time(perRound, side === "baseline" ? baseline : handler));
        }
        samples.sdkOnly.push(await time(perRound, sdkOnly));
        samples.loopback.push(await time(loopbackPerRound, loopback));
      }
    });
  } finally {
    await stub.close();
  }
  return {
    bodyBytes: body.byteLength,
    iterations: perRound * rounds,
    rounds,
    baselineNs: spread(samples.baseline),
    handlerNs: spread(samples.handler),
    ratio: spread(samples.handler.map((ns, i) => ns / samples.baseline[i]!)),
    sdkOnlyNs: spread(samples.sdkOnly),
    loopbackNs: spread(samples.loopback),
    loopbackIterations: loopbackPerRound * rounds,
  };
}
