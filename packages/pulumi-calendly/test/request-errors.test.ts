/**
 * The one reading of undici's errors (src/calendly/request-errors.ts): how far a failed request got,
 * which decides whether the client may send a POST again, and which timeout ended it.
 */
import { errors } from "undici";
import { describe, expect, it } from "vitest";
import { classifyRequestError } from "../src/calendly/request-errors";

describe("how far a failed request got", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
  const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
  const deadline = new DOMException("The operation was aborted due to timeout", "TimeoutError");

  it.each([
    [
      "connect timeout: nothing sent",
      new errors.ConnectTimeoutError(),
      "UND_ERR_CONNECT_TIMEOUT",
      true,
      "connect",
    ],
    ["headers timeout", new errors.HeadersTimeoutError(), "UND_ERR_HEADERS_TIMEOUT", false, "response"],
    ["body timeout", new errors.BodyTimeoutError(), "UND_ERR_BODY_TIMEOUT", false, "response"],
    ["a deadline signal", deadline, "TimeoutError", false, null],
    [
      "refused, one cause down: nothing sent",
      new TypeError("fetch failed", { cause: refused }),
      "ECONNREFUSED",
      true,
      null,
    ],
    [
      "reset after sending",
      new errors.SocketError("other side closed", undefined),
      "UND_ERR_SOCKET",
      false,
      null,
    ],
    ["reset, one cause down", new Error("terminated", { cause: reset }), "ECONNRESET", false, null],
    ["a plain error", new Error("boom"), "unknown", false, null],
  ] as const)("%s", (_, error, code, notSent, timeout) => {
    const failure = classifyRequestError(error);
    expect(failure).toMatchObject({ code, notSent });
    if (timeout !== null) expect(failure.timeout).toBe(timeout);
  });
});
