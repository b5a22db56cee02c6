/**
 * The scale benchmark's subscriptions (config `subscriptions`: [{name, url, events, scope?}]) as
 * `calendly:index:WebhookSubscription`s of the generated Node.js SDK, served by the native plugin
 * (pulumi-resource-calendly on PATH). The same declarations as test/engine/programs/subscriptions.
 */
import * as pulumi from "@pulumi/pulumi";
import * as calendly from "../../../sdk/nodejs";

interface Declared {
  name: string;
  url: string;
  events: string[];
  scope?: calendly.types.enums.Scope;
}

const declared = new pulumi.Config().requireObject<Declared[]>("subscriptions");
const subscriptions = declared.map(
  (d) =>
    [
      d.name,
      new calendly.WebhookSubscription(d.name, { url: d.url, events: d.events, scope: d.scope ?? "user" }),
    ] as const,
);

export const uris = pulumi.all(Object.fromEntries(subscriptions.map(([name, s]) => [name, s.uri])));
