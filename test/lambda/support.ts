/**
 * Test helpers for the receiver: payload-2.0 events shaped as API Gateway HTTP APIs really send
 * them, signed deliveries, and a capture of what the receiver writes to stdout (its logs and EMF
 * metrics).
 */
import { createHash } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { WebhookEvent } from "../../calendly";
import { sampleEnvelope, signatureHeader, type WebhookEnvelope } from "../../calendly";
import { createAwsCaller } from "../../lambda/aws-request";
import { createAwsClients } from "../../lambda/clients";
import { type PayloadRef, UNPARSED_DETAIL_TYPE } from "../../lambda/detail";
import { createParameterReader, type ParameterReader } from "../../lambda/ssm";
import type { AwsStubs } from "../../tools/aws-stubs";

export const KEY = "whsec_test_0123456789abcdef";
export const OTHER_KEY = "whsec_test_fedcba9876543210";

export interface EventOptions {
  body?: string | Buffer;
  method?: string;
  /** Header names as a client would write them; API Gateway lower-cases them. */
  headers?: Record<string, string>;
  /** Send the body base64-encoded, as API Gateway does for non-text content types. */
  base64?: boolean;
  path?: string;
}

/**
 * A payload-2.0 event modelled on AWS's documented example for HTTP APIs: lower-case header
 * names, duplicate headers joined by commas, `isBase64Encoded`, `requestContext.http`.
 */
export function apiGatewayEvent(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? "POST";
  const path = options.path ?? "/calendly/webhooks";
  const headers: Record<string, string> = {
    accept: "*/*",
    "content-type": "application/json",
    host: "abc123.execute-api.eu-west-1.amazonaws.com",
    "user-agent": "Calendly-Webhooks/1.0",
    "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678",
    "x-forwarded-for": "198.51.100.7",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  const raw = options.body === undefined ? undefined : Buffer.from(options.body);
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method,
        path,
        protocol: "HTTP/1.1",
        sourceIp: "198.51.100.7",
        userAgent: "Calendly-Webhooks/1.0",
      },
      requestId: `req-${now}-${Math.random().toString(16).slice(2, 8)}`,
      routeKey: `POST ${path}`,
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(raw === undefined ? {} : { body: options.base64 ? raw.toString("base64") : raw.toString("utf8") }),
    isBase64Encoded: options.base64 ?? false,
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function envelope(event: WebhookEvent = "invitee.created", now = new Date()): WebhookEnvelope {
  return sampleEnvelope(event, { now });
}

/** A signed delivery as Calendly sends it. */
export function delivery(
  body: string | Buffer | WebhookEnvelope,
  options: { key?: string; t?: number; base64?: boolean; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const raw = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const signature = signatureHeader(options.key ?? KEY, raw, options.t ?? nowSeconds());
  return apiGatewayEvent({
    body: raw,
    base64: options.base64,
    headers: { "Calendly-Webhook-Signature": signature, ...options.headers },
  });
}

/**
 * Collects what is written to stdout and stderr (Powertools logs, warnings and errors, and EMF
 * metrics) while `run` runs.
 */
export async function captureStdout<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  let text = "";
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    }) as typeof stream.write;
  }
  try {
    const result = await run();
    return { result, lines: text.split("\n").filter((line) => line.trim() !== "") };
  } finally {
    streams.forEach((stream, index) => {
      stream.write = originals[index]!;
    });
  }
}

/** The receiver's per-delivery log lines, parsed. */
export function deliveryLines(lines: string[]): Record<string, unknown>[] {
  return lines
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    })
    .filter((entry) => entry.message === "delivery");
}

/** Invokes a receiver with its output captured; returns the answer and the delivery log lines. */
export async function invoke(
  receiver: {
    handle(
      event: APIGatewayProxyEventV2,
    ): Promise<{ statusCode: number; body?: string; headers?: Record<string, unknown> }>;
  },
  event: APIGatewayProxyEventV2,
) {
  const { result, lines } = await captureStdout(() => receiver.handle(event));
  return { response: result, lines, logs: deliveryLines(lines) };
}

/** The receiver's own SSM GetParameter, pointed by `env` (endpoints, region, credentials). */
export function parameterReader(env: Record<string, string>): ParameterReader {
  const clients = createAwsClients(env);
  return createParameterReader(createAwsCaller(clients.eventBridge), env);
}

/**
 * How the stubs hold the last delivery of exactly `body`: as an event on the bus, or as an unparsed
 * delivery, and in either case with these very bytes within reach of a consumer (the event's
 * `rawBody`, or the claim-check object its `payloadRef` names): the properties' `kept` oracle.
 */
export function keptOracle(stubs: AwsStubs): (body: Buffer) => "event" | "unparsed" | undefined {
  return (body) => {
    const id = createHash("sha256").update(body).digest("hex");
    const entry = stubs.eventBridge.entries.findLast((e) => (e.detail as { id?: string }).id === id);
    if (entry === undefined) return undefined;
    const { payloadRef: ref, rawBody } = entry.detail as { payloadRef?: PayloadRef; rawBody?: string };
    const stored = ref && stubs.s3.getObject(ref.bucket, ref.key);
    const bytes = stored ? stored.body : rawBody !== undefined ? Buffer.from(rawBody, "utf8") : undefined;
    if (bytes === undefined || Buffer.compare(bytes, body) !== 0) return undefined;
    if (entry.entry.DetailType !== UNPARSED_DETAIL_TYPE) return "event";
    return stored ? "unparsed" : undefined;
  };
}
