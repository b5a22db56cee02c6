/**
 * Typed errors of the Calendly client.
 *
 * These are plain `Error` objects tagged by `name` and built by factory functions, with type
 * guards, rather than `class … extends Error`: the provider's code was serialized by Pulumi's
 * closure serializer, which rewrites `super(message)` into `Error.call(this, message)` and so
 * loses the message and stack of any Error subclass (until 0.2.0; the provider now runs from the
 * installed package, and ../provider/README.md says which of those rules still hold).
 *
 * Messages name the method and path, never headers: the token cannot leak through an error.
 */

export interface CalendlyErrorDetail {
  parameter?: string;
  message: string;
  code?: string;
}

/** Calendly answered with an error status. Branch on `status` (and `title` for 403), not on texts. */
export interface CalendlyApiError extends Error {
  name: "CalendlyApiError";
  status: number;
  /** Calendly's `title`, e.g. "Resource Not Found", "Already Exists", "Insufficient scope". */
  title: string;
  /** Calendly's `message`. */
  apiMessage: string;
  details: CalendlyErrorDetail[];
  /** For 403 "Insufficient scope": the OAuth scopes the token lacks. */
  requiredScopes: string[];
  method: string;
  path: string;
  /** For 429: how long Calendly asked us to wait, in seconds, when it said. */
  retryAfterSeconds: number | null;
  /**
   * True when an earlier attempt of this same request ended without a known outcome (5xx or a
   * dropped connection) before this answer: a 409 on a retried create may then be our own.
   */
  afterUncertainAttempt: boolean;
}

/**
 * A non-idempotent request (a create) was sent but no answer came back: it may or may not have
 * taken effect. The caller must find out (the provider looks for the subscription) before retrying.
 */
export interface CalendlyUnknownOutcomeError extends Error {
  name: "CalendlyUnknownOutcomeError";
  method: string;
  path: string;
}

/** Calendly could not be reached within the attempts and deadline; nothing was applied. */
export interface CalendlyTransportError extends Error {
  name: "CalendlyTransportError";
  method: string;
  path: string;
  attempts: number;
}

/** Calendly answered 2xx with a body that does not have the shape API.md promises. */
export interface CalendlyResponseError extends Error {
  name: "CalendlyResponseError";
  method: string;
  path: string;
  status: number;
}

/**
 * An argument the caller passed cannot name what it should (e.g. a string that is not an invitee
 * URI); nothing was sent. `parameter` names it, the message says what is wrong and what to pass.
 */
export interface CalendlyArgumentError extends Error {
  name: "CalendlyArgumentError";
  parameter: string;
}

export interface CalendlyApiErrorInit {
  status: number;
  title?: string;
  message?: string;
  details?: CalendlyErrorDetail[];
  requiredScopes?: string[];
  method: string;
  path: string;
  retryAfterSeconds?: number | null;
  afterUncertainAttempt?: boolean;
}

export function calendlyApiError(init: CalendlyApiErrorInit): CalendlyApiError {
  const title = init.title ?? `HTTP ${init.status}`;
  const apiMessage = init.message ?? "";
  const details = init.details ?? [];
  const detailText = details
    .map((d) => (d.parameter ? `${d.parameter}: ${d.message}` : d.message))
    .filter((d) => d.length > 0)
    .join("; ");
  const text = [title, apiMessage, detailText].filter((p) => p.length > 0).join(": ");
  const error = new Error(`Calendly ${init.method} ${init.path} failed with ${init.status} ${text}`);
  return Object.assign(error, {
    name: "CalendlyApiError" as const,
    status: init.status,
    title,
    apiMessage,
    details,
    requiredScopes: init.requiredScopes ?? [],
    method: init.method,
    path: init.path,
    retryAfterSeconds: init.retryAfterSeconds ?? null,
    afterUncertainAttempt: init.afterUncertainAttempt ?? false,
  });
}

export function calendlyUnknownOutcomeError(
  method: string,
  path: string,
  cause: unknown,
): CalendlyUnknownOutcomeError {
  const error = new Error(
    `Calendly ${method} ${path}: the request was sent but the connection failed before an answer ` +
      `(${describeCause(cause)}); it may or may not have taken effect`,
    { cause },
  );
  return Object.assign(error, { name: "CalendlyUnknownOutcomeError" as const, method, path });
}

export function calendlyTransportError(
  method: string,
  path: string,
  attempts: number,
  cause: unknown,
): CalendlyTransportError {
  const error = new Error(
    `Calendly ${method} ${path}: could not get an answer after ${attempts} attempt(s) (${describeCause(cause)}); ` +
      "check the API URL and the network, then run again",
    { cause },
  );
  return Object.assign(error, { name: "CalendlyTransportError" as const, method, path, attempts });
}

export function calendlyResponseError(
  method: string,
  path: string,
  status: number,
  problem: string,
): CalendlyResponseError {
  const error = new Error(
    `Calendly ${method} ${path} answered ${status} with an unexpected body: ${problem}`,
  );
  return Object.assign(error, { name: "CalendlyResponseError" as const, method, path, status });
}

export function calendlyArgumentError(parameter: string, problem: string): CalendlyArgumentError {
  const error = new Error(`${parameter}: ${problem}`);
  return Object.assign(error, { name: "CalendlyArgumentError" as const, parameter });
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

function hasName(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

export function isCalendlyApiError(error: unknown): error is CalendlyApiError {
  return hasName(error, "CalendlyApiError");
}

export function isUnknownOutcome(error: unknown): error is CalendlyUnknownOutcomeError {
  return hasName(error, "CalendlyUnknownOutcomeError");
}

export function isTransportError(error: unknown): error is CalendlyTransportError {
  return hasName(error, "CalendlyTransportError");
}

export function isResponseError(error: unknown): error is CalendlyResponseError {
  return hasName(error, "CalendlyResponseError");
}

export function isArgumentError(error: unknown): error is CalendlyArgumentError {
  return hasName(error, "CalendlyArgumentError");
}

export function isNotFound(error: unknown): error is CalendlyApiError {
  return isCalendlyApiError(error) && error.status === 404;
}

export function isConflict(error: unknown): error is CalendlyApiError {
  return isCalendlyApiError(error) && error.status === 409;
}

export function isRateLimited(error: unknown): error is CalendlyApiError {
  return isCalendlyApiError(error) && error.status === 429;
}

export function isUnauthenticated(error: unknown): error is CalendlyApiError {
  return isCalendlyApiError(error) && error.status === 401;
}

/** 403: a role (organization scope needs an owner or admin), a plan, or a missing OAuth scope. */
export function isPermissionDenied(error: unknown): error is CalendlyApiError {
  return isCalendlyApiError(error) && error.status === 403;
}

export function isInsufficientScope(error: unknown): error is CalendlyApiError {
  return (
    isPermissionDenied(error) && (error.title === "Insufficient scope" || error.requiredScopes.length > 0)
  );
}
