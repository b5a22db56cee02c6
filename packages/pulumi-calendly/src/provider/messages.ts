/**
 * Turns a Calendly client error into a message that says what happened and what to do, for the
 * operation the provider was doing. Never includes the token or a signing key (the client's
 * errors carry neither; nothing here adds them).
 */
import {
  isCalendlyApiError,
  isInsufficientScope,
  isRateLimited,
  isTransportError,
  isUnauthenticated,
} from "../calendly/errors";
import { EVENT_RULES, isWebhookEvent } from "../calendly/events";

export interface ErrorContext {
  /** e.g. "create the webhook subscription for https://…" */
  action: string;
  events?: readonly string[];
  scope?: string;
}

function readScopesFor(events: readonly string[]): string[] {
  const scopes = new Set<string>(["webhooks:write"]);
  for (const event of events) if (isWebhookEvent(event)) scopes.add(EVENT_RULES[event].readScope);
  return [...scopes];
}

export function explainCalendlyError(error: unknown, context: ErrorContext): Error {
  const prefix = `Could not ${context.action}`;
  if (isUnauthenticated(error)) {
    return new Error(
      `${prefix}: Calendly rejected the token (401 ${error.apiMessage || error.title}). ` +
        "Set a valid personal access token with `pulumi config set --secret calendly:token <token>`.",
      { cause: error },
    );
  }
  if (isInsufficientScope(error)) {
    const needed =
      error.requiredScopes.length > 0 ? error.requiredScopes : readScopesFor(context.events ?? []);
    return new Error(
      `${prefix}: the token lacks OAuth scopes (403 Insufficient scope). Create a token with ${needed.join(", ")}.`,
      { cause: error },
    );
  }
  if (isCalendlyApiError(error) && error.status === 403) {
    if (/upgrade/i.test(error.apiMessage)) {
      const gated = (context.events ?? []).filter(
        (e) => isWebhookEvent(e) && EVENT_RULES[e].planFeature !== null,
      );
      return new Error(
        `${prefix}: Calendly's plan for this account does not include ${gated.length > 0 ? gated.join(", ") : "these events"} ` +
          `(403 "${error.apiMessage}"). Remove those events or upgrade the Calendly plan.`,
        { cause: error },
      );
    }
    const roleHint =
      context.scope === "organization"
        ? " Organization scope needs a token of an organization owner or admin; use user scope with a member's token."
        : context.scope === "user"
          ? " A personal access token can only subscribe for its own user; leave `user` out to use the token's."
          : "";
    return new Error(`${prefix}: permission denied (403 ${error.apiMessage || error.title}).${roleHint}`, {
      cause: error,
    });
  }
  if (isRateLimited(error)) {
    return new Error(
      `${prefix}: Calendly's rate limit is exhausted (429); try again in ${error.retryAfterSeconds ?? 60} seconds.`,
      { cause: error },
    );
  }
  if (isCalendlyApiError(error) && error.status === 400) {
    const details = error.details.map((d) => (d.parameter ? `${d.parameter}: ${d.message}` : d.message));
    return new Error(
      `${prefix}: Calendly rejected the request (400 ${error.apiMessage || error.title}${details.length > 0 ? `: ${details.join("; ")}` : ""}).`,
      { cause: error },
    );
  }
  if (isTransportError(error)) {
    // The client's message already says to check the API URL and the network.
    return new Error(`${prefix}: ${error.message} (the API URL is stack config calendly:apiUrl).`, {
      cause: error,
    });
  }
  if (error instanceof Error) return new Error(`${prefix}: ${error.message}`, { cause: error });
  return new Error(`${prefix}: ${String(error)}`);
}
