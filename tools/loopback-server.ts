/**
 * What every local HTTP stand-in shares (the Calendly emulator, the AWS stubs, the local receiver,
 * the tests' webhook receiver): listening on loopback, on any free port unless told otherwise;
 * reading a request's body, with a limit; and closing for good, idle keep-alive connections
 * included, so a test or a process can end at once.
 *
 * node:http rather than a framework: each server is one handler; see emulator/api/routes.ts.
 */
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackOptions {
  /** Default 127.0.0.1: for this machine only. A wildcard (0.0.0.0, ::) is reached through loopback. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

export interface LoopbackServer {
  /** The base URL, without a trailing slash: `http://127.0.0.1:4010`, `http://[::1]:4010`. */
  url: string;
  port: number;
  /** Stops accepting connections and ends the open ones, idle keep-alive sockets included. */
  close(): Promise<void>;
}

/** The address clients use: a wildcard listen address is reached through loopback. */
function reachableHost(host: string): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return reachable.includes(":") ? `[${reachable}]` : reachable;
}

/** Starts `server` listening; rejects if the address is taken or not this machine's. */
export async function listenOnLoopback(
  server: Server,
  options: LoopbackOptions = {},
): Promise<LoopbackServer> {
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${reachableHost(host)}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // server.close() alone waits for keep-alive connections to time out.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** A request body above the reader's limit. The rest of it is not read. */
export class RequestBodyTooLargeError extends Error {
  override readonly name = "RequestBodyTooLargeError";
  readonly code = "ERR_REQUEST_BODY_TOO_LARGE";
  constructor(readonly limitBytes: number) {
    super(`the request body is larger than ${limitBytes} bytes`);
  }
}

/**
 * The whole body of `req`; rejects with `RequestBodyTooLargeError` as soon as it passes
 * `limitBytes` (then answer with `Connection: close`: the rest of the body is never read).
 */
export function readRequestBody(
  req: IncomingMessage,
  limitBytes = Number.POSITIVE_INFINITY,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners("data");
        req.pause();
        reject(new RequestBodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
