/** The subscriptions of one scope, and what a person must know about each: is it still working? */

import type { ParseArgsOptionsConfig } from "node:util";
import type { WebhookSubscription } from "../calendly";
import { subscriptionHealth } from "../calendly";
import { API_OPTIONS, parseOptions } from "./args";
import type { CommandContext } from "./command";
import { ago } from "./output";
import { type ResolvedScope, readScopeOptions, resolveScope, SCOPE_OPTIONS } from "./scope";
import { openSession, type Session } from "./session";

/** Every subscription of the scope, all pages. */
export function listInScope(session: Session, resolved: ResolvedScope): Promise<WebhookSubscription[]> {
  return session.call(
    "list webhook subscriptions",
    async (client) => {
      const all: WebhookSubscription[] = [];
      for await (const sub of client.listWebhookSubscriptions(resolved)) all.push(sub);
      return all;
    },
    { scope: resolved.scope },
  );
}

/** The options of a command that reads one scope's subscriptions (list, adopt). */
export const SCOPE_LISTING_OPTIONS = {
  ...API_OPTIONS,
  ...SCOPE_OPTIONS,
  json: { type: "boolean" },
} as const satisfies ParseArgsOptionsConfig;

/**
 * What list and adopt start with: their command line, and every subscription of the scope it
 * names. The session is closed before either prints anything.
 */
export async function readScopeListing(argv: string[], context: CommandContext) {
  const values = parseOptions(argv, SCOPE_LISTING_OPTIONS);
  const request = readScopeOptions(values);
  const session = (await openSession(values, context))!;
  try {
    const resolved = await resolveScope(session, request);
    return { values, resolved, subscriptions: await listInScope(session, resolved) };
  } finally {
    await session.close();
  }
}

/**
 * The warning shown for an unhealthy subscription, or undefined. Calendly sends no alert when it
 * gives up on a receiver (API.md): a `disabled` subscription, or an active one whose
 * `retry_started_at` is recent, is the only sign. An old `retry_started_at` is history
 * (calendly/health.ts): the same window as the watchdog's decides.
 */
export function healthWarning(sub: WebhookSubscription, nowMs: number): string | undefined {
  switch (subscriptionHealth(sub, nowMs)) {
    case "disabled":
      return "DISABLED: Calendly gave up; the next `pulumi up --refresh` replaces it, or delete and recreate";
    case "retrying":
      return `RETRYING since ${sub.retryStartedAt} (${ago(sub.retryStartedAt!, nowMs)}): the receiver is failing or failed recently; Calendly disables the subscription when a delivery has failed for 24 h`;
    case "healthy":
      return undefined;
  }
}

/** The last path segment of a subscription's URI. */
export function uuidOf(sub: WebhookSubscription): string {
  return sub.uri.slice(sub.uri.lastIndexOf("/") + 1);
}
