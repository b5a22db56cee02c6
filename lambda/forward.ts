/**
 * Hands one delivery to EventBridge, within a deadline.
 *
 * Retries happen at two levels:
 * - whole-request errors (throttling, 5xx, network) are retried by the SDK's standard retry
 *   strategy (backoff, retry quota); if it gives up and time remains, we try again;
 * - per-entry failures (`FailedEntryCount` > 0) are invisible to the SDK, which sees a 200: we retry
 *   those ourselves when the entry's `ErrorCode` is transient (`ThrottlingException`,
 *   `InternalFailure`), with jittered backoff, hand-written because the SDK has no such feature.
 * Everything, claim check included, must finish before the delivery's deadline (deadline.ts; the
 * handler's, which reading the keys has already used part of): past it the caller answers 503 and
 * Calendly retries later. An attempt still in flight at the deadline may yet succeed; consumers
 * de-duplicate on `detail.id`.
 *
 * Success is one entry with an `EventId` and nothing else: a 200 whose body confirms no entry
 * (`{}`, no `Entries`, `null`, an empty body, an entry without an id, or a count that is not one) is
 * `unconfirmed`, answered 503 without a retry of ours: whether the event reached the bus is unknown,
 * and Calendly's retry sends it again under the same `detail.id`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { isRetryable } from "./aws-request";
import type { ClaimCheck } from "./claim-check";
import { type Deadline, EXPIRED } from "./deadline";
import {
  type CalendlyEventDetail,
  EVENT_SOURCE,
  type PayloadRef,
  UNPARSED_DETAIL_TYPE,
  type UnparsedDeliveryDetail,
} from "./detail";

/** Entry error codes worth another attempt; others (validation, permissions) will not heal. */
export const RETRYABLE_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  "ThrottlingException",
  "InternalFailure",
]);

export interface ForwarderOptions {
  eventBridge: () => EventBridgeClient;
  claimCheck: ClaimCheck;
  eventBusName: string;
  /** Entries at or above this size are claim-checked. */
  maxEntryBytes: number;
}

export type ForwardFailure =
  /** The deadline passed before EventBridge accepted the entry. */
  | "deadline"
  /** EventBridge refused the entry (per-entry `ErrorCode`) in a way retrying will not fix. */
  | "entry_rejected"
  /** EventBridge answered 200 without confirming exactly one entry with an `EventId`. */
  | "unconfirmed"
  /** The request failed in a way retrying will not fix (e.g. access denied, bus missing). */
  | "request_failed"
  /** The body could not be stored in S3. */
  | "claim_check_failed";

export type ForwardResult =
  | { ok: true; eventId: string; attempts: number; claimChecked: boolean }
  | { ok: false; failure: ForwardFailure; errorCode?: string; attempts: number; claimChecked: boolean };

export interface Forwarder {
  /** An envelope's event, claim-checked when it cannot travel in one entry. */
  forward(detail: CalendlyEventDetail, rawBody: Uint8Array, deadline: Deadline): Promise<ForwardResult>;
  /** An authentic body that is not an envelope: always stored whole, then announced. */
  forwardUnparsed(
    detail: Omit<UnparsedDeliveryDetail, "payloadRef">,
    rawBody: Uint8Array,
    deadline: Deadline,
  ): Promise<ForwardResult>;
}

/** The `UnconfirmedEntry` error code of an `unconfirmed` failure, for logs. */
export const UNCONFIRMED_ENTRY = "UnconfirmedEntry";

/** An entry's size the way EventBridge counts it ("Calculating PutEvents event entry size"). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  size += Buffer.byteLength(entry.Source ?? "", "utf8");
  size += Buffer.byteLength(entry.DetailType ?? "", "utf8");
  size += Buffer.byteLength(entry.Detail ?? "", "utf8");
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, "utf8");
  return size;
}

export function buildEntry(eventBusName: string, detail: CalendlyEventDetail): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: detail.event,
    Detail: JSON.stringify(detail),
  };
}

export function buildUnparsedEntry(
  eventBusName: string,
  detail: UnparsedDeliveryDetail,
): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: UNPARSED_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
  };
}

/**
 * The entry of an event whose payload went to the claim check. Every field left is bounded (the
 * envelope's strings by validation.ts, issue paths by count and length), so it fits far below
 * EventBridge's 256 KiB; should a smaller configured limit still be exceeded, the issue paths go
 * first, then the envelope's strings, which the stored body holds anyway.
 */
export function claimCheckedEntry(
  eventBusName: string,
  detail: CalendlyEventDetail,
  ref: PayloadRef,
  maxEntryBytes: number,
): PutEventsRequestEntry {
  const { envelopeExtra: _inObject, rawBody: _stored, ...rest } = detail;
  const slim: CalendlyEventDetail = { ...rest, payload: null, payloadRef: ref };
  let entry = buildEntry(eventBusName, slim);
  if (entrySize(entry) >= maxEntryBytes && slim.issues !== undefined) {
    slim.issues = ["(issues left out: too large for one entry)"];
    entry = buildEntry(eventBusName, slim);
  }
  if (entrySize(entry) >= maxEntryBytes) {
    entry = buildEntry(eventBusName, { ...slim, createdAt: "", createdBy: "" });
  }
  return entry;
}

/**
 * The entry, or `undefined` when the detail cannot be written as one JSON document: a payload
 * nested thousands of levels deep parses, but `JSON.stringify` runs out of stack on it. Such an
 * authentic delivery is not refused (Calendly would retry it for a day, then disable the
 * subscription): like an oversized one, it goes to the claim-check bucket as the raw bytes.
 */
function entryIfSerializable(
  eventBusName: string,
  detail: CalendlyEventDetail,
): PutEventsRequestEntry | undefined {
  try {
    return buildEntry(eventBusName, detail);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Name or code of an SDK error, for logs: never a message that could quote data. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof Error) return error.name;
  return "UnknownError";
}

export function createForwarder(options: ForwarderOptions): Forwarder {
  /**
   * Runs one forwarding within the deadline: `plan` says, given nothing stored yet, either the
   * entry to send or that the body must first go to the claim check (as `kind`), and then, given
   * where it was stored, the entry to send.
   */
  async function deliver(
    rawBody: Uint8Array,
    id: string,
    deadline: Deadline,
    plan: (ref: PayloadRef | undefined) => PutEventsRequestEntry | { claimCheck: "envelope" | "unparsed" },
  ): Promise<ForwardResult> {
    let attempts = 0;
    let claimChecked = false;
    let entry = plan(undefined);
    if ("claimCheck" in entry) {
      claimChecked = true;
      try {
        const stored = options.claimCheck.store(id, rawBody, deadline.signal, entry.claimCheck);
        const ref = await deadline.race(stored);
        if (ref === EXPIRED) return { ok: false, failure: "deadline", attempts, claimChecked };
        const next = plan(ref);
        if ("claimCheck" in next) throw new Error("forward: no entry after the claim check");
        entry = next;
      } catch (error) {
        return {
          ok: false,
          failure: deadline.expired ? "deadline" : "claim_check_failed",
          errorCode: errorCodeOf(error),
          attempts,
          claimChecked,
        };
      }
    }

    let lastCode: string | undefined;
    for (;;) {
      if (deadline.expired) {
        return { ok: false, failure: "deadline", errorCode: lastCode, attempts, claimChecked };
      }
      attempts += 1;
      let retryable: boolean;
      try {
        const sent = options.eventBridge().send(new PutEventsCommand({ Entries: [entry] }), {
          abortSignal: deadline.signal,
        });
        const result = await deadline.race(sent);
        if (result === EXPIRED) {
          return { ok: false, failure: "deadline", errorCode: lastCode, attempts, claimChecked };
        }
        // `result` is what the SDK made of the body: `{}`, `null` and an empty body all come back
        // without `Entries`.
        const entries = result?.Entries;
        const outcome = entries?.length === 1 ? entries[0] : undefined;
        if ((result?.FailedEntryCount ?? 0) === 0 && outcome?.ErrorCode === undefined) {
          if (typeof outcome?.EventId === "string" && outcome.EventId !== "") {
            return { ok: true, eventId: outcome.EventId, attempts, claimChecked };
          }
          return { ok: false, failure: "unconfirmed", errorCode: UNCONFIRMED_ENTRY, attempts, claimChecked };
        }
        lastCode = outcome?.ErrorCode ?? "UnknownEntryError";
        retryable = RETRYABLE_ENTRY_ERRORS.has(lastCode);
        if (!retryable)
          return { ok: false, failure: "entry_rejected", errorCode: lastCode, attempts, claimChecked };
      } catch (error) {
        if (deadline.expired) {
          return { ok: false, failure: "deadline", errorCode: lastCode, attempts, claimChecked };
        }
        lastCode = errorCodeOf(error);
        retryable = isRetryable(error);
        if (!retryable)
          return { ok: false, failure: "request_failed", errorCode: lastCode, attempts, claimChecked };
      }
      // Full jitter, exponential from 50 ms, capped at 1 s and by the time left.
      const backoff = Math.random() * Math.min(1000, 50 * 2 ** (attempts - 1));
      if (Date.now() + backoff >= deadline.at) {
        return { ok: false, failure: "deadline", errorCode: lastCode, attempts, claimChecked };
      }
      await sleep(backoff);
    }
  }

  return {
    forward(detail, rawBody, deadline) {
      return deliver(rawBody, detail.id, deadline, (ref) => {
        if (ref !== undefined) {
          return claimCheckedEntry(options.eventBusName, detail, ref, options.maxEntryBytes);
        }
        const entry = entryIfSerializable(options.eventBusName, detail);
        if (entry === undefined || entrySize(entry) >= options.maxEntryBytes)
          return { claimCheck: "envelope" };
        return entry;
      });
    },
    forwardUnparsed(detail, rawBody, deadline) {
      return deliver(rawBody, detail.id, deadline, (ref) =>
        ref === undefined
          ? { claimCheck: "unparsed" }
          : buildUnparsedEntry(options.eventBusName, { ...detail, payloadRef: ref }),
      );
    },
  };
}
