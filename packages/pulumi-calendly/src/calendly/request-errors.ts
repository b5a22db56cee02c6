/**
 * What a failed undici request's error says about how far the request got: the one reading of
 * undici's error codes for the whole project. The client's transport uses it to decide whether a
 * POST may be sent again; webhook deliveries (webhook-delivery.ts) to say which timeout fired.
 */

/** Connection errors that happen before any byte of the request leaves: always safe to send again. */
const NOT_SENT_CODES: readonly string[] = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
];

/** No response headers, or no further body bytes, within the dispatcher's timeouts. */
const RESPONSE_TIMEOUT_CODES: readonly string[] = ["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"];

export interface RequestFailure {
  /**
   * undici's code (`UND_ERR_*`) or the socket's (`ECONNREFUSED`, `ECONNRESET`, ...); else the
   * error's name (`TimeoutError` from an `AbortSignal.timeout`, `AbortError`); "unknown" otherwise.
   */
  code: string;
  /** Nothing of the request left this machine, so sending it again cannot apply it twice. */
  notSent: boolean;
  /** The timeout that ended the request, if one did. */
  timeout: "connect" | "response" | null;
}

/** The string code of `error`; undici wraps some socket errors, so it may sit a `cause` or two down. */
function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === "object"; depth++) {
    // DOMException's `code` is a legacy number: only strings are codes here.
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyRequestError(error: unknown): RequestFailure {
  // A plain Error's name says nothing; a DOMException's (TimeoutError, AbortError) does.
  const name = error instanceof Error && error.name !== "Error" ? error.name : undefined;
  const code = codeOf(error) ?? name ?? "unknown";
  const timeout =
    code === "UND_ERR_CONNECT_TIMEOUT"
      ? "connect"
      : RESPONSE_TIMEOUT_CODES.includes(code) || code === "TimeoutError"
        ? "response"
        : null;
  return { code, notSent: NOT_SENT_CODES.includes(code), timeout };
}
