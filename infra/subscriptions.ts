/**
 * The stack's Calendly webhook subscriptions, one `WebhookSubscription` per configured entry.
 *
 * Each gets its own URL: the receiver's URL plus `?subscription=<name>&v=<marker>`, the marker a
 * short hash of everything that forces a replacement (events, scope, owner, signing key generation;
 * pulumi-calendly's `markedUrl`). Calendly has no update, so a change is a new subscription; with a
 * new URL it never collides with the old one (Calendly refuses a second subscription with a URL in
 * use, 409), so the provider creates it before it deletes the old one, and some subscription
 * delivers at every moment: no event is lost to a gap. The receiver accepts the current and the
 * previous signing keys and a duplicate delivered by both carries the same `detail.id`. The route
 * matches on the path, so the query changes nothing for it. Distinct names also let a subscription
 * be renamed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { markedUrl, type ReplacementInputs, WebhookSubscription } from "pulumi-calendly";
import type { SubscriptionConfig } from "./config";
import type { SubscriptionSigningKeys } from "./signing-keys";

/** What forces a replacement of this configured subscription, besides the URL. */
export function replacementInputs(config: SubscriptionConfig): ReplacementInputs {
  return {
    events: config.events,
    scope: config.scope,
    organization: config.organization,
    user: config.user,
    group: config.group,
    signingKeyGeneration: config.signingKeyGeneration,
  };
}

/** `base` with `?subscription=<name>&v=<marker>` added (other query parameters kept). */
export function subscriptionUrl(base: string, config: SubscriptionConfig): string {
  return markedUrl(base, config.name, replacementInputs(config));
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
          url: args.baseUrl.apply((base) => subscriptionUrl(base, config)),
          events: config.events,
          scope: config.scope,
          organization: config.organization,
          user: config.user,
          group: config.group,
          signingKey: keys.current,
          // Recorded with the subscription, so a rotation's preview names the field
          // (`[diff: ~signingKey,signingKeyGeneration,url]`); the key given here decides.
          signingKeyGeneration: config.signingKeyGeneration,
          // A 409 for this subscription's exact URL can only be one this stack created with this
          // very key: the marker in the URL covers the key generation, and the key of a generation
          // is stable in state. Such a subscription is one a killed `pulumi up` created but never
          // recorded (test/engine/interrupts.test.ts): take it over instead of stopping there.
          adoptExisting: true,
        },
        // No deleteBeforeReplace: the URL changes with every replacement (see the header), so the
        // new subscription is created first; the provider asks for delete-first only if it does not.
        { dependsOn: args.dependsOn },
      ),
    );
  }
  return subscriptions;
}
