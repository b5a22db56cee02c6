/**
 * WebhookSubscriptions from stack config, for the real-engine scenarios:
 *
 *   engine-subscriptions:subscriptions  [{name, url, events, scope?}]
 *   engine-subscriptions:signingKey     optional secret, given to every subscription
 *   calendly:token / calendly:apiUrl    as in any stack
 */
import * as pulumi from "@pulumi/pulumi";
import type { Scope, WebhookEvent } from "../../../../calendly/events";
import { WebhookSubscription } from "../../../../providers/calendly";

interface Declared {
  name: string;
  url: string;
  events: WebhookEvent[];
  scope?: Scope;
}

const config = new pulumi.Config();
const declared = config.requireObject<Declared[]>("subscriptions");
const signingKey = config.getSecret("signingKey");

const subscriptions = declared.map(
  (d) =>
    [
      d.name,
      new WebhookSubscription(d.name, { url: d.url, events: d.events, scope: d.scope ?? "user", signingKey }),
    ] as const,
);

export const uris = pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.uri])));
export const states = pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.state])));
export const signingKeys = pulumi.secret(
  pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.signingKey]))),
);
