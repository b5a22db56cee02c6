/**
 * The scale benchmark's subscriptions (config `subscriptions`: [{name, url, events, scope?}]) as
 * `calendly:index:WebhookSubscription`s of the generated Node.js SDK, served by the native plugin
 * (pulumi-resource-calendly on PATH). The same declarations as test/engine/programs/subscriptions.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as sdk from "../../../sdk/nodejs";

// The SDK as a user's program runs it: compiled to JavaScript (bench/scale.ts builds it with its own
// tsconfig and names the folder). Importing its TypeScript sources instead would make ts-node
// compile the SDK in every run, about 2.5 s of the program's CPU that no user pays.
const calendly: typeof sdk = require(process.env.CALENDLY_NODEJS_SDK ?? "../../../sdk/nodejs");

interface Declared {
  name: string;
  url: string;
  events: string[];
  scope?: sdk.types.enums.Scope;
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
