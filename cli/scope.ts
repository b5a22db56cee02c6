/**
 * `--scope`, `--organization`, `--user`, `--group`: which subscriptions a command looks at (or
 * which owner a sample belongs to), completed from `/users/me` the way the provider defaults them.
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { SCOPES, type Scope } from "../calendly";
import { oneOf } from "../tools/command-line";
import { UsageError } from "./args";
import type { Session } from "./session";

export const SCOPE_OPTIONS = {
  scope: { type: "string" },
  organization: { type: "string" },
  user: { type: "string" },
  group: { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

export const SCOPE_OPTIONS_HELP = `Scope:
  --scope <scope>       organization | user | group (default: user)
  --organization <uri>  organization URI (default: the token's, from /users/me)
  --user <uri>          user URI for user scope (default: the token's user)
  --group <uri>         group URI, required for group scope`;

export interface ScopeRequest {
  scope: Scope;
  /** Whether --scope was given (send-test picks a scope the event allows otherwise). */
  explicit: boolean;
  organization?: string;
  user?: string;
  group?: string;
}

export interface ResolvedScope {
  scope: Scope;
  organization: string;
  user?: string;
  group?: string;
}

/** Checks the scope options without calling Calendly: usage errors come before any network. */
export function readScopeOptions(values: {
  scope?: string;
  organization?: string;
  user?: string;
  group?: string;
}): ScopeRequest {
  const scope = oneOf("scope", values.scope, SCOPES) ?? "user";
  if (values.user !== undefined && scope !== "user") {
    throw new UsageError(`--user only applies to --scope user (the scope is ${scope})`);
  }
  if (values.group !== undefined && scope !== "group") {
    throw new UsageError(`--group only applies to --scope group (the scope is ${scope})`);
  }
  if (scope === "group" && values.group === undefined) {
    throw new UsageError("--scope group needs --group <group URI>");
  }
  return {
    scope,
    explicit: values.scope !== undefined,
    organization: values.organization,
    user: values.user,
    group: values.group,
  };
}

/** Fills the organization (and the user, for user scope) from `/users/me` when not given. */
export async function resolveScope(session: Session, request: ScopeRequest, scope = request.scope) {
  const needsMe = request.organization === undefined || (scope === "user" && request.user === undefined);
  const me = needsMe ? await session.me() : undefined;
  const resolved: ResolvedScope = { scope, organization: request.organization ?? me!.currentOrganization };
  if (scope === "user") resolved.user = request.user ?? me!.uri;
  if (scope === "group") resolved.group = request.group;
  return resolved;
}

/** "user scope (user https://…)" for headings and messages. */
export function describeScope(resolved: ResolvedScope): string {
  const owner =
    resolved.scope === "user"
      ? ` of user ${resolved.user}`
      : resolved.scope === "group"
        ? ` of group ${resolved.group}`
        : "";
  return `${resolved.scope} scope${owner} in organization ${resolved.organization}`;
}
