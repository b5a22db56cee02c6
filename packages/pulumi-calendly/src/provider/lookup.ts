/**
 * Finding subscriptions by what this resource knows of them: callback URL, scope, owner, events
 * and when they were created. Used to resolve 409s and creates whose outcome was unknown.
 */
import type { WebhookSubscriptionClient } from "../calendly/client";
import type { CreateWebhookSubscriptionInput, WebhookSubscription } from "../calendly/types";

/**
 * Clock difference tolerated between us and Calendly when asking "created since we began?". Kept
 * small: a wider window could mistake an earlier run's subscription (with another key) for ours.
 */
export const CLOCK_SKEW_MS = 30_000;

export type SubscriptionQuery = Pick<
  CreateWebhookSubscriptionInput,
  "url" | "organization" | "scope" | "events"
> & {
  user?: string | null;
  group?: string | null;
};

export function sameEvents(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((e, i) => e === right[i]);
}

/** The same URL once normalized (`new URL(...).href`): the same callback for Calendly. */
export function sameUrl(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/** Subscriptions in the query's scope and owner whose callback URL is the query's (all pages). */
export async function findByUrl(
  client: WebhookSubscriptionClient,
  query: SubscriptionQuery,
): Promise<WebhookSubscription[]> {
  const found: WebhookSubscription[] = [];
  for await (const sub of client.listWebhookSubscriptions({
    organization: query.organization,
    scope: query.scope,
    user: query.scope === "user" ? (query.user ?? undefined) : undefined,
    group: query.scope === "group" ? (query.group ?? undefined) : undefined,
  })) {
    if (sameUrl(sub.callbackUrl, query.url)) found.push(sub);
  }
  return found;
}

/** Those with the same events, created since `began` (less the clock skew), oldest first. */
export async function findCreatedSince(
  client: WebhookSubscriptionClient,
  query: SubscriptionQuery,
  began: number,
): Promise<WebhookSubscription[]> {
  return (await findByUrl(client, query)).filter(
    (sub) => sameEvents(sub.events, query.events) && Date.parse(sub.createdAt) >= began - CLOCK_SKEW_MS,
  );
}
