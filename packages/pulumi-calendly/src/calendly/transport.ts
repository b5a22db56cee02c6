/**
 * One Calendly call, with the retry rules of API.md, over one undici dispatcher per client (so
 * connections are pooled and kept alive). The loop is ours, the waits are retry.ts's (which says
 * why this is not undici's RetryAgent); each attempt is a whole new request.
 *
 * - 429: wait what `Retry-After` / `X-RateLimit-Reset` say, then try again.
 * - 5xx and connection errors, before or during the answer: exponential back-off with full jitter.
 * - Other 4xx: never retried.
 * - A POST whose request may have reached Calendly without an answer coming back is not retried:
 *   it fails with an "unknown outcome" error so the caller can look before creating again.
 * - Everything is bounded by `maxAttempts` and one overall deadline.
 */
import { Agent, type Dispatcher, request } from "undici";
import {
  CalendlyApiError,
  CalendlyError,
  CalendlyResponseError,
  CalendlyTransportError,
  CalendlyUnknownOutcomeError,
} from "./errors";
import { classifyRequestError } from "./request-errors";
import { backoffDelayMs, type RetryPolicy, rateLimitJitterMs, rateLimitWaitMs } from "./retry";
import { calendlySchemas } from "./schemas";

export interface Timeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From sending the request to the response headers. */
  headersMs: number;
  /** Between two chunks of the response body. */
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

/** What the client tells an observer about a retry; never a header, so never the token. */
export interface RetryNotice {
  method: string;
  path: string;
  attempt: number;
  reason: string;
  delayMs: number;
}

export interface TransportOptions {
  baseUrl: string;
  token: string;
  userAgent: string;
  timeouts: Timeouts;
  retry: RetryPolicy;
  /** An undici dispatcher to use instead of the client's own Agent (e.g. a MockAgent in tests). */
  dispatcher?: Dispatcher;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  onRetry?: (notice: RetryNotice) => void;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export interface CallResult {
  status: number;
  /** Parsed JSON, or null for an empty body (a 204 delete). */
  body: unknown;
}

export interface Transport {
  call(method: "GET" | "POST" | "DELETE", path: string, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.length === 0) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function createTransport(options: TransportOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, "");
  const ownAgent = options.dispatcher
    ? undefined
    : new Agent({
        connectTimeout: options.timeouts.connectMs,
        headersTimeout: options.timeouts.headersMs,
        bodyTimeout: options.timeouts.bodyMs,
        keepAliveTimeout: 4_000,
      });
  const dispatcher: Dispatcher = options.dispatcher ?? ownAgent!;
  const schemas = calendlySchemas;

  function urlFor(path: string, query: CallOptions["query"]): string {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async function call(method: "GET" | "POST" | "DELETE", path: string, callOptions: CallOptions = {}) {
    const { retry } = options;
    const started = options.now();
    const url = urlFor(path, callOptions.query);
    const payload = callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body);
    let uncertain = false;
    let lastFailure: unknown;
    let attempts = 0;

    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      attempts = attempt;
      let waitMs: number;
      let reason: string;
      try {
        const remaining = retry.deadlineMs - (options.now() - started);
        const response = await request(url, {
          method,
          dispatcher,
          headers: {
            authorization: `Bearer ${options.token}`,
            accept: "application/json",
            "user-agent": options.userAgent,
            ...(payload === undefined ? {} : { "content-type": "application/json" }),
          },
          body: payload,
          signal: AbortSignal.timeout(Math.max(1, remaining)),
        });
        const text = await response.body.text();
        const parsed = parseJson(text);
        const status = response.statusCode;

        if (status >= 200 && status < 300) {
          if (!parsed.ok) throw new CalendlyResponseError({ method, path }, status, "not JSON");
          return { status, body: parsed.value };
        }

        const errorBody = schemas.errorBody.safeParse(parsed.ok ? parsed.value : {});
        const info = errorBody.success ? errorBody.data : {};
        const retryAfterMs = status === 429 ? rateLimitWaitMs(response.headers, options.now()) : null;
        const apiError = new CalendlyApiError({
          status,
          title: info.title,
          message: info.message ?? (parsed.ok ? undefined : text.slice(0, 200)),
          details: info.details,
          requiredScopes: info.required_scopes,
          method,
          path,
          retryAfterSeconds: retryAfterMs === null ? null : Math.ceil(retryAfterMs / 1000),
          afterUncertainAttempt: uncertain,
        });
        if (status === 429) {
          waitMs =
            retryAfterMs === null
              ? backoffDelayMs(attempt, retry, options.random)
              : Math.min(retryAfterMs, retry.maxRateLimitWaitMs) + rateLimitJitterMs(options.random);
          reason = "rate limited (429)";
        } else if (status >= 500) {
          // For a POST a 5xx leaves the outcome open in principle; remember it, so a 409 on the
          // retry is reported as possibly our own.
          if (method === "POST") uncertain = true;
          waitMs = backoffDelayMs(attempt, retry, options.random);
          reason = `server error (${status})`;
        } else {
          throw apiError;
        }
        lastFailure = apiError;
      } catch (error) {
        if (error instanceof CalendlyError) throw error;
        const { code, notSent } = classifyRequestError(error);
        if (method === "POST" && !notSent) throw new CalendlyUnknownOutcomeError({ method, path }, error);
        lastFailure = error;
        waitMs = backoffDelayMs(attempt, retry, options.random);
        reason = `connection error (${code})`;
      }

      const elapsed = options.now() - started;
      if (attempt === retry.maxAttempts || elapsed + waitMs >= retry.deadlineMs) break;
      options.onRetry?.({ method, path, attempt, reason, delayMs: waitMs });
      await options.sleep(waitMs);
    }

    // Out of attempts or time. A create that only ever met 5xx may still have been applied;
    // otherwise an API error is reported as Calendly said it, anything else as a transport failure.
    if (method === "POST" && uncertain) throw new CalendlyUnknownOutcomeError({ method, path }, lastFailure);
    if (lastFailure instanceof CalendlyApiError) throw lastFailure;
    throw new CalendlyTransportError({ method, path }, attempts, lastFailure);
  }

  return {
    call,
    async close() {
      await ownAgent?.close();
    },
  };
}
