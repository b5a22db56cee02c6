/**
 * One webhook delivery made the way Calendly makes it, for this repository's two senders: the
 * emulator (every delivery and retry) and the CLI's `send-test`. A signed JSON POST that does not
 * follow redirects, under Calendly's timeouts, answered with what Calendly would make of it; the
 * rules themselves (timeouts, outcomes, which error is which timeout) are the package's
 * webhook-delivery.ts.
 */
import { Agent, type Dispatcher, request } from "undici";
import {
  type DeliveryFailure,
  type DeliveryOutcome,
  deliveryFailure,
  deliveryOutcome,
  describeCause,
  SIGNATURE_HEADER,
  WEBHOOK_DELIVERY_TIMEOUTS,
} from "../packages/pulumi-calendly/src/calendly";

export interface DeliveryTimeouts {
  connectMs: number;
  responseMs: number;
}

/** The most of an answer's body kept: enough to quote it; the rest is not read. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * An undici Agent with Calendly's connect timeout, to keep for many deliveries (close it when
 * done). Its headers and body timeouts are a backstop only: undici's timers tick about once a
 * second, too coarse for short test timeouts, so `sendDelivery` times the response itself.
 */
export function createDeliveryAgent(timeouts: Partial<DeliveryTimeouts> = {}): Agent {
  const responseMs = timeouts.responseMs ?? WEBHOOK_DELIVERY_TIMEOUTS.responseMs;
  return new Agent({
    connect: { timeout: timeouts.connectMs ?? WEBHOOK_DELIVERY_TIMEOUTS.connectMs },
    headersTimeout: responseMs,
    bodyTimeout: responseMs,
    keepAliveTimeout: 1_000,
  });
}

export interface Delivery {
  url: string;
  /** The exact bytes that were signed. */
  body: Buffer;
  /** The `Calendly-Webhook-Signature` value; none for a subscription without a signing key. */
  signature?: string;
  userAgent: string;
  /** Default: Calendly's (10 s to connect, 15 s for the response, counted from the request's start). */
  timeouts?: Partial<DeliveryTimeouts>;
  /** The agent that connects (`createDeliveryAgent`); default: one for this delivery only. */
  dispatcher?: Dispatcher;
  /** Ends the delivery early (its sender stopping); it then reports a connection error. */
  signal?: AbortSignal;
}

export type DeliveryResult =
  | {
      kind: "answer";
      status: number;
      outcome: DeliveryOutcome;
      /** Until the response headers came. */
      latencyMs: number;
      /** Where a 3xx pointed (Calendly does not go there). */
      location?: string;
      /** The start of the answer's body, on one line. */
      bodySnippet: string;
    }
  | {
      kind: "no_answer";
      failure: DeliveryFailure;
      /** The errno or undici code (or `TimeoutError` for the response timeout). */
      code: string;
      /** The code and the error's message, for people. */
      detail: string;
      latencyMs: number;
    };

/** The first bytes of a body, as text; the rest is dropped unread. */
async function bodyStart(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) break; // Leaving the loop destroys the stream.
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8");
}

/** POSTs one delivery and reports the answer, or why none came, and what Calendly would make of it. */
export async function sendDelivery(delivery: Delivery): Promise<DeliveryResult> {
  const ownAgent = delivery.dispatcher ? undefined : createDeliveryAgent(delivery.timeouts);
  const dispatcher = delivery.dispatcher ?? ownAgent!;
  const deadline = AbortSignal.timeout(delivery.timeouts?.responseMs ?? WEBHOOK_DELIVERY_TIMEOUTS.responseMs);
  const signal = delivery.signal ? AbortSignal.any([delivery.signal, deadline]) : deadline;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": delivery.userAgent,
  };
  if (delivery.signature !== undefined) headers[SIGNATURE_HEADER] = delivery.signature;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    // undici's request() does not follow redirects: a 3xx comes back as is, as Calendly sees it.
    const response = await request(delivery.url, {
      method: "POST",
      dispatcher,
      headers,
      body: delivery.body,
      signal,
    });
    const latencyMs = elapsed();
    // The status is the answer; a body cut short by the deadline only shortens the quote.
    const text = await bodyStart(response.body).catch(() => "");
    const location = response.headers.location;
    return {
      kind: "answer",
      status: response.statusCode,
      outcome: deliveryOutcome(response.statusCode),
      latencyMs,
      ...(typeof location === "string" ? { location } : {}),
      bodySnippet: text.replace(/\s+/g, " ").trim().slice(0, 200),
    };
  } catch (error) {
    // Our own deadline, in whatever form undici passed the abort on (its reason, as a rule).
    const ownDeadline = deadline.aborted && !delivery.signal?.aborted;
    const { failure, code } = ownDeadline ? deliveryFailure(deadline.reason) : deliveryFailure(error);
    return { kind: "no_answer", failure, code, detail: describeCause(error) || code, latencyMs: elapsed() };
  } finally {
    await ownAgent?.close().catch(() => undefined);
  }
}
