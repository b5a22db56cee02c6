/**
 * What the three stubs share: a node:http server on loopback (../loopback-server.ts) that hands
 * each request's whole body to the stub, and the error shapes of the AWS JSON 1.1 protocol
 * (EventBridge, SSM).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  type LoopbackOptions,
  type LoopbackServer,
  listenOnLoopback,
  readRequestBody,
} from "../loopback-server";

/** Where a stub listens: default 127.0.0.1 (the stubs are for this machine only), any free port. */
export type StubListenOptions = LoopbackOptions;

export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
) => Promise<void> | void;

export function listen(handler: RequestHandler, options: StubListenOptions = {}): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    readRequestBody(req)
      .then((body) => handler(req, res, body))
      .catch((error: unknown) => {
        // A bug in a stub must show up in the test that hit it, not hang the client.
        if (!res.headersSent) res.writeHead(599, { "content-type": "text/plain" });
        res.end(`stub error: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  // As AWS does, keep connections open between requests. Node's client agent frees a socket 1 s
  // before the server's advertised timeout, so 1 s (as here before) made every request open a new
  // connection. close() ends idle keep-alive sockets itself.
  server.keepAliveTimeout = 5000;
  return listenOnLoopback(server, options);
}

/** An AWS JSON 1.1 error: the SDK reads the error name from `__type` (and `x-amzn-errortype`). */
export function sendJsonError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "x-amzn-errortype": type,
    "x-amzn-requestid": requestId(),
  });
  res.end(JSON.stringify({ __type: type, message }));
}

export function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId() });
  res.end(JSON.stringify(value));
}

let counter = 0;
export function requestId(): string {
  counter += 1;
  return `stub-${process.pid}-${counter}`;
}

/** True when the request went through SigV4 signing, as every real SDK request does. */
export function isSigned(req: IncomingMessage): boolean {
  return (req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ");
}

/** A queue of faults, each applied to a number of requests in turn. */
export class FaultQueue<F> {
  private readonly queue: { fault: F; remaining: number }[] = [];

  /** `times` may be `Infinity` for "until cleared". */
  add(fault: F, times: number): void {
    if (!(times > 0)) throw new Error(`times must be positive (got ${times})`);
    this.queue.push({ fault, remaining: times });
  }

  /** The fault for the next request, if any. */
  take(): F | undefined {
    const head = this.queue[0];
    if (head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queue.length = 0;
  }

  get pending(): number {
    return this.queue.length;
  }
}
