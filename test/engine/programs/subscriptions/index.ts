/**
 * WebhookSubscriptions from stack config, for the real-engine scenarios:
 *
 *   engine-subscriptions:subscriptions  [{name, url, events, scope?, explicitKey?, adoptExisting?,
 *                                        signingKeyGeneration?}]
 *   engine-subscriptions:signingKeys    secret object, name → signing key, for those declared with
 *                                       `explicitKey: true` (the provider generates the others')
 *   calendly:token / calendly:apiUrl    as in any stack
 */
import * as pulumi from "@pulumi/pulumi";
import { type Scope, type WebhookEvent, WebhookSubscription } from "pulumi-calendly";

interface Declared {
  name: string;
  url: string;
  events: WebhookEvent[];
  scope?: Scope;
  explicitKey?: boolean;
  adoptExisting?: boolean;
  signingKeyGeneration?: number;
}

const config = new pulumi.Config();
const declared = config.requireObject<Declared[]>("subscriptions");
const declaredKeys = config.getSecretObject<Record<string, string>>("signingKeys");

const subscriptions = declared.map((d) => {
  const signingKey = d.explicitKey ? declaredKeys?.apply((keys) => keys[d.name] ?? "") : undefined;
  const args = {
    url: d.url,
    events: d.events,
    scope: d.scope ?? "user",
    signingKey,
    signingKeyGeneration: d.signingKeyGeneration,
    adoptExisting: d.adoptExisting,
  };
  return [d.name, new WebhookSubscription(d.name, args)] as const;
});

export const uris = pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.uri])));
export const states = pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.state])));
export const signingKeys = pulumi.secret(
  pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.signingKey]))),
);
