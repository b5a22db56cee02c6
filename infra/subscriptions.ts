/**
 * The stack's Calendly webhook subscriptions, one `WebhookSubscription` per configured entry.
 *
 * Each gets its own URL: the receiver's URL plus `?subscription=<name>`. Calendly refuses a second
 * subscription with a URL already in use (409), and whether that rule spans scopes is not
 * documented; distinct URLs also let a subscription be renamed (the new one is created before the
 * old one is deleted). The route matches on the path, so the query changes nothing for it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { WebhookSubscription } from "pulumi-calendly";
import type { SubscriptionConfig } from "./config";
import type { SubscriptionSigningKeys } from "./signing-keys";

export const SUBSCRIPTION_QUERY_PARAMETER = "subscription";

/** `base` with `?subscription=<name>` added (other query parameters kept). */
export function subscriptionUrl(base: string, name: string): string {
  const url = new URL(base);
  url.searchParams.set(SUBSCRIPTION_QUERY_PARAMETER, name);
  return url.href;
}

export interface SubscriptionsArgs {
  /** The receiver's URL: the API's webhook URL, or `endpointUrl`. */
  baseUrl: pulumi.Output<string>;
  keys: ReadonlyMap<string, SubscriptionSigningKeys>;
  /** What must exist before a subscription does (and outlive it on destroy). */
  dependsOn: pulumi.Resource[];
}

export function calendlySubscriptions(
  configs: readonly SubscriptionConfig[],
  args: SubscriptionsArgs,
): Map<string, WebhookSubscription> {
  const subscriptions = new Map<string, WebhookSubscription>();
  for (const config of configs) {
    const keys = args.keys.get(config.name);
    if (!keys) throw new Error(`no signing keys for subscription "${config.name}"`);
    subscriptions.set(
      config.name,
      new WebhookSubscription(
        config.name,
        {
          url: args.baseUrl.apply((base) => subscriptionUrl(base, config.name)),
          events: config.events,
          scope: config.scope,
          organization: config.organization,
          user: config.user,
          group: config.group,
          signingKey: keys.current,
        },
        {
          dependsOn: args.dependsOn,
          // Calendly has no update: a change is a new subscription, and the old one must go
          // first (same URL). The provider's diff asks for this too; say it where it is read.
          deleteBeforeReplace: true,
        },
      ),
    );
  }
  return subscriptions;
}
