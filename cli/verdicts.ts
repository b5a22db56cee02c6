/**
 * What Calendly would make of a receiver's answer to `send-test`'s delivery (calendly/delivery.ts
 * sends it; the package's webhook-delivery.ts holds the rules): any 2xx is success; 3xx (redirects
 * are not followed) and every other status are failures that Calendly retries for 24 h before
 * disabling the subscription; a 410 deletes the subscription at once.
 */
import { WEBHOOK_DELIVERY_TIMEOUTS } from "../calendly";
import type { DeliveryResult } from "../calendly/delivery";

export interface Verdict {
  /** Whether the test passed (exit 0). */
  ok: boolean;
  /** What Calendly would do, one line each. */
  lines: string[];
}

function statusLine(result: DeliveryResult): string {
  if (result.kind === "no_answer") {
    const what =
      result.failure === "connect_timeout"
        ? `could not connect within ${WEBHOOK_DELIVERY_TIMEOUTS.connectMs / 1000} s`
        : result.failure === "timeout"
          ? `no answer within ${WEBHOOK_DELIVERY_TIMEOUTS.responseMs / 1000} s`
          : "the connection failed";
    return `receiver: ${what} (${result.detail}) after ${result.latencyMs} ms`;
  }
  const body = result.bodySnippet ? `: ${result.bodySnippet}` : "";
  return `receiver answered ${result.status} in ${result.latencyMs} ms${body}`;
}

/** The answer's line, then what it means. */
const verdict = (result: DeliveryResult, ok: boolean, meaning: string): Verdict => ({
  ok,
  lines: [statusLine(result), meaning],
});

const RETRY_THEN_DISABLE =
  "Calendly would count it as a failure, retry with back-off for 24 h, then disable the subscription";

/** What Calendly would make of the answer to a genuine, correctly signed delivery. */
export function judgeGenuine(result: DeliveryResult): Verdict {
  if (result.kind === "no_answer") return verdict(result, false, `FAIL: ${RETRY_THEN_DISABLE}.`);
  const { status } = result;
  if (result.outcome === "success") {
    return verdict(result, true, "OK: Calendly would count this delivery as a success.");
  }
  if (result.outcome === "gone") {
    return verdict(
      result,
      false,
      "FAIL: 410 Gone: Calendly would DELETE the subscription at once, without retrying; a receiver must never answer 410 by accident.",
    );
  }
  if (status >= 300 && status < 400) {
    const where = result.location ? ` to ${result.location}` : "";
    return verdict(
      result,
      false,
      `FAIL: a redirect${where}: Calendly does not follow redirects; ${RETRY_THEN_DISABLE}.`,
    );
  }
  const hint =
    status === 401 || status === 403
      ? " The receiver rejected the signature: is --key the key the receiver verifies with?"
      : status === 400 || status === 422
        ? " The receiver rejected the body: does it accept Calendly's envelope?"
        : "";
  return verdict(result, false, `FAIL: ${RETRY_THEN_DISABLE}.${hint}`);
}

/** A delivery with a bad signature must be refused with a 4xx (ideally 401), never accepted. */
export function judgeTampered(result: DeliveryResult): Verdict {
  if (result.kind === "no_answer") {
    return verdict(result, false, "FAIL: no answer, so this proves nothing about signature checks.");
  }
  const { status } = result;
  if (result.outcome === "success") {
    return verdict(
      result,
      false,
      "FAIL: the receiver ACCEPTED a delivery with a bad signature: it does not verify signatures, so anyone can forge events.",
    );
  }
  if (result.outcome === "gone") {
    return verdict(
      result,
      false,
      "FAIL: 410 Gone on a bad signature: if Calendly's signature ever failed to verify (a rotated key), Calendly would DELETE the subscription; answer 401.",
    );
  }
  if (status === 401) return verdict(result, true, "OK: the receiver rejected the bad signature with 401.");
  if (status >= 400 && status < 500) {
    return verdict(
      result,
      true,
      `OK: the receiver rejected the bad signature (${status}; 401 would say why more precisely).`,
    );
  }
  const why =
    status >= 500
      ? "a 5xx looks like an outage and Calendly would retry it"
      : "Calendly counts it as a failure";
  return verdict(
    result,
    false,
    `FAIL: ${status} is not a rejection: a bad signature should get a 4xx (ideally 401); ${why}.`,
  );
}
