/** The subscriptions of one scope, and what a person must know about each: is it still working? */

import type { WebhookSubscription } from "../calendly";
import { subscriptionHealth } from "../calendly";
import { ago } from "./output";
import type { ResolvedScope } from "./scope";
import type { Session } from "./session";

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

export type Health = "ok" | "disabled" | "retrying";

/**
 * Calendly sends no alert when it gives up on a receiver (API.md): a `disabled` subscription, or
 * an active one whose `retry_started_at` is recent, is the only sign. An old `retry_started_at` is
 * history (calendly/health.ts): the same window as the watchdog's decides.
 */
export function healthOf(sub: WebhookSubscription, nowMs: number): Health {
  const health = subscriptionHealth(sub, nowMs);
  return health === "healthy" ? "ok" : health;
}

/** The warning shown for an unhealthy subscription, or undefined. */
export function healthWarning(sub: WebhookSubscription, nowMs: number): string | undefined {
  switch (healthOf(sub, nowMs)) {
    case "disabled":
      return "DISABLED: Calendly gave up; the next `pulumi up --refresh` replaces it, or delete and recreate";
    case "retrying":
      return `RETRYING since ${sub.retryStartedAt} (${ago(sub.retryStartedAt!, nowMs)}): the receiver is failing or failed recently; Calendly disables the subscription when a delivery has failed for 24 h`;
    case "ok":
      return undefined;
  }
}

/** The last path segment of a subscription's URI. */
export function uuidOf(sub: WebhookSubscription): string {
  return sub.uri.slice(sub.uri.lastIndexOf("/") + 1);
}
