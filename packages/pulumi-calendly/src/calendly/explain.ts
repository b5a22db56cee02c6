/**
 * What went wrong with a Calendly call, and what to do about it: one ladder of explanations for
 * every audience. The ladder decides which rung an error stands on and says what happened, from
 * Calendly's own words; the fix is the audience's, given as data: the CLI names its options
 * (cli/errors.ts), a Pulumi program its stack config (../provider/messages.ts).
 *
 * Nothing here adds the token or a signing key, and the client's errors carry neither.
 */
import {
  describeCause,
  describeDetails,
  isCalendlyApiError,
  isInsufficientScope,
  isResponseError,
  isTransportError,
} from "./errors";
import { EVENT_RULES, isWebhookEvent } from "./events";

/** The rungs, from the most to the least specific. */
export type ExplainedProblem =
  /** 401: the token is expired, revoked or not a token. */
  | "unauthenticated"
  /** 403 "Insufficient scope": the token lacks OAuth scopes. */
  | "insufficient_scope"
  /** 403 "Please upgrade…": the account's plan does not include an event. */
  | "plan"
  /** Any other 403: the token's user may not act for that scope or owner. */
  | "role"
  /** 429, once the client's waits are spent. */
  | "rate_limited"
  | "not_found"
  /** 400: Calendly names the parameters it refused. */
  | "bad_request"
  /** 5xx, once the client's retries are spent. */
  | "server_error"
  /** Any other status. */
  | "api_error"
  /** No answer at all. */
  | "transport"
  /** An answer that is not Calendly's API (a proxy, a wrong URL). */
  | "response"
  /** Not an error of the client. */
  | "other";

export interface ExplainContext {
  /** What was being done, e.g. "create the webhook subscription for https://…". */
  action: string;
  /** The events concerned: a missing scope or plan names theirs. */
  events?: readonly string[];
  /** The subscription scope concerned: a role problem depends on it. */
  scope?: string;
  /** The API URL used, when the audience shows it. */
  apiUrl?: string;
  /** Where the token came from, e.g. "CALENDLY_TOKEN", when the audience shows it (never the token). */
  tokenSource?: string;
}

export interface Diagnosis {
  problem: ExplainedProblem;
  /** What happened, in one line, with the status and Calendly's words. */
  what: string;
  /** `insufficient_scope`: every OAuth scope a token needs for this (the missing ones among them). */
  scopes: string[];
  /** `plan`: the plan-gated events among those concerned. */
  gatedEvents: string[];
  /** `rate_limited`: how long to wait, in seconds. */
  retryAfterSeconds: number;
}

/** One fix per rung (none for `api_error` and `other`, which say all there is); a text, or one made from the case. */
export type FixTexts = Record<
  Exclude<ExplainedProblem, "api_error" | "other">,
  string | ((diagnosis: Diagnosis, context: ExplainContext) => string)
>;

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The OAuth scopes a token needs to subscribe to `events`: `webhooks:write` and each family's read scope. */
export function scopesForEvents(events: readonly string[]): string[] {
  const scopes = new Set(["webhooks:write"]);
  for (const event of events) if (isWebhookEvent(event)) scopes.add(EVENT_RULES[event].readScope);
  return [...scopes];
}

/** Which rung `error` stands on, and what happened. */
export function diagnoseCalendlyError(error: unknown, context: ExplainContext): Diagnosis {
  const events = context.events ?? [];
  const diagnosis = (problem: ExplainedProblem, what: string): Diagnosis => ({
    problem,
    what,
    scopes: [],
    gatedEvents: [],
    retryAfterSeconds: 60,
  });
  if (isCalendlyApiError(error)) {
    const said = oneLine(error.apiMessage || error.title);
    if (error.status === 401) {
      const from = context.tokenSource === undefined ? "" : ` from ${context.tokenSource}`;
      return diagnosis("unauthenticated", `Calendly rejected the token${from} (401 ${said})`);
    }
    if (isInsufficientScope(error)) {
      // Calendly names what this call lacks; a subscription's events need their read scopes too.
      const named = error.requiredScopes.length > 0 ? error.requiredScopes : ["webhooks:write"];
      const scopes = new Set([...named, ...(events.length > 0 ? scopesForEvents(events) : [])]);
      return {
        ...diagnosis("insufficient_scope", "the token lacks OAuth scopes (403 Insufficient scope)"),
        scopes: [...scopes],
      };
    }
    // The one rung read from Calendly's words: a plan and a role both answer 403 "Permission
    // Denied", and only the message (API.md: "Please upgrade to a paid Calendly account.", and
    // older "…to Standard", "…to Professional") tells them apart.
    if (error.status === 403 && /upgrade/i.test(error.apiMessage)) {
      const gated = events.filter((e) => isWebhookEvent(e) && EVENT_RULES[e].planFeature !== null);
      const which = gated.length > 0 ? gated.join(", ") : "what was asked";
      return {
        ...diagnosis("plan", `Calendly's plan for this account does not include ${which} (403 ${said})`),
        gatedEvents: gated,
      };
    }
    if (error.status === 403) return diagnosis("role", `permission denied (403 ${said})`);
    if (error.status === 429) {
      return {
        ...diagnosis("rate_limited", "Calendly's rate limit is exhausted (429)"),
        retryAfterSeconds: error.retryAfterSeconds ?? 60,
      };
    }
    if (error.status === 404) return diagnosis("not_found", "Calendly found no such resource (404)");
    if (error.status === 400) {
      const text = describeDetails(error.details) || said;
      return diagnosis("bad_request", `Calendly rejected the request (400 ${oneLine(text)})`);
    }
    if (error.status >= 500) {
      return diagnosis(
        "server_error",
        `Calendly kept failing (${error.status} ${oneLine(error.title)}) through the retries`,
      );
    }
    return diagnosis(
      "api_error",
      `Calendly answered ${error.status} ${oneLine(error.title)}: ${oneLine(error.apiMessage)}`,
    );
  }
  if (isTransportError(error)) {
    const cause = oneLine(describeCause(error.cause)) || "no answer";
    return diagnosis(
      "transport",
      `no answer from ${context.apiUrl ?? "Calendly's API"} after ${error.attempts} attempt(s) (${cause})`,
    );
  }
  if (isResponseError(error)) {
    return diagnosis(
      "response",
      `${context.apiUrl ?? "the API URL"} answered with something that is not Calendly's API (${oneLine(error.message)})`,
    );
  }
  return diagnosis("other", oneLine(error instanceof Error ? error.message : String(error)));
}

export interface Explanation {
  problem: ExplainedProblem;
  /** "could not <action>: <what happened>" */
  what: string;
  /** What to do; empty when there is nothing to add. */
  fix: string;
}

/** The diagnosis of `error`, with the audience's fix for its rung. */
export function explainCalendlyError(error: unknown, context: ExplainContext, fixes: FixTexts): Explanation {
  const diagnosis = diagnoseCalendlyError(error, context);
  const fix =
    diagnosis.problem === "api_error" || diagnosis.problem === "other" ? "" : fixes[diagnosis.problem];
  return {
    problem: diagnosis.problem,
    what: `could not ${context.action}: ${diagnosis.what}`,
    fix: typeof fix === "function" ? fix(diagnosis, context) : fix,
  };
}
