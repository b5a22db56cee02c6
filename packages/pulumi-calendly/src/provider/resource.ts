/**
 * `WebhookSubscription`: a Calendly webhook subscription as a Pulumi resource.
 *
 *   new WebhookSubscription("bookings", {
 *     url: receiver.webhookUrl,
 *     events: ["invitee.created", "invitee.canceled"],
 *     scope: "user",
 *   });
 *
 * Type token `pulumi-nodejs:dynamic/calendly:WebhookSubscription`; the id is the subscription's UUID.
 * Calendly has no update, so a change of url, events, scope, owner or key creates a new
 * subscription: before the old one is deleted when the url changes too, else after (see diff.ts).
 * A generated key survives every replacement but a raised `signingKeyGeneration` (check.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Scope, WebhookEvent } from "../calendly/events";
import type { ProviderDefault } from "./outputs";
import { webhookSubscriptionShim } from "./shim";

export interface WebhookSubscriptionArgs {
  /** The receiver's URL (https; plain http only for loopback hosts). Changing it replaces the subscription. */
  url: pulumi.Input<string>;
  /** Event names; order and duplicates do not matter. */
  events: pulumi.Input<pulumi.Input<WebhookEvent>[]>;
  scope: pulumi.Input<Scope>;
  /** Organization URI; defaults to the token's organization. */
  organization?: pulumi.Input<string>;
  /** User URI for user scope; defaults to the token's user. */
  user?: pulumi.Input<string>;
  /** Group URI, required for group scope. */
  group?: pulumi.Input<string>;
  /**
   * Shared secret for signatures; generated (256 bits) when left out, and then kept across every
   * replacement until `signingKeyGeneration` is raised. Always stored as a secret.
   */
  signingKey?: pulumi.Input<string>;
  /**
   * Raise by one to rotate a generated signing key (the subscription is replaced with a new key);
   * 1 when left out. Next to a `signingKey` you give, it is only recorded: your key decides.
   */
  signingKeyGeneration?: pulumi.Input<number>;
  /** On 409, take over an existing subscription with the same URL, scope, owner and events (needs signingKey). */
  adoptExisting?: pulumi.Input<boolean>;
}

export const WEBHOOK_SUBSCRIPTION_TYPE = "pulumi-nodejs:dynamic/calendly:WebhookSubscription";

/** Outputs the provider computes, registered with the engine as outputs. */
const COMPUTED_OUTPUTS = [
  "uri",
  "callbackUrl",
  "state",
  "creator",
  "createdAt",
  "updatedAt",
  "retryStartedAt",
  "providerDefaults",
] as const;

export class WebhookSubscription extends pulumi.dynamic.Resource {
  declare readonly url: pulumi.Output<string>;
  declare readonly events: pulumi.Output<string[]>;
  declare readonly scope: pulumi.Output<Scope>;
  declare readonly organization: pulumi.Output<string>;
  declare readonly user: pulumi.Output<string | null>;
  declare readonly group: pulumi.Output<string | null>;
  /** Secret output: the key the receiver verifies signatures with. */
  declare readonly signingKey: pulumi.Output<string>;
  declare readonly signingKeyGeneration: pulumi.Output<number>;
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** The subscription's URI at Calendly. */
  declare readonly uri: pulumi.Output<string>;
  declare readonly callbackUrl: pulumi.Output<string>;
  /** `active`, or `disabled` after Calendly gave up delivering (the next `pulumi up` replaces it). */
  declare readonly state: pulumi.Output<"active" | "disabled">;
  declare readonly creator: pulumi.Output<string | null>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;
  declare readonly retryStartedAt: pulumi.Output<string | null>;
  declare readonly providerDefaults: pulumi.Output<ProviderDefault[]>;

  constructor(name: string, args: WebhookSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {
      url: args.url,
      events: args.events,
      scope: args.scope,
      organization: args.organization,
      user: args.user,
      group: args.group,
      // Secret from the start, so state never holds it in plain text, even as an input.
      signingKey: args.signingKey === undefined ? undefined : pulumi.secret(args.signingKey),
      signingKeyGeneration: args.signingKeyGeneration,
      adoptExisting: args.adoptExisting,
    };
    for (const key of COMPUTED_OUTPUTS) props[key] = undefined;
    super(
      // The shim, not the provider: __provider stays small and always runs the installed code.
      webhookSubscriptionShim,
      name,
      props,
      {
        ...opts,
        // A generated key is a new output key: without this it would be stored in plain text.
        additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), "signingKey"])],
      },
      "calendly",
      "WebhookSubscription",
    );
  }
}
