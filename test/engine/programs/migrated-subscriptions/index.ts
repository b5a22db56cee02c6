/**
 * The subscriptions program (../subscriptions/index.ts) on the native resource: the same config
 * and outputs, each subscription a `calendly:index:WebhookSubscription` of the generated Node.js SDK
 * (sdk/nodejs, as a program imports `@calendly-webhooks-pulumi/calendly`). The alias names the
 * dynamic type each one was created as: with it, the engine finds the subscription's state under
 * its old URN and diffs it against the new declaration with the calendly provider (see the
 * package README, "Moving a stack from the dynamic resource").
 */
import * as pulumi from "@pulumi/pulumi";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import * as calendly from "../../../../sdk/nodejs";

interface Declared {
  name: string;
  url: string;
  events: string[];
  scope?: calendly.types.enums.Scope;
  explicitKey?: boolean;
  adoptExisting?: boolean;
}

const config = new pulumi.Config();
// false: the same program without the aliases, to show what the engine does then (a create and a delete).
const aliasDynamicType = config.getBoolean("aliasDynamicType") ?? true;
const declared = config.requireObject<Declared[]>("subscriptions");
const declaredKeys = config.getSecretObject<Record<string, string>>("signingKeys");

const subscriptions = declared.map((d) => {
  const signingKey = d.explicitKey ? declaredKeys?.apply((keys) => keys[d.name] ?? "") : undefined;
  const args: calendly.WebhookSubscriptionArgs = {
    url: d.url,
    events: d.events,
    scope: d.scope ?? "user",
    signingKey,
    adoptExisting: d.adoptExisting,
  };
  const opts = aliasDynamicType ? { aliases: [{ type: WEBHOOK_SUBSCRIPTION_TYPE }] } : {};
  return [d.name, new calendly.WebhookSubscription(d.name, args, opts)] as const;
});

export const uris = pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.uri])));
export const states = pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.state])));
export const signingKeys = pulumi.secret(
  pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.signingKey]))),
);
