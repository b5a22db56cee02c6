/**
 * Turns a Calendly client error into the CLI's one-line message: what happened and what to do.
 * The client's errors never carry the token or a signing key, and nothing here adds them.
 */
import {
  describeCause,
  EVENT_RULES,
  isCalendlyApiError,
  isInsufficientScope,
  isRateLimited,
  isResponseError,
  isTransportError,
  isUnauthenticated,
  isWebhookEvent,
} from "../calendly";
import { CliError } from "./args";
import { tokenFix } from "./credentials";

export interface ExplainContext {
  /** What the CLI was doing, e.g. "list webhook subscriptions". */
  action: string;
  apiUrl: string;
  tokenSource: string | undefined;
  scope?: string;
  events?: readonly string[];
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function explainCalendlyError(error: unknown, context: ExplainContext): CliError {
  const prefix = `could not ${context.action}`;
  if (isUnauthenticated(error)) {
    return new CliError(
      `${prefix}: Calendly rejected the token from ${context.tokenSource ?? "the environment"} ` +
        `(401 ${oneLine(error.apiMessage || error.title)}): ${tokenFix(context.tokenSource)}`,
    );
  }
  if (isInsufficientScope(error)) {
    const scopes = new Set(error.requiredScopes.length > 0 ? error.requiredScopes : ["webhooks:write"]);
    for (const event of context.events ?? [])
      if (isWebhookEvent(event)) scopes.add(EVENT_RULES[event].readScope);
    return new CliError(
      `${prefix}: the token lacks OAuth scopes (403 Insufficient scope): create a personal access token with ${[...scopes].join(", ")}`,
    );
  }
  if (isCalendlyApiError(error) && error.status === 403) {
    if (/upgrade/i.test(error.apiMessage)) {
      return new CliError(
        `${prefix}: Calendly's plan for this account does not allow it (403 ${oneLine(error.apiMessage)}): pick another event or upgrade the plan`,
      );
    }
    const fix =
      context.scope === "organization" || context.scope === "group"
        ? `${context.scope} scope needs an organization owner's or admin's token: use --scope user, or such a token`
        : "a token may only act for its own user (admins: users of their organization): check --user and --organization";
    return new CliError(
      `${prefix}: permission denied (403 ${oneLine(error.apiMessage || error.title)}): ${fix}`,
    );
  }
  if (isRateLimited(error)) {
    return new CliError(
      `${prefix}: Calendly's rate limit is exhausted (429): try again in ${error.retryAfterSeconds ?? 60} s`,
    );
  }
  if (isCalendlyApiError(error) && error.status === 404) {
    return new CliError(
      `${prefix}: Calendly found no such resource (404): check --organization, --user and --group, and --api-url`,
    );
  }
  if (isCalendlyApiError(error) && error.status === 400) {
    const details = error.details.map((d) => (d.parameter ? `${d.parameter}: ${d.message}` : d.message));
    const text = details.length > 0 ? details.join("; ") : error.apiMessage || error.title;
    return new CliError(
      `${prefix}: Calendly rejected the request (400 ${oneLine(text)}): fix the options named`,
    );
  }
  if (isCalendlyApiError(error) && error.status >= 500) {
    return new CliError(
      `${prefix}: Calendly kept failing (${error.status} ${oneLine(error.title)}) through the retries: try again later`,
    );
  }
  if (isCalendlyApiError(error)) {
    return new CliError(
      `${prefix}: Calendly answered ${error.status} ${oneLine(error.title)}: ${oneLine(error.apiMessage)}`,
    );
  }
  if (isTransportError(error)) {
    const cause = oneLine(describeCause(error.cause)) || "no answer";
    return new CliError(
      `${prefix}: no answer from ${context.apiUrl} after ${error.attempts} attempt(s) (${cause}): check --api-url / CALENDLY_API_URL and the network`,
    );
  }
  if (isResponseError(error)) {
    return new CliError(
      `${prefix}: ${context.apiUrl} answered with something that is not Calendly's API (${oneLine(error.message)}): check --api-url / CALENDLY_API_URL`,
    );
  }
  if (error instanceof CliError) return error;
  return new CliError(`${prefix}: ${oneLine(error instanceof Error ? error.message : String(error))}`);
}
