import { type ChildProcess, spawn } from "node:child_process";
import { createServer, request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signatureHeader } from "../../calendly";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import { fromApiGatewayResult, toApiGatewayEvent } from "../../tools/local/receiver/apigw";
import {
  API_GATEWAY_MAX_BODY_BYTES,
  type LocalReceiver,
  startLocalReceiver,
} from "../../tools/local/receiver/server";
import { type LoopbackServer, listenOnLoopback, readRequestBody } from "../../tools/loopback-server";
import { envelope, KEY, nowSeconds } from "./support";

/** Sends raw HTTP (repeated headers allowed) and returns status, headers and body. */
function send(
  url: string,
  options: { method?: string; headers?: [string, string][]; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    // Raw (flat) headers keep repeats; Node then adds no Host header of its own.
    const flat = [["Host", new URL(url).host], ...(options.headers ?? [])].flat();
    const req = request(url, { method: options.method ?? "POST", headers: flat }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("payload 2.0 translation", () => {
  let url: string;
  let last: APIGatewayProxyEventV2 | undefined;
  let server: LoopbackServer;
  beforeAll(async () => {
    const http = createServer((req, res) => {
      readRequestBody(req).then(
        (body) => {
          last = toApiGatewayEvent(req, body, { routeKey: "ANY /calendly/webhooks" });
          res.end();
        },
        () => res.destroy(),
      );
    });
    server = await listenOnLoopback(http);
    url = server.url;
  });
  afterAll(() => server?.close());

  it("lower-cases header names, joins repeats with commas, separates cookies, keeps the query", async () => {
    await send(`${url}/calendly/webhooks?a=1&a=2&b=x`, {
      headers: [
        ["Content-Type", "application/json"],
        ["X-Repeated", "one"],
        ["X-Repeated", "two"],
        ["Cookie", "c1=v1; c2=v2"],
      ],
      body: '{"x":1}',
    });
    expect(last).toMatchObject({
      version: "2.0",
      routeKey: "ANY /calendly/webhooks",
      rawPath: "/calendly/webhooks",
      rawQueryString: "a=1&a=2&b=x",
      queryStringParameters: { a: "1,2", b: "x" },
      cookies: ["c1=v1", "c2=v2"],
      headers: { "content-type": "application/json", "x-repeated": "one,two" },
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: "POST", path: "/calendly/webhooks", protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
        stage: "$default",
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        timeEpoch: expect.any(Number),
        time: expect.stringMatching(/^\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000$/),
      },
    });
  });

  it("base64-encodes non-text content types and bytes that are not UTF-8", async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff]);
    await send(url, { headers: [["Content-Type", "application/octet-stream"]], body: bytes });
    expect(last).toMatchObject({ isBase64Encoded: true, body: bytes.toString("base64") });
    await send(url, { headers: [["Content-Type", "application/json"]], body: bytes });
    expect(last).toMatchObject({ isBase64Encoded: true, body: bytes.toString("base64") });
  });

  it("sends no body and no base64 flag for an empty request", async () => {
    await send(url, { method: "GET" });
    expect(last?.body).toBeUndefined();
    expect(last?.isBase64Encoded).toBe(false);
  });

  it("turns results back into HTTP answers as API Gateway does", () => {
    expect(fromApiGatewayResult({ statusCode: 401, headers: { "Content-Type": "a/b" }, body: "no" })).toEqual(
      {
        status: 401,
        headers: { "content-type": "a/b" },
        body: Buffer.from("no"),
      },
    );
    expect(
      fromApiGatewayResult({
        statusCode: 200,
        body: Buffer.from("hé").toString("base64"),
        isBase64Encoded: true,
      }).body,
    ).toEqual(Buffer.from("hé"));
    expect(fromApiGatewayResult("plain")).toMatchObject({ status: 200, body: Buffer.from("plain") });
  });
});

describe("startLocalReceiver", () => {
  let stubs: AwsStubs;
  let receiver: LocalReceiver;
  beforeAll(async () => {
    stubs = await startAwsStubs();
    receiver = await startLocalReceiver({
      env: {
        ...stubs.env,
        CALENDLY_SIGNING_KEYS: KEY,
        POWERTOOLS_LOG_LEVEL: "SILENT",
        POWERTOOLS_METRICS_DISABLED: "true",
      },
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await stubs?.close();
  });

  it("serves the handler at /calendly/webhooks on loopback", async () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/calendly\/webhooks$/);
    const body = JSON.stringify(envelope("invitee.created"));
    const answer = await send(receiver.url, {
      headers: [
        ["Content-Type", "application/json"],
        ["Calendly-Webhook-Signature", signatureHeader(KEY, body, nowSeconds())],
      ],
      body,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: "accepted" });
    expect(stubs.eventBridge.entries.at(-1)?.entry).toMatchObject({
      EventBusName: "calendly-local",
      DetailType: "invitee.created",
    });
  });

  it("verifies a body API Gateway would base64-encode (non-text content type)", async () => {
    const body = JSON.stringify(envelope("contact.updated"));
    const answer = await send(receiver.url, {
      headers: [
        ["Content-Type", "application/octet-stream"],
        ["Calendly-Webhook-Signature", signatureHeader(KEY, body, nowSeconds())],
      ],
      body,
    });
    expect(answer.status).toBe(200);
  });

  it("answers the handler's 401 and 405, and 404 off the route", async () => {
    expect((await send(receiver.url, { body: "{}" })).status).toBe(401);
    const get = await send(receiver.url, { method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect((await send(receiver.url.replace("/calendly/webhooks", "/other"))).status).toBe(404);
  });

  it("refuses a body above API Gateway's 10 MiB with 413, as API Gateway does, before the handler", async () => {
    const before = stubs.eventBridge.entries.length;
    const answer = await send(receiver.url, { body: Buffer.alloc(API_GATEWAY_MAX_BODY_BYTES + 1, 0x20) });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(stubs.eventBridge.entries.length).toBe(before);
  });
});

describe("npm run receiver (tools/local/receiver/main.ts)", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.pid !== undefined && child.exitCode === null) child.kill("SIGTERM");
  });

  it("prints the webhook URL and each event it forwards to its local sink", async () => {
    const root = join(__dirname, "../..");
    const env: Record<string, string | undefined> = {
      ...process.env,
      CALENDLY_SIGNING_KEYS: KEY,
      POWERTOOLS_LOG_LEVEL: "SILENT",
    };
    for (const name of Object.keys(env)) if (name.startsWith("AWS_ENDPOINT_URL")) delete env[name];
    child = spawn(process.execPath, ["--import", "tsx", "tools/local/receiver/main.ts", "--port", "0"], {
      cwd: root,
      env,
    });
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 400 && !pattern.test(out); i++) await sleep(50);
      const match = pattern.exec(out);
      if (!match) throw new Error(`no ${pattern} in output:\n${out}`);
      return match;
    };
    const url = (await waitFor(/webhook URL (http:\/\/127\.0\.0\.1:\d+\/calendly\/webhooks)/))[1]!;
    const body = JSON.stringify(envelope("event_type.created"));
    const answer = await send(url, {
      headers: [
        ["Content-Type", "application/json"],
        ["Calendly-Webhook-Signature", signatureHeader(KEY, body, nowSeconds())],
      ],
      body,
    });
    expect(answer.status).toBe(200);
    await waitFor(/event_type\.created on calendly-local \(id [0-9a-f]{12}…, valid\)/);
    expect(out).toContain('"event": "event_type.created"');
  });
});
