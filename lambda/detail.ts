/**
 * The `Detail` documents of the EventBridge events the receiver puts on the bus (`Source:
 * "calendly"`): `CalendlyEventDetail` with `DetailType: <event name>` for every envelope, and
 * `UnparsedDeliveryDetail` with `DetailType: "Calendly Unparsed Delivery"` for an authentic
 * delivery whose body is not one. Downstream consumers and our end-to-end tests import these types;
 * changes must stay backward compatible (add optional fields only).
 */
import { createHash } from "node:crypto";

export const EVENT_SOURCE = "calendly";

/**
 * The DetailType of an unparsed delivery. It has spaces, which no Calendly event name may have
 * (names are `[A-Za-z0-9_.:-]`), so it can never be mistaken for an event.
 */
export const UNPARSED_DETAIL_TYPE = "Calendly Unparsed Delivery";

/**
 * - `valid`: a known event whose payload has every field consumers rely on;
 * - `unknown_event`: an authentic event this receiver does not know yet (payload unchecked);
 * - `invalid_payload`: a known event whose payload misses or mistypes a field (see `issues`).
 */
export type ValidationMarker = "valid" | "unknown_event" | "invalid_payload";

/** Where a claim-checked body is: an S3 object holding the raw delivery body (the whole envelope), byte for byte. */
export interface PayloadRef {
  bucket: string;
  key: string;
}

export interface CalendlyEventDetail {
  /**
   * SHA-256 (hex) of the raw body: identical across Calendly's retries of one delivery, so
   * consumers de-duplicate on it (delivery is at least once).
   */
  id: string;
  /** Calendly's event name, e.g. `invitee.created` (also the EventBridge `DetailType`). */
  event: string;
  /** The envelope's `created_at`, as sent. */
  createdAt: string;
  /** The envelope's `created_by` (a user URI), as sent. */
  createdBy: string;
  /**
   * The envelope's `payload` as `JSON.parse` reads it, extra keys kept; `null` when claim-checked.
   * A reading, not the bytes: a number beyond double precision is rounded, and of two equal keys
   * the last wins. The bytes are `rawBody`.
   */
  payload: Record<string, unknown> | null;
  /**
   * The delivery's body exactly as received, as text (it is valid UTF-8, or it would have been an
   * unparsed delivery): `Buffer.from(rawBody, "utf8")` gives back every byte, a byte-order mark
   * included, its SHA-256 is `id`, and Calendly's signature was computed over it. Absent when
   * claim-checked: the S3 object at `payloadRef` holds the same bytes.
   */
  rawBody?: string;
  /** Set instead of `payload` when the event was too large for one EventBridge entry. */
  payloadRef?: PayloadRef;
  /**
   * Envelope keys besides `event`, `created_at`, `created_by` and `payload`, as sent, when Calendly
   * adds any: kept rather than dropped. Absent when there are none, and when claim-checked.
   */
  envelopeExtra?: Record<string, unknown>;
  /** When the receiver got the delivery (ISO 8601, UTC). */
  receivedAt: string;
  validation: ValidationMarker;
  /** Paths of the offending fields (e.g. `payload.scheduled_event.start_time`), never values. */
  issues?: string[];
}

/**
 * Why a correctly signed body was not parsed: not UTF-8 JSON, JSON but not an envelope
 * `{event, created_at, created_by, payload}` within its bounds, or above `MAX_BODY_BYTES`.
 */
export type UnparsedReason = "not_json" | "not_envelope" | "too_large";

/**
 * An authentic delivery (its signature verified) whose body could not be read as an envelope.
 * The raw bytes are in the claim-check bucket at `payloadRef`; consumers read them from there.
 */
export interface UnparsedDeliveryDetail {
  /** SHA-256 (hex) of the raw body, as for events. */
  id: string;
  unparsed: UnparsedReason;
  /** For `not_envelope`: paths of the offending fields, never values. */
  issues?: string[];
  bodyBytes: number;
  payloadRef: PayloadRef;
  /** When the receiver got the delivery (ISO 8601, UTC). */
  receivedAt: string;
}

/** The dedupe id of a delivery: SHA-256 hex of the raw body bytes. */
export function deliveryId(body: Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}
