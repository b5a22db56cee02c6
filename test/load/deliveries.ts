/**
 * Calendly-like deliveries for load runs: every request a different, correctly signed event (so the
 * EventBridge stub can be checked for exactly-once by `detail.id`, the SHA-256 of the body), signed
 * when it is sent (so none goes stale in a long run), cycling through every webhook event type.
 * Optionally every n-th request is a forgery (signed with another key), which must get 401 and
 * never reach the bus.
 *
 * Each request's fate is recorded by id: when it was sent, the status that came back, how long it
 * took. A request autocannon gave up on (timeout, run stopped) has no status.
 */
import { createHash, randomUUID } from "node:crypto";
import type autocannon from "autocannon";
import { sampleEnvelope, signatureHeader, WEBHOOK_EVENTS } from "../../calendly";

/** Stands for the user id in each template; replaced by a fresh UUID per request. */
const PLACEHOLDER = "00000000-0000-4000-8000-00000000cafe";

export interface DeliveryOutcome {
  forged: boolean;
  /** `performance.now()` when the request was built, just before it was written. */
  sentAt: number;
  status?: number;
  latencyMs?: number;
}

export interface Deliveries {
  /** The `requests` option for autocannon. */
  requests: autocannon.Request[];
  /** By delivery id (SHA-256 hex of the body), in sending order. */
  outcomes: Map<string, DeliveryOutcome>;
}

export interface DeliveryOptions {
  key: string;
  /** Every n-th request is signed with `forgeryKey` instead (0: none). */
  forgedEvery?: number;
  forgeryKey?: string;
}

export function signedDeliveries(options: DeliveryOptions): Deliveries {
  const now = new Date();
  const templates = WEBHOOK_EVENTS.map((event) =>
    JSON.stringify(sampleEnvelope(event, { user: PLACEHOLDER, now })),
  );
  const forgeryKey = options.forgeryKey ?? `${options.key}-forged`;
  const outcomes = new Map<string, DeliveryOutcome>();
  let sent = 0;

  const request: autocannon.Request = {
    method: "POST",
    setupRequest(params, context) {
      sent += 1;
      const body = templates[sent % templates.length]!.replaceAll(PLACEHOLDER, randomUUID());
      const id = createHash("sha256").update(body).digest("hex");
      const forged =
        options.forgedEvery !== undefined && options.forgedEvery > 0 && sent % options.forgedEvery === 0;
      const signature = signatureHeader(
        forged ? forgeryKey : options.key,
        body,
        Math.floor(Date.now() / 1000),
      );
      context.id = id;
      outcomes.set(id, { forged, sentAt: performance.now() });
      return {
        ...params,
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Calendly",
          "calendly-webhook-signature": signature,
        },
        body,
      };
    },
    onResponse(status, _body, context) {
      const outcome = outcomes.get(context.id as string);
      if (outcome === undefined || outcome.status !== undefined) return;
      outcome.status = status;
      outcome.latencyMs = performance.now() - outcome.sentAt;
    },
  };
  return { requests: [request], outcomes };
}
