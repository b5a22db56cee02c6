/**
 * How Calendly delivers webhooks and what it makes of the answer (API.md, "Webhook delivery"),
 * for whoever sends like Calendly (a test harness, this project's emulator and CLI) or must answer
 * it (a receiver's time budget):
 *
 * - Calendly waits 10 s to connect and 15 s for the response;
 * - any 2xx is a success;
 * - `410 Gone` deletes the subscription at once, without a retry: a receiver must never answer it
 *   by accident;
 * - everything else is a failure that Calendly retries with back-off for 24 h before it disables
 *   the subscription: 3xx (redirects are not followed), 4xx, 5xx, a connection error, a timeout.
 */
import { classifyRequestError } from "./request-errors";

export const WEBHOOK_DELIVERY_TIMEOUTS = {
  /** How long Calendly waits for the TCP (and TLS) connection. */
  connectMs: 10_000,
  /** How long Calendly waits for the whole response, from the start of the request. */
  responseMs: 15_000,
} as const;

/** What Calendly makes of a delivery: done, subscription deleted, or to be retried. */
export type DeliveryOutcome = "success" | "gone" | "failure";

/** The outcome of a delivery that was answered with `status`. */
export function deliveryOutcome(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return "success";
  return status === 410 ? "gone" : "failure";
}

/** Why a delivery got no answer; each is a failure that Calendly retries. */
export type DeliveryFailure = "connect_timeout" | "timeout" | "connection_error";

/** Why the delivery request that threw `error` got no answer, and the low-level code that says so. */
export function deliveryFailure(error: unknown): { failure: DeliveryFailure; code: string } {
  const { code, timeout } = classifyRequestError(error);
  const failure =
    timeout === "connect" ? "connect_timeout" : timeout === "response" ? "timeout" : "connection_error";
  return { failure, code };
}
