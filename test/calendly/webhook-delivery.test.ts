/**
 * Calendly's delivery rules (the package's webhook-delivery.ts; its reading of undici's errors is
 * tested beside it, packages/pulumi-calendly/test/request-errors.test.ts) and one delivery sent as
 * Calendly sends it (calendly/delivery.ts), against real loopback sockets.
 */
import { createServer, type ServerResponse } from "node:http";
import { errors } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliveryFailure,
  deliveryOutcome,
  SIGNATURE_HEADER,
  WEBHOOK_DELIVERY_TIMEOUTS,
} from "../../calendly";
import { sendDelivery } from "../../calendly/delivery";
import { type LoopbackServer, listenOnLoopback, readRequestBody } from "../../tools/loopback-server";

describe("what Calendly makes of an answer", () => {
  it.each([200, 201, 202, 204, 299])("%i: success", (status) => {
    expect(deliveryOutcome(status)).toBe("success");
  });
  it("410: gone (the subscription is deleted)", () => {
    expect(deliveryOutcome(410)).toBe("gone");
  });
  it.each([100, 199, 300, 301, 302, 304, 307, 308, 400, 401, 404, 409, 429, 500, 502, 503, 504])(
    "%i: a failure Calendly retries",
    (status) => {
      expect(deliveryOutcome(status)).toBe("failure");
    },
  );
  it("waits 10 s to connect and 15 s for the response (API.md)", () => {
    expect(WEBHOOK_DELIVERY_TIMEOUTS).toEqual({ connectMs: 10_000, responseMs: 15_000 });
  });
});

describe("undici's errors, read once", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
  const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

  it.each([
    ["connect timeout", new errors.ConnectTimeoutError(), "connect_timeout", "UND_ERR_CONNECT_TIMEOUT"],
    ["headers timeout", new errors.HeadersTimeoutError(), "timeout", "UND_ERR_HEADERS_TIMEOUT"],
    ["body timeout", new errors.BodyTimeoutError(), "timeout", "UND_ERR_BODY_TIMEOUT"],
    ["a deadline signal", timeoutReason(), "timeout", "TimeoutError"],
    [
      "refused, one cause down",
      new TypeError("fetch failed", { cause: refused }),
      "connection_error",
      "ECONNREFUSED",
    ],
    [
      "reset after sending",
      new errors.SocketError("other side closed", undefined),
      "connection_error",
      "UND_ERR_SOCKET",
    ],
    ["reset, one cause down", new Error("terminated", { cause: reset }), "connection_error", "ECONNRESET"],
    ["a plain error", new Error("boom"), "connection_error", "unknown"],
  ])("%s: %s (%s)", (_, error, failure, code) => {
    expect(deliveryFailure(error)).toEqual({ failure, code });
  });
});

/** What a request under an expired `AbortSignal.timeout` rejects with. */
function timeoutReason(): DOMException {
  return new DOMException("The operation was aborted due to timeout", "TimeoutError");
}

describe("sendDelivery over loopback", () => {
  let server: LoopbackServer;
  const received: { headers: Record<string, unknown>; body: Buffer }[] = [];
  let answer: (res: ServerResponse) => void = (res) => res.end();

  beforeAll(async () => {
    const http = createServer((req, res) => {
      readRequestBody(req).then(
        (body) => {
          received.push({ headers: req.headers, body });
          answer(res);
        },
        () => res.destroy(),
      );
    });
    server = await listenOnLoopback(http);
  });
  afterAll(() => server.close());

  const send = (timeouts?: { responseMs: number }) =>
    sendDelivery({
      url: `${server.url}/hook`,
      body: Buffer.from('{"event":"invitee.created"}'),
      signature: "t=1,v1=ab",
      userAgent: "test-agent",
      timeouts,
    });

  it("POSTs the exact bytes as JSON with the signature header and reports a 2xx as success", async () => {
    answer = (res) => res.writeHead(202).end("  accepted \n for  good ");
    const result = await send();
    expect(result).toMatchObject({
      kind: "answer",
      status: 202,
      outcome: "success",
      bodySnippet: "accepted for good",
    });
    const last = received.at(-1)!;
    expect(last.body.toString()).toBe('{"event":"invitee.created"}');
    expect(last.headers["content-type"]).toBe("application/json");
    expect(last.headers["user-agent"]).toBe("test-agent");
    expect(last.headers[SIGNATURE_HEADER.toLowerCase()]).toBe("t=1,v1=ab");
  });

  it("does not follow a redirect: a 3xx is a failure, with where it pointed", async () => {
    answer = (res) => res.writeHead(301, { location: "https://elsewhere.example/hook" }).end();
    expect(await send()).toMatchObject({
      kind: "answer",
      status: 301,
      outcome: "failure",
      location: "https://elsewhere.example/hook",
    });
  });

  it("reports 410 as gone", async () => {
    answer = (res) => res.writeHead(410).end();
    expect(await send()).toMatchObject({ kind: "answer", status: 410, outcome: "gone" });
  });

  it("times the whole response from the request's start", async () => {
    answer = () => undefined; // never answers
    const result = await send({ responseMs: 150 });
    expect(result).toMatchObject({ kind: "no_answer", failure: "timeout", code: "TimeoutError" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(100);
  });

  it("reports a refused connection as a connection error, with its errno", async () => {
    const closed = await listenOnLoopback(createServer());
    await closed.close();
    const result = await sendDelivery({ url: closed.url, body: Buffer.from("{}"), userAgent: "t" });
    expect(result).toMatchObject({ kind: "no_answer", failure: "connection_error", code: "ECONNREFUSED" });
  });
});
