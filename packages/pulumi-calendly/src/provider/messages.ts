/**
 * Turns a Calendly client error into the error a Pulumi program shows: what happened (the client's
 * ladder, `explainCalendlyError`) and what to do in a stack (the fixes below, naming stack config).
 * Never includes the token or a signing key (the client's errors carry neither; nothing here adds
 * them).
 */
import { DEFAULT_API_URL } from "../calendly/client";
import { type ExplainContext, explainCalendlyError, type FixTexts } from "../calendly/explain";

/** A Pulumi program's fix for each rung of the ladder. */
export const PULUMI_FIXES: FixTexts = {
  // The provider prefers an exported CALENDLY_TOKEN to stack config (provider.ts says why).
  unauthenticated:
    "set a valid personal access token with `pulumi config set --secret calendly:token` (it prompts for " +
    "the value) or in CALENDLY_TOKEN, which wins when it is exported",
  insufficient_scope: ({ scopes }) => `create a personal access token with ${scopes.join(", ")}`,
  plan: "remove those events or upgrade the Calendly plan",
  role: (_, { scope }) =>
    scope === "organization" || scope === "group"
      ? `${scope} scope needs a token of an organization owner or admin; use user scope with a member's token`
      : scope === "user"
        ? "a personal access token can only subscribe for its own user; leave `user` out to use the token's"
        : "check the token's role in the organization",
  rate_limited: ({ retryAfterSeconds }) => `try again in ${retryAfterSeconds} seconds`,
  not_found: "check organization, user and group, and stack config calendly:apiUrl",
  bad_request: "fix the properties named",
  server_error: "run the Pulumi command again later",
  transport: "check stack config calendly:apiUrl (or CALENDLY_API_URL) and the network, then run again",
  response: `check stack config calendly:apiUrl (or CALENDLY_API_URL): it must be Calendly's API, ${DEFAULT_API_URL}`,
};

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Could not <action>: <what happened>. <Fix>.`, with the client's error as its cause. */
export function explainForProgram(error: unknown, context: ExplainContext): Error {
  const { what, fix } = explainCalendlyError(error, context, PULUMI_FIXES);
  return new Error(fix === "" ? sentence(what) : `${sentence(what)}. ${sentence(fix)}.`, { cause: error });
}
