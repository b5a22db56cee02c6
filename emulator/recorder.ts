/**
 * What the emulator remembers about the Calendly API calls it answered, for tests and for people
 * debugging a client: method, path, query, body, status, user agent, and which user's token was used.
 *
 * Secrets are removed on the way in, so nothing readable through the control API or a test
 * assertion can leak them: the token itself is never stored (only its user's URI), and every
 * `signing_key` in a body, parsed or not, becomes "[redacted]".
 */

export const REDACTED = "[redacted]";

/** Name of the Calendly operation a request maps to, for counting calls per operation. */
export type Operation =
  | "getCurrentUser"
  | "createWebhookSubscription"
  | "listWebhookSubscriptions"
  | "getWebhookSubscription"
  | "deleteWebhookSubscription"
  | "getSampleWebhookData"
  | "getScheduledEvent"
  | "getInvitee"
  | "unknown";

export interface RecordedRequest {
  /** 1, 2, 3... in arrival order. */
  seq: number;
  /** When the request arrived (ISO 8601). */
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON body (or the raw text when it is not JSON; `null` when empty), redacted. */
  body: unknown;
  operation: Operation;
  /** Status answered; for `apply_then_drop` the status the client would have seen; `null` for `reset`. */
  status: number | null;
  /** URI of the token's user; `null` when the token was missing or unknown. */
  user: string | null;
  /** The injected fault, if any. */
  fault: string | null;
  /** The client's `User-Agent` (which code made the call, e.g. `pulumi-calendly/0.2.0 …`); `null` if none. */
  user_agent: string | null;
  duration_ms: number;
}

export interface RequestFilter {
  operation?: Operation;
  method?: string;
  /** Exact path, or a prefix ending with `*`. */
  path?: string;
  status?: number;
  user?: string;
}

const SECRET_KEY = /^(signing_key|access_token|token|client_secret|password)$/i;
const RAW_SECRET =
  /("(?:signing_key|access_token|token|client_secret|password)"\s*:\s*)"(?:[^"\\]|\\.)*("?)/gi;
const MAX_RAW_CHARS = 4096;

/** A deep copy of `value` with every secret-named key's value replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? REDACTED : redact(inner)]),
    );
  }
  return value;
}

/** Redacts secrets from a body that is not valid JSON (even a truncated one). */
export function redactRaw(text: string): string {
  return text.slice(0, MAX_RAW_CHARS).replace(RAW_SECRET, `$1"${REDACTED}"`);
}

export function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key).map((v) => (SECRET_KEY.test(key) ? REDACTED : v));
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

export function matchesFilter(request: RecordedRequest, filter: RequestFilter = {}): boolean {
  if (filter.operation && request.operation !== filter.operation) return false;
  if (filter.method && request.method.toUpperCase() !== filter.method.toUpperCase()) return false;
  if (filter.status !== undefined && request.status !== filter.status) return false;
  if (filter.user && request.user !== filter.user) return false;
  if (filter.path) {
    const prefix = filter.path.endsWith("*");
    const path = prefix ? filter.path.slice(0, -1) : filter.path;
    if (prefix ? !request.path.startsWith(path) : request.path !== path) return false;
  }
  return true;
}

export class RequestRecorder {
  private readonly entries: RecordedRequest[] = [];
  private nextSeq = 1;

  /** Keeps the most recent `capacity` requests, so a long offline session cannot grow without bound. */
  constructor(private readonly capacity = 10_000) {}

  record(entry: Omit<RecordedRequest, "seq">): RecordedRequest {
    const recorded = { seq: this.nextSeq++, ...entry };
    this.entries.push(recorded);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return recorded;
  }

  list(filter?: RequestFilter): RecordedRequest[] {
    return this.entries.filter((r) => matchesFilter(r, filter)).map((r) => structuredClone(r));
  }

  count(filter?: RequestFilter): number {
    return this.entries.filter((r) => matchesFilter(r, filter)).length;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
