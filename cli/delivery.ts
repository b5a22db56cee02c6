/**
 * One webhook delivery the way Calendly makes it (API.md, "Webhook delivery"), and what Calendly
 * would make of the receiver's answer: any 2xx is success; 3xx (redirects are not followed) and
 * every other status are failures that Calendly retries for 24 h before disabling the
 * subscription; a 410 deletes the subscription at once.
 */
import { Agent, request } from "undici";
import { describeCause, SIGNATURE_HEADER, USER_AGENT } from "../calendly";

/** Calendly waits 10 s to connect and 15 s for the response. */
export const CONNECT_TIMEOUT_MS = 10_000;
export const RESPONSE_TIMEOUT_MS = 15_000;

export type DeliveryResult =
  | { kind: "answer"; status: number; latencyMs: number; location?: string; bodySnippet: string }
  | {
      kind: "no_answer";
      error: "connect_timeout" | "timeout" | "connection_error";
      detail: string;
      latencyMs: number;
    };

export interface DeliveryRequest {
  url: string;
  body: Buffer;
  signature: string;
  timeouts?: { connectMs?: number; responseMs?: number };
}

/** POSTs `body` with the signature header, without following redirects, and times the answer. */
export async function postDelivery(delivery: DeliveryRequest): Promise<DeliveryResult> {
  const responseMs = delivery.timeouts?.responseMs ?? RESPONSE_TIMEOUT_MS;
  const agent = new Agent({
    connect: { timeout: delivery.timeouts?.connectMs ?? CONNECT_TIMEOUT_MS },
    headersTimeout: responseMs,
    bodyTimeout: responseMs,
  });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    // undici's request() does not follow redirects: a 3xx comes back as is, as Calendly sees it.
    const response = await request(delivery.url, {
      method: "POST",
      dispatcher: agent,
      headers: {
        "content-type": "application/json",
        "user-agent": `${USER_AGENT} cli send-test`,
        [SIGNATURE_HEADER]: delivery.signature,
      },
      body: delivery.body,
    });
    const latencyMs = elapsed();
    const text = await response.body.text().catch(() => "");
    const location = response.headers.location;
    return {
      kind: "answer",
      status: response.statusCode,
      latencyMs,
      ...(typeof location === "string" ? { location } : {}),
      bodySnippet: text.replace(/\s+/g, " ").trim().slice(0, 200),
    };
  } catch (error) {
    const code =
      (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? "";
    const kind =
      code === "UND_ERR_CONNECT_TIMEOUT"
        ? "connect_timeout"
        : code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT"
          ? "timeout"
          : "connection_error";
    return {
      kind: "no_answer",
      error: kind,
      detail: describeCause(error) || "unknown error",
      latencyMs: elapsed(),
    };
  } finally {
    await agent.close().catch(() => undefined);
  }
}

export interface Verdict {
  /** Whether the test passed (exit 0). */
  ok: boolean;
  /** What Calendly would do, one line each. */
  lines: string[];
}

function statusLine(result: DeliveryResult): string {
  if (result.kind === "no_answer") {
    const what =
      result.error === "connect_timeout"
        ? `could not connect within ${CONNECT_TIMEOUT_MS / 1000} s`
        : result.error === "timeout"
          ? `no answer within ${RESPONSE_TIMEOUT_MS / 1000} s`
          : "the connection failed";
    return `receiver: ${what} (${result.detail}) after ${result.latencyMs} ms`;
  }
  const body = result.bodySnippet ? `: ${result.bodySnippet}` : "";
  return `receiver answered ${result.status} in ${result.latencyMs} ms${body}`;
}

const RETRY_THEN_DISABLE =
  "Calendly would count it as a failure, retry with back-off for 24 h, then disable the subscription";

/** What Calendly would make of the answer to a genuine, correctly signed delivery. */
export function judgeGenuine(result: DeliveryResult): Verdict {
  const lines = [statusLine(result)];
  if (result.kind === "no_answer") {
    return { ok: false, lines: [...lines, `FAIL: ${RETRY_THEN_DISABLE}.`] };
  }
  const { status } = result;
  if (status >= 200 && status < 300) {
    return { ok: true, lines: [...lines, "OK: Calendly would count this delivery as a success."] };
  }
  if (status === 410) {
    return {
      ok: false,
      lines: [
        ...lines,
        "FAIL: 410 Gone: Calendly would DELETE the subscription at once, without retrying; a receiver must never answer 410 by accident.",
      ],
    };
  }
  if (status >= 300 && status < 400) {
    const where = result.location ? ` to ${result.location}` : "";
    return {
      ok: false,
      lines: [
        ...lines,
        `FAIL: a redirect${where}: Calendly does not follow redirects; ${RETRY_THEN_DISABLE}.`,
      ],
    };
  }
  const hint =
    status === 401 || status === 403
      ? " The receiver rejected the signature: is --key the key the receiver verifies with?"
      : status === 400 || status === 422
        ? " The receiver rejected the body: does it accept Calendly's envelope?"
        : "";
  return { ok: false, lines: [...lines, `FAIL: ${RETRY_THEN_DISABLE}.${hint}`] };
}

/** A delivery with a bad signature must be refused with a 4xx (ideally 401), never accepted. */
export function judgeTampered(result: DeliveryResult): Verdict {
  const lines = [statusLine(result)];
  if (result.kind === "no_answer") {
    return {
      ok: false,
      lines: [...lines, "FAIL: no answer, so this proves nothing about signature checks."],
    };
  }
  const { status } = result;
  if (status >= 200 && status < 300) {
    return {
      ok: false,
      lines: [
        ...lines,
        "FAIL: the receiver ACCEPTED a delivery with a bad signature: it does not verify signatures, so anyone can forge events.",
      ],
    };
  }
  if (status === 410) {
    return {
      ok: false,
      lines: [
        ...lines,
        "FAIL: 410 Gone on a bad signature: if Calendly's signature ever failed to verify (a rotated key), Calendly would DELETE the subscription; answer 401.",
      ],
    };
  }
  if (status === 401) {
    return { ok: true, lines: [...lines, "OK: the receiver rejected the bad signature with 401."] };
  }
  if (status >= 400 && status < 500) {
    return {
      ok: true,
      lines: [
        ...lines,
        `OK: the receiver rejected the bad signature (${status}; 401 would say why more precisely).`,
      ],
    };
  }
  return {
    ok: false,
    lines: [
      ...lines,
      `FAIL: ${status} is not a rejection: a bad signature should get a 4xx (ideally 401); ${status >= 500 ? "a 5xx looks like an outage and Calendly would retry it" : "Calendly counts it as a failure"}.`,
    ],
  };
}
