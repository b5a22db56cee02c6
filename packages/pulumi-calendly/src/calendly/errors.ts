/**
 * Typed errors of the Calendly client: one base class, `CalendlyError`, and one subclass per way a
 * call can fail, each with a stable `code` (undici's habit: `UND_ERR_…`). Branch on `code`, on
 * `instanceof` or on the guards below; never on a message, which is for people and may be reworded.
 *
 * | class                         | code                       | when                                          |
 * | ----------------------------- | -------------------------- | --------------------------------------------- |
 * | `CalendlyApiError`            | `CALENDLY_API_ERROR`       | Calendly answered with an error status        |
 * | `CalendlyUnknownOutcomeError` | `CALENDLY_UNKNOWN_OUTCOME` | a create was sent and no answer came back     |
 * | `CalendlyTransportError`      | `CALENDLY_TRANSPORT_ERROR` | no answer within the attempts and deadline    |
 * | `CalendlyResponseError`       | `CALENDLY_RESPONSE_ERROR`  | a 2xx whose body is not what API.md promises  |
 * | `CalendlyArgumentError`       | `CALENDLY_ARGUMENT_ERROR`  | an argument names nothing; nothing was sent   |
 *
 * All but the argument error are about one call, a `CalendlyCallError` with its method and path.
 *
 * `instanceof` holds across copies of this package (the repository's source and an installed
 * dist/, or two versions in one program): like undici's errors (lib/core/errors.js), it is answered
 * by a brand registered with `Symbol.for` and by `code`, not by a prototype chain each copy has its
 * own of.
 *
 * Messages name the method and path, never headers: the token cannot leak through an error.
 */

const BRAND = Symbol.for("pulumi-calendly.CalendlyError");

export type CalendlyErrorCode =
  | "CALENDLY_API_ERROR"
  | "CALENDLY_UNKNOWN_OUTCOME"
  | "CALENDLY_TRANSPORT_ERROR"
  | "CALENDLY_RESPONSE_ERROR"
  | "CALENDLY_ARGUMENT_ERROR";

/** The base of every error the client throws on purpose. */
export abstract class CalendlyError extends Error {
  /** Each subclass's code, which its instances carry; the base class has none and matches them all. */
  static readonly code: CalendlyErrorCode | undefined = undefined;
  readonly code: CalendlyErrorCode;

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof, a subclass or the base.
    const code = this.code;
    return code === undefined || (value as { code?: unknown }).code === code;
  }

  protected constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = (new.target as typeof CalendlyError).code!;
  }

  get [BRAND](): true {
    return true;
  }
}

/** The call an error is about: its method and path, never its headers (so never the token). */
export interface CalendlyCall {
  method: string;
  path: string;
}

/** An error of one call to Calendly; its message begins `Calendly <method> <path>`. */
export abstract class CalendlyCallError extends CalendlyError {
  readonly method: string;
  readonly path: string;

  protected constructor(call: CalendlyCall, message: string, options?: ErrorOptions) {
    super(`Calendly ${call.method} ${call.path} ${message}`, options);
    this.method = call.method;
    this.path = call.path;
  }
}

export interface CalendlyErrorDetail {
  parameter?: string;
  message: string;
  code?: string;
}

export interface CalendlyApiErrorInit extends CalendlyCall {
  status: number;
  title?: string;
  message?: string;
  details?: CalendlyErrorDetail[];
  requiredScopes?: string[];
  retryAfterSeconds?: number | null;
  afterUncertainAttempt?: boolean;
}

/** Calendly answered with an error status. Branch on `status` (and `title` for 403), not on texts. */
export class CalendlyApiError extends CalendlyCallError {
  static override readonly code = "CALENDLY_API_ERROR";
  override readonly name = "CalendlyApiError";
  readonly status: number;
  /** Calendly's `title`, e.g. "Resource Not Found", "Already Exists", "Insufficient scope". */
  readonly title: string;
  /** Calendly's `message`. */
  readonly apiMessage: string;
  readonly details: CalendlyErrorDetail[];
  /** For 403 "Insufficient scope": the OAuth scopes the token lacks. */
  readonly requiredScopes: string[];
  /** For 429: how long Calendly asked us to wait, in seconds, when it said. */
  readonly retryAfterSeconds: number | null;
  /**
   * True when an earlier attempt of this same request ended without a known outcome (5xx or a
   * dropped connection) before this answer: a 409 on a retried create may then be our own.
   */
  readonly afterUncertainAttempt: boolean;

  constructor(init: CalendlyApiErrorInit) {
    const title = init.title ?? `HTTP ${init.status}`;
    const apiMessage = init.message ?? "";
    const details = init.details ?? [];
    const text = [title, apiMessage, describeDetails(details)].filter((p) => p.length > 0).join(": ");
    super(init, `failed with ${init.status} ${text}`);
    this.status = init.status;
    this.title = title;
    this.apiMessage = apiMessage;
    this.details = details;
    this.requiredScopes = init.requiredScopes ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.afterUncertainAttempt = init.afterUncertainAttempt ?? false;
  }
}

/**
 * A non-idempotent request (a create) was sent but no answer came back: it may or may not have
 * taken effect. The caller must find out (the provider looks for the subscription) before retrying.
 */
export class CalendlyUnknownOutcomeError extends CalendlyCallError {
  static override readonly code = "CALENDLY_UNKNOWN_OUTCOME";
  override readonly name = "CalendlyUnknownOutcomeError";

  constructor(call: CalendlyCall, cause: unknown) {
    const why = describeCause(cause);
    super(
      call,
      `sent, but the connection failed before an answer (${why}): it may or may not have taken effect`,
      {
        cause,
      },
    );
  }
}

/** Calendly could not be reached within the attempts and deadline; nothing was applied. */
export class CalendlyTransportError extends CalendlyCallError {
  static override readonly code = "CALENDLY_TRANSPORT_ERROR";
  override readonly name = "CalendlyTransportError";
  readonly attempts: number;

  constructor(call: CalendlyCall, attempts: number, cause: unknown) {
    const why = `after ${attempts} attempt(s) (${describeCause(cause)})`;
    super(call, `got no answer ${why}: check the API URL and the network, then run again`, { cause });
    this.attempts = attempts;
  }
}

/** Calendly answered 2xx with a body that does not have the shape API.md promises. */
export class CalendlyResponseError extends CalendlyCallError {
  static override readonly code = "CALENDLY_RESPONSE_ERROR";
  override readonly name = "CalendlyResponseError";
  readonly status: number;

  constructor(call: CalendlyCall, status: number, problem: string) {
    super(call, `answered ${status} with an unexpected body: ${problem}`);
    this.status = status;
  }
}

/**
 * An argument the caller passed cannot name what it should (e.g. a string that is not an invitee
 * URI); nothing was sent. `parameter` names it, the message says what is wrong and what to pass.
 */
export class CalendlyArgumentError extends CalendlyError {
  static override readonly code = "CALENDLY_ARGUMENT_ERROR";
  override readonly name = "CalendlyArgumentError";
  readonly parameter: string;

  constructor(parameter: string, problem: string) {
    super(`${parameter}: ${problem}`);
    this.parameter = parameter;
  }
}

/** Calendly's error `details` as one line: `parameter: message; …`. */
export function describeDetails(details: readonly CalendlyErrorDetail[]): string {
  return details
    .map((d) => (d.parameter ? `${d.parameter}: ${d.message}` : d.message))
    .filter((d) => d.length > 0)
    .join("; ");
}

/** A short description of a network error, without anything from request headers. */
export function describeCause(cause: unknown): string {
  if (cause && typeof cause === "object") {
    const code = (cause as { code?: unknown }).code;
    const message = (cause as { message?: unknown }).message;
    return [typeof code === "string" ? code : "", typeof message === "string" ? message : ""]
      .filter((p) => p.length > 0)
      .join(" ");
  }
  return String(cause);
}

export function isCalendlyError(error: unknown): error is CalendlyError {
  return error instanceof CalendlyError;
}

export function isCalendlyApiError(error: unknown): error is CalendlyApiError {
  return error instanceof CalendlyApiError;
}

export function isUnknownOutcome(error: unknown): error is CalendlyUnknownOutcomeError {
  return error instanceof CalendlyUnknownOutcomeError;
}

export function isTransportError(error: unknown): error is CalendlyTransportError {
  return error instanceof CalendlyTransportError;
}

export function isResponseError(error: unknown): error is CalendlyResponseError {
  return error instanceof CalendlyResponseError;
}

export function isArgumentError(error: unknown): error is CalendlyArgumentError {
  return error instanceof CalendlyArgumentError;
}

/**
 * A `CalendlyApiError` known to have this status. The guards below narrow to it, so that a
 * `CalendlyApiError` they say no to is still one (a 403 that is not a missing scope, say).
 */
export type CalendlyApiErrorWithStatus<S extends number> = CalendlyApiError & { readonly status: S };

export function isNotFound(error: unknown): error is CalendlyApiErrorWithStatus<404> {
  return isCalendlyApiError(error) && error.status === 404;
}

export function isConflict(error: unknown): error is CalendlyApiErrorWithStatus<409> {
  return isCalendlyApiError(error) && error.status === 409;
}

export function isRateLimited(error: unknown): error is CalendlyApiErrorWithStatus<429> {
  return isCalendlyApiError(error) && error.status === 429;
}

export function isUnauthenticated(error: unknown): error is CalendlyApiErrorWithStatus<401> {
  return isCalendlyApiError(error) && error.status === 401;
}

/** 403: a role (organization scope needs an owner or admin), a plan, or a missing OAuth scope. */
export function isPermissionDenied(error: unknown): error is CalendlyApiErrorWithStatus<403> {
  return isCalendlyApiError(error) && error.status === 403;
}

export function isInsufficientScope(error: unknown): error is CalendlyApiErrorWithStatus<403> {
  return (
    isPermissionDenied(error) && (error.title === "Insufficient scope" || error.requiredScopes.length > 0)
  );
}
