/**
 * `calendly:index:WebhookSubscription` in the package schema: every property, its type, whether a
 * program must give it, whether it is secret, and what it means.
 *
 * The one list of the resource's properties for everything the plugin serves: the schema (and so
 * every generated SDK) and the plugin's handling of secrets (server/values.ts reads `secret` here).
 * It is typed against the core's own types: `SUBSCRIPTION_INPUTS` must have exactly the keys of
 * `SubscriptionInputs` (provider/inputs.ts) and `COMPUTED_OUTPUTS` exactly the rest of
 * `SubscriptionOutputs` (provider/outputs.ts), so an input added to the core fails `npm run
 * typecheck` until it is described here, and `npm run codegen` then carries it into the schema and
 * the SDKs (a test fails while the committed schema is not current).
 */
import { SCOPES, WEBHOOK_EVENTS } from "../../calendly/events";
import type { SubscriptionInputs } from "../../provider/inputs";
import { MIN_SIGNING_KEY_LENGTH } from "../../provider/inputs";
import type { SubscriptionOutputs } from "../../provider/outputs";
import type { PropertySpec, ResourceSpec } from "./spec";

import { SCOPE_TOKEN, WEBHOOK_SUBSCRIPTION_TOKEN } from "./tokens";

export { SCOPE_TOKEN, WEBHOOK_SUBSCRIPTION_TOKEN };

type InputProperty = PropertySpec & {
  /** A program must give it. */
  required: boolean;
  /** Always in the outputs (the provider resolves a default when the program leaves it out). */
  alwaysOutput: boolean;
};

type OutputProperty = PropertySpec & { alwaysOutput: boolean };

const eventList = WEBHOOK_EVENTS.map((e) => `\`${e}\``).join(", ");

/** The inputs, as the dynamic resource takes them (provider/resource.ts, `WebhookSubscriptionArgs`). */
export const SUBSCRIPTION_INPUTS = {
  url: {
    type: "string",
    required: true,
    alwaysOutput: true,
    description:
      "The receiver's callback URL: https, or plain http for a loopback host (a local receiver or an emulator). " +
      "Calendly cannot change a subscription, so a new URL is a new subscription, created before the old one is " +
      "deleted. Give each subscription a URL marked with what forces a replacement (`markedUrl`) and every " +
      "replacement happens that way, with no moment in which no subscription exists.",
  },
  events: {
    type: "array",
    items: { type: "string" },
    required: true,
    alwaysOutput: true,
    description:
      `The events to deliver; order and duplicates do not matter (stored sorted). One of ${eventList}; each ` +
      "must be allowed in the scope. A change replaces the subscription.",
  },
  scope: {
    $ref: `#/types/${SCOPE_TOKEN}`,
    required: true,
    alwaysOutput: true,
    description:
      "`organization` (every user's events; needs an owner's or admin's token), `user` (the owner's own) or " +
      "`group` (a group's members'). A change replaces the subscription.",
  },
  organization: {
    type: "string",
    required: false,
    alwaysOutput: true,
    description:
      "The organization's URI (https://api.calendly.com/organizations/<uuid>); default: the token's " +
      "organization (`getCurrentUser`). A change replaces the subscription.",
  },
  user: {
    type: "string",
    required: false,
    alwaysOutput: false,
    description:
      "For `user` scope, the user's URI (https://api.calendly.com/users/<uuid>); default: the token's user. " +
      "A personal access token can only subscribe for its own user.",
  },
  group: {
    type: "string",
    required: false,
    alwaysOutput: false,
    description:
      "For `group` scope (required there), the group's URI (https://api.calendly.com/groups/<uuid>).",
  },
  signingKey: {
    type: "string",
    secret: true,
    required: false,
    alwaysOutput: true,
    description:
      `The shared secret Calendly signs each delivery with (at least ${MIN_SIGNING_KEY_LENGTH} characters); a ` +
      "random 256-bit key is generated when left out. Always a secret. Calendly never returns it, so an imported " +
      "subscription's key is unknown (empty) until the program declares it: the first `up` then records the " +
      "declared key without calling Calendly. A different key replaces the subscription. A generated key is " +
      "kept across every replacement until `signingKeyGeneration` is raised.",
  },
  signingKeyGeneration: {
    type: "integer",
    required: false,
    alwaysOutput: true,
    description:
      "Raise it by one to rotate a generated signing key: the subscription is replaced with a new key (the " +
      "preview names this property); 1 when left out. Beside a `signingKey` the program gives, it is only " +
      "recorded, in place.",
  },
  adoptExisting: {
    type: "boolean",
    required: false,
    alwaysOutput: true,
    description:
      "When Calendly already holds a subscription for this URL (409), take it over instead of failing, if its " +
      "scope, owner and events match; needs `signingKey`, the key it was created with. `pulumi import` is the " +
      "other way to adopt one.",
  },
} satisfies Record<keyof SubscriptionInputs, InputProperty>;

/** What the provider adds to the inputs: Calendly's view of the subscription. */
export const COMPUTED_OUTPUTS = {
  uri: {
    type: "string",
    alwaysOutput: true,
    description: "The subscription's URI at Calendly; the resource's id is the UUID it ends with.",
  },
  callbackUrl: { type: "string", alwaysOutput: true, description: "The callback URL as Calendly holds it." },
  state: {
    type: "string",
    alwaysOutput: true,
    description:
      "`active`; `disabled` once Calendly gave up delivering (after 24 hours of failures), which a refresh " +
      "records and the next `up` repairs by replacing the subscription (Calendly cannot re-enable one); " +
      "`unknown` for a create whose outcome could not be found out, which the next `up` replaces too.",
  },
  creator: {
    type: "string",
    alwaysOutput: false,
    description: "The URI of the user who created the subscription.",
  },
  createdAt: { type: "string", alwaysOutput: true, description: "When Calendly created it (ISO 8601)." },
  updatedAt: { type: "string", alwaysOutput: true, description: "When Calendly last changed it (ISO 8601)." },
  retryStartedAt: {
    type: "string",
    alwaysOutput: false,
    description:
      "When Calendly began retrying failed deliveries (ISO 8601); set while deliveries fail, a warning that " +
      "the subscription will be disabled.",
  },
  providerDefaults: {
    type: "array",
    items: { type: "string" },
    alwaysOutput: true,
    description:
      "Which of `organization`, `user` and `signingKey` the provider filled in (from `GET /users/me`, or " +
      "generated) rather than took from the program.",
  },
} satisfies Record<Exclude<keyof SubscriptionOutputs, keyof SubscriptionInputs>, OutputProperty>;

/** Whether a property of the resource is secret in the schema (inputs and outputs alike). */
export function isSecretProperty(name: string): boolean {
  const spec: PropertySpec | undefined = (SUBSCRIPTION_INPUTS as Record<string, PropertySpec>)[name];
  return spec?.secret === true;
}

/** The property as the schema has it, without this table's own flags. */
function schemaProperty(spec: PropertySpec & { required?: boolean; alwaysOutput: boolean }): PropertySpec {
  const { required: _required, alwaysOutput: _alwaysOutput, ...property } = spec;
  return property as PropertySpec;
}

export function webhookSubscriptionResource(): ResourceSpec {
  const inputs = Object.entries(SUBSCRIPTION_INPUTS) as [string, InputProperty][];
  const outputs = [...inputs, ...(Object.entries(COMPUTED_OUTPUTS) as [string, OutputProperty][])];
  return {
    description:
      "A Calendly webhook subscription: Calendly POSTs the chosen events, signed with `signingKey`, to `url`. " +
      "Calendly has no update call, so every change but `adoptExisting` (and the first declared key after an " +
      "import) is a replacement; the preview says which property forces it. Refresh records a subscription " +
      "deleted or disabled out of band. Import one made by hand with " +
      "`pulumi import calendly:index:WebhookSubscription <name> <uuid>`, then declare its `signingKey`.",
    inputProperties: Object.fromEntries(inputs.map(([name, spec]) => [name, schemaProperty(spec)])),
    requiredInputs: inputs.filter(([, spec]) => spec.required).map(([name]) => name),
    properties: Object.fromEntries(outputs.map(([name, spec]) => [name, schemaProperty(spec)])),
    required: outputs.filter(([, spec]) => spec.alwaysOutput).map(([name]) => name),
  };
}

export function scopeEnum() {
  const meaning: Record<(typeof SCOPES)[number], string> = {
    organization: "Every event of the organization; needs an owner's or admin's token.",
    user: "The events of one user (the token's own, for a personal access token).",
    group: "The events of a group's members.",
  };
  return {
    type: "string" as const,
    description: "Whose events a subscription delivers.",
    enum: SCOPES.map((value) => ({
      value,
      name: value[0]!.toUpperCase() + value.slice(1),
      description: meaning[value],
    })),
  };
}
