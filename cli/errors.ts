/**
 * Turns a Calendly client error into the CLI's one-line message: what happened (the package's
 * ladder, `explainCalendlyError`) and what to do at a terminal (the fixes below, naming options).
 * The client's errors never carry the token or a signing key, and nothing here adds them.
 */
import { type ExplainContext, explainCalendlyError, type FixTexts } from "../calendly";
import { CliError } from "./args";
import { tokenFix } from "./credentials";

export type { ExplainContext } from "../calendly";

/** The CLI's fix for each rung of the ladder. */
export const CLI_FIXES: FixTexts = {
  unauthenticated: (_, context) => tokenFix(context.tokenSource),
  insufficient_scope: ({ scopes }) => `create a personal access token with ${scopes.join(", ")}`,
  plan: "pick another event or upgrade the plan",
  role: (_, { scope }) =>
    scope === "organization" || scope === "group"
      ? `${scope} scope needs an organization owner's or admin's token: use --scope user, or such a token`
      : "a token may only act for its own user (admins: users of their organization): check --user and --organization",
  rate_limited: ({ retryAfterSeconds }) => `try again in ${retryAfterSeconds} s`,
  not_found: "check --organization, --user and --group, and --api-url",
  bad_request: "fix the options named",
  server_error: "try again later",
  transport: "check --api-url / CALENDLY_API_URL and the network",
  response: "check --api-url / CALENDLY_API_URL",
};

export function explainCliError(error: unknown, context: ExplainContext): CliError {
  if (error instanceof CliError) return error;
  const { what, fix } = explainCalendlyError(error, context, CLI_FIXES);
  return new CliError(fix === "" ? what : `${what}: ${fix}`);
}
