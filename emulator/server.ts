/**
 * The Calendly API emulator: a real HTTP server on loopback that answers the calls of
 * ../shared/calendly/API.md with Calendly's rules, delivers signed webhooks, and can be told to
 * misbehave. `startEmulator()` wires the pieces together; each lives in its own module.
 *
 * node:http rather than a framework: see api/routes.ts for why hand-written routing is enough. The
 * listening, body reading and closing are those of every local stand-in (tools/loopback-server.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { listenOnLoopback, RequestBodyTooLargeError, readRequestBody } from "../tools/loopback-server";
import type { DuplicateUrlRule } from "./api/context";
import { matchRoute, type RouteMatch } from "./api/routes";
import { identify, requireActive } from "./auth";
import { createControl, type EmulatorControl, handleControlRequest } from "./control";
import { DEFAULT_DELIVERY_TIMINGS, Deliverer, type DeliveryTimings } from "./delivery";
import { ApiError, internalError, invalidArgument, notFound, tooManyRequests } from "./errors";
import { type Fault, FaultPlan } from "./faults";
import { type ApiResponse, errorResponse, MAX_BODY_BYTES, writeResponse } from "./http";
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitOptions, rateLimitHeaders } from "./rate-limit";
import { type Operation, queryObject, RequestRecorder, redact, redactRaw } from "./recorder";
import type { RetryStartedAtReading } from "./retry-started-at";
import { defaultSeed, parseSeed, type Seed, type SeedInput } from "./seed";
import { Store, type TokenGrant } from "./store";

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Organizations, users, groups and tokens. Default: emulator/seed.default.json. */
  seed?: SeedInput;
  /** Delivery timeouts and retry schedule (shorten them in tests). */
  delivery?: Partial<DeliveryTimings>;
  /**
   * Which reading of Calendly's documentation `retry_started_at` follows (retry-started-at.ts).
   * Default `run`: set when a subscription starts retrying, never cleared.
   */
  retryStartedAt?: RetryStartedAtReading;
  /** Requests per window per user, by plan, and the window length. Default 500/50 per 60 s. */
  rateLimits?: Partial<RateLimitOptions>;
  /** Whether rate-limit 429s also carry `Retry-After` (open in API.md). Default false. */
  retryAfterOn429?: boolean;
  /** Which existing subscriptions make a create a 409 (see api/context.ts). Default "owner". */
  duplicateUrlRule?: DuplicateUrlRule;
  /** Refuse callback URLs on loopback, private and other non-public hosts (400). Default false. */
  publicCallbackUrlsOnly?: boolean;
  /** Receives one line per API request and per delivery attempt. Default: silent. */
  log?: (line: string) => void;
  /**
   * Where a delivery for a subscription's callback URL is sent (default: that URL). A test seam: a
   * stack whose URLs are an API Gateway's, unreachable here, delivers to a local receiver instead.
   */
  deliverTo?: (callbackUrl: string) => string;
}

export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:4010; also the prefix of every URI the emulator mints. */
  url: string;
  control: EmulatorControl;
  close(): Promise<void>;
}

const CONTROL_PREFIX = "/__emulator";

const isControlPath = (path: string) => path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);

function errorToResponse(error: unknown, log: (line: string) => void): ApiResponse {
  if (error instanceof ApiError) return errorResponse(error);
  if (error instanceof RequestBodyTooLargeError) {
    return errorResponse(
      invalidArgument([{ message: `The request body is larger than ${MAX_BODY_BYTES} bytes.` }]),
    );
  }
  log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
  return errorResponse(internalError());
}

function faultResponse(
  fault: Extract<Fault, { kind: "status" }>,
  limitHeaders: Record<string, string>,
): ApiResponse {
  const error = fault.status === 429 ? tooManyRequests() : internalError(fault.status);
  const headers: Record<string, string> = { ...limitHeaders };
  if (fault.status === 429) {
    headers["X-RateLimit-Remaining"] = "0";
    if (fault.resetSeconds !== undefined) headers["X-RateLimit-Reset"] = String(fault.resetSeconds);
  }
  if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
  return { ...errorResponse(error), headers };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed: Seed = options.seed === undefined ? defaultSeed() : parseSeed(options.seed);
  const log = options.log ?? (() => undefined);
  const timings: DeliveryTimings = { ...DEFAULT_DELIVERY_TIMINGS, ...options.delivery };
  const limits: RateLimitOptions = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const duplicateUrlRule = options.duplicateUrlRule ?? "owner";
  const publicCallbackUrlsOnly = options.publicCallbackUrlsOnly ?? false;

  const server = createServer();
  // A client that stalls mid-request is cut off rather than holding a socket forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  const listening = await listenOnLoopback(server, { host: options.host, port: options.port });
  const { url } = listening;

  const store = new Store(url, seed);
  const recorder = new RequestRecorder();
  const faults = new FaultPlan();
  const limiter = new RateLimiter(limits);
  const deliverer = new Deliverer(store, timings, log, options.retryStartedAt, undefined, options.deliverTo);
  const control = createControl({ store, recorder, faults, limiter, deliverer });

  /**
   * Whose budget a request counts against: the token's user, or, for a request without a known
   * token (which Calendly answers 401), the client's address. API.md: every response carries the
   * rate-limit headers; which budget an unauthenticated request uses is not documented.
   */
  const budgetOf = (grant: TokenGrant | undefined, client: string | undefined) =>
    grant
      ? { key: grant.user, plan: grant.plan }
      : { key: `anonymous ${client ?? "?"}`, plan: "paid" as const };

  /** The rate-limit headers for a request, without counting it. */
  const peekHeaders = (grant: TokenGrant | undefined, client: string | undefined) => {
    const budget = budgetOf(grant, client);
    return rateLimitHeaders(limiter.peek(budget.key, budget.plan));
  };

  /** Authenticates, rate-limits and dispatches one Calendly API call. */
  function answer(
    route: RouteMatch | undefined,
    query: URLSearchParams,
    body: Buffer,
    grant: TokenGrant | undefined,
    client: string | undefined,
  ): ApiResponse {
    let headers: Record<string, string> = {};
    try {
      // Rate-limit headers go on every answer, 401s included.
      const budget = budgetOf(grant, client);
      const decision = limiter.take(budget.key, budget.plan);
      headers = rateLimitHeaders(decision);
      if (!decision.allowed) {
        if (options.retryAfterOn429) headers["Retry-After"] = String(decision.resetSeconds);
        throw tooManyRequests();
      }
      const active = requireActive(grant);
      if (!route) throw notFound();
      const response = route.handler({
        store,
        grant: active,
        query,
        body,
        params: route.params,
        now: new Date(),
        duplicateUrlRule,
        publicCallbackUrlsOnly,
      });
      return { ...response, headers: { ...headers, ...response.headers } };
    } catch (error) {
      const response = errorToResponse(error, log);
      return { ...response, headers: { ...headers, ...response.headers } };
    }
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    body: Buffer,
  ) {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const grant = identify(store, req.headers.authorization);
    const route = matchRoute(method, path);
    const operation: Operation = route?.operation ?? "unknown";
    const fault = faults.take(method, path);

    const record = (status: number | null) => {
      let recordedBody: unknown = null;
      if (body.length > 0) {
        try {
          recordedBody = redact(JSON.parse(body.toString("utf8")));
        } catch {
          recordedBody = redactRaw(body.toString("utf8"));
        }
      }
      const durationMs = Date.now() - started;
      recorder.record({
        at: new Date(started).toISOString(),
        method,
        path,
        query: queryObject(query),
        body: recordedBody,
        operation,
        status,
        user: grant?.user ?? null,
        fault: fault?.kind ?? null,
        user_agent: req.headers["user-agent"] ?? null,
        duration_ms: durationMs,
      });
      const who = grant ? ` ${store.user(grant.user)?.slug ?? "?"}` : "";
      const faultNote = fault
        ? ` [fault: ${fault.kind}${fault.kind === "status" ? ` ${fault.status}` : ""}]`
        : "";
      log(`${method} ${path} -> ${status ?? "connection reset"} ${durationMs}ms${who}${faultNote}`);
    };

    if (fault?.kind === "reset") {
      record(null);
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === "latency") await sleep(fault.ms);

    let response: ApiResponse;
    if (fault?.kind === "status") {
      response = faultResponse(fault, peekHeaders(grant, req.socket.remoteAddress));
    } else {
      response = answer(route, query, body, grant, req.socket.remoteAddress);
    }
    record(response.status);
    if (fault?.kind === "apply_then_drop") {
      // The call took full effect above; the client only sees its connection die.
      req.socket.resetAndDestroy();
      return;
    }
    if (!res.destroyed) writeResponse(res, response, {});
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let target: URL;
    try {
      target = new URL(req.url ?? "/", url);
    } catch {
      writeResponse(res, errorResponse(notFound()), {});
      return;
    }
    let body: Buffer;
    try {
      body = await readRequestBody(req, MAX_BODY_BYTES);
    } catch (error) {
      // Answer, then close: the rest of an oversized body is not worth reading.
      res.setHeader("Connection", "close");
      const limits = isControlPath(target.pathname)
        ? {}
        : peekHeaders(identify(store, req.headers.authorization), req.socket.remoteAddress);
      writeResponse(res, errorToResponse(error, log), limits);
      return;
    }
    if (isControlPath(target.pathname)) {
      let response: ApiResponse;
      try {
        response = await handleControlRequest(control, req, target.pathname, target.searchParams, body);
      } catch (error) {
        response = errorToResponse(error, log);
      }
      if (!res.destroyed) writeResponse(res, response, {});
      return;
    }
    await handleApi(req, res, target.pathname, target.searchParams, body);
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // Last resort: whatever went wrong, the client gets an answer and the process lives on.
      log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent && !res.destroyed) writeResponse(res, errorResponse(internalError()), {});
      else res.destroy();
    });
  });
  // Malformed HTTP never reaches "request": answer a Calendly-shaped 400 on the raw socket and hang up.
  const badRequest = JSON.stringify(invalidArgument([{ message: "The request is not valid HTTP." }]).body);
  server.on("clientError", (_error, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const client = (socket as Partial<Socket>).remoteAddress;
    const limits = Object.entries(peekHeaders(undefined, client))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    socket.end(
      "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n" +
        `${limits}Content-Length: ${Buffer.byteLength(badRequest)}\r\n\r\n${badRequest}`,
    );
  });

  let closed: Promise<void> | undefined;
  return {
    url,
    control,
    close() {
      closed ??= (async () => {
        await deliverer.stop();
        await listening.close();
      })();
      return closed;
    },
  };
}
