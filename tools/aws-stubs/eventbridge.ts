/**
 * A local stand-in for Amazon EventBridge's PutEvents, speaking the wire protocol the AWS SDK v3
 * uses (AWS JSON 1.1: `POST /`, `X-Amz-Target: AWSEvents.PutEvents`). Point the real SDK client at
 * it with `AWS_ENDPOINT_URL_EVENTBRIDGE=<url>` (plus any region and dummy credentials).
 *
 * It records every entry it accepts exactly as sent, enforces EventBridge's size limit and `Detail`
 * rules, and injects faults on demand: partial failures (`FailedEntryCount` with per-entry
 * `ErrorCode`), throttling, outages and latency.
 */
import type { IncomingHttpHeaders } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  FaultQueue,
  isSigned,
  listen,
  requestId,
  type StubListenOptions,
  sendJson,
  sendJsonError,
} from "./http";

/** EventBridge's limit on the summed size of a PutEvents request's entries. */
export const EVENTBRIDGE_MAX_REQUEST_BYTES = 256 * 1024;

/** A `PutEventsRequestEntry` as it arrived on the wire. */
export interface PutEventsEntryAsSent {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  /** Seconds since the epoch, as the SDK serializes timestamps in AWS JSON. */
  Time?: number;
  TraceHeader?: string;
}

export interface AcceptedEntry {
  eventId: string;
  entry: PutEventsEntryAsSent;
  /** `entry.Detail` parsed. */
  detail: unknown;
  receivedAt: Date;
}

export type EventBridgeFault =
  /** 400 `ThrottlingException` for the whole request. */
  | { type: "throttle" }
  /** A 5xx `InternalException` for the whole request (default 500). */
  | { type: "outage"; status?: number }
  /** 200 with `FailedEntryCount`: the first `count` entries (default all) fail with `errorCode`. */
  | { type: "partial"; errorCode?: string; errorMessage?: string; count?: number }
  /** Answer normally after `ms` milliseconds. */
  | { type: "latency"; ms: number }
  /**
   * Answer with exactly `body` (status default 200) and put nothing on the bus: a 200 that does
   * not confirm the entry (`{}`, `{"Entries":[]}`, `null`, an empty body), as a proxy or a
   * misbehaving endpoint might send.
   */
  | { type: "answer"; body: string; status?: number };

export interface RecordedPutEventsRequest {
  target: string;
  headers: IncomingHttpHeaders;
  /** The parsed request body (`{Entries: [...]}`), or the raw text when it was not JSON. */
  body: unknown;
  outcome: "accepted" | "partial" | "throttled" | "outage" | "answered" | "rejected";
}

export interface EventBridgeStub {
  /** Base URL for `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  url: string;
  /** Entries accepted, in arrival order, exactly as sent. */
  readonly entries: AcceptedEntry[];
  /** Every request, including failed and rejected ones. */
  readonly requests: RecordedPutEventsRequest[];
  /** Apply `fault` to the next `times` requests (default 1; `Infinity` until `clearFaults`). */
  injectFaults(fault: EventBridgeFault, times?: number): void;
  clearFaults(): void;
  /** Calls `listener` for each accepted entry; returns an unsubscribe function. */
  onEntry(listener: (entry: AcceptedEntry) => void): () => void;
  /** Resolves once at least `count` entries were accepted; rejects after `timeoutMs` (default 5000). */
  waitForEntries(count: number, timeoutMs?: number): Promise<AcceptedEntry[]>;
  /** Forgets entries, requests and faults. */
  reset(): void;
  close(): Promise<void>;
}

/** An entry's size the way EventBridge computes it ("Calculating PutEvents event entry size"). */
export function putEventsEntrySize(
  entry: Pick<PutEventsEntryAsSent, "Source" | "DetailType" | "Detail" | "Resources"> & { Time?: unknown },
): number {
  let size = 0;
  if (entry.Time !== undefined) size += 14;
  size += Buffer.byteLength(entry.Source ?? "", "utf8");
  size += Buffer.byteLength(entry.DetailType ?? "", "utf8");
  size += Buffer.byteLength(entry.Detail ?? "", "utf8");
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, "utf8");
  return size;
}

function isJsonObject(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: false };
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? { ok: true, value }
      : { ok: false };
  } catch {
    return { ok: false };
  }
}

export async function startEventBridgeStub(options: StubListenOptions = {}): Promise<EventBridgeStub> {
  const entries: AcceptedEntry[] = [];
  const requests: RecordedPutEventsRequest[] = [];
  const faults = new FaultQueue<EventBridgeFault>();
  const listeners = new Set<(entry: AcceptedEntry) => void>();
  let nextEventId = 1;

  const server = await listen(async (req, res, raw) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    let body: unknown = raw.toString("utf8");
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      // Recorded as text; answered below as a serialization error.
    }
    const record: RecordedPutEventsRequest = { target, headers: req.headers, body, outcome: "rejected" };
    requests.push(record);

    if (req.method !== "POST" || target !== "AWSEvents.PutEvents") {
      return sendJsonError(res, 400, "UnknownOperationException", `stub supports AWSEvents.PutEvents only`);
    }
    if (!isSigned(req)) {
      return sendJsonError(res, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    const requestEntries = (body as { Entries?: unknown } | null)?.Entries;
    if (!Array.isArray(requestEntries) || requestEntries.length < 1 || requestEntries.length > 10) {
      return sendJsonError(res, 400, "ValidationException", "Entries must hold 1 to 10 entries");
    }
    const typed = requestEntries as PutEventsEntryAsSent[];
    const total = typed.reduce((sum, entry) => sum + putEventsEntrySize(entry), 0);
    if (total > EVENTBRIDGE_MAX_REQUEST_BYTES) {
      return sendJsonError(
        res,
        400,
        "ValidationException",
        `Total size of the entries in the request is over the limit (${total} > ${EVENTBRIDGE_MAX_REQUEST_BYTES})`,
      );
    }

    let fault = faults.take();
    if (fault?.type === "latency") {
      await sleep(fault.ms);
      fault = undefined;
    }
    if (fault?.type === "throttle") {
      record.outcome = "throttled";
      return sendJsonError(res, 400, "ThrottlingException", "Rate exceeded");
    }
    if (fault?.type === "outage") {
      record.outcome = "outage";
      return sendJsonError(res, fault.status ?? 500, "InternalException", "stub outage");
    }
    if (fault?.type === "answer") {
      record.outcome = "answered";
      res.writeHead(fault.status ?? 200, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": requestId(),
      });
      res.end(fault.body);
      return;
    }

    const failCount = fault?.type === "partial" ? (fault.count ?? typed.length) : 0;
    const resultEntries = typed.map((entry, index) => {
      if (index < failCount && fault?.type === "partial") {
        return {
          ErrorCode: fault.errorCode ?? "InternalFailure",
          ErrorMessage: fault.errorMessage ?? "stub partial failure",
        };
      }
      const detail = isJsonObject(entry.Detail);
      if (!detail.ok) return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
      if (!entry.Source || !entry.DetailType) {
        return {
          ErrorCode: "InvalidArgument",
          ErrorMessage: "Parameter(s) Source, DetailType is not valid.",
        };
      }
      const eventId = `stub-event-${nextEventId++}`;
      const accepted: AcceptedEntry = { eventId, entry, detail: detail.value, receivedAt: new Date() };
      entries.push(accepted);
      for (const listener of listeners) listener(accepted);
      return { EventId: eventId };
    });
    const failed = resultEntries.filter((entry) => "ErrorCode" in entry).length;
    record.outcome = failed === 0 ? "accepted" : "partial";
    return sendJson(res, { FailedEntryCount: failed, Entries: resultEntries });
  }, options);

  return {
    url: server.url,
    entries,
    requests,
    injectFaults: (fault, times = 1) => faults.add(fault, times),
    clearFaults: () => faults.clear(),
    onEntry(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForEntries(count, timeoutMs = 5000) {
      if (entries.length >= count) return Promise.resolve(entries.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`EventBridge stub: ${entries.length} of ${count} entries after ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (entries.length < count) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(entries.slice());
        };
        listeners.add(check);
      });
    },
    reset() {
      entries.length = 0;
      requests.length = 0;
      faults.clear();
    },
    close: () => server.close(),
  };
}
