/**
 * The resource's outputs, built from what Calendly returned and what the inputs resolved to.
 * Plain JSON with no `undefined` anywhere (the host fails the whole call with
 * "Unexpected struct type." otherwise).
 */
import type { Scope } from "../calendly/events";
import type { WebhookSubscription } from "../calendly/types";
import { DEFAULTS_KEY } from "./check";

/** Inputs the provider filled in itself rather than taking from the program. */
export type ProviderDefault = "organization" | "user" | "signingKey";

export interface SubscriptionOutputs {
  url: string;
  events: string[];
  scope: Scope;
  organization: string;
  user: string | null;
  group: string | null;
  signingKey: string;
  /** The generation of the key (check.ts); 1 in states written before it existed. */
  signingKeyGeneration: number;
  adoptExisting: boolean;
  uri: string;
  callbackUrl: string;
  /** `unknown` only for a create whose outcome could not be found out (see pending.ts). */
  state: "active" | "disabled" | "unknown";
  creator: string | null;
  createdAt: string;
  updatedAt: string;
  retryStartedAt: string | null;
  /** Which of organization, user and signingKey the provider filled in (from /users/me, or generated). */
  providerDefaults: ProviderDefault[];
}

/** The outputs as the engine stores them: the host adds the serialized provider (diff.ts, pending.ts). */
export type StoredOutputs = SubscriptionOutputs & { __provider?: string };

export interface ResolvedInputs {
  url: string;
  signingKey: string;
  signingKeyGeneration: number;
  adoptExisting: boolean;
  providerDefaults: ProviderDefault[];
}

/** The UUID that Calendly's URI ends with: the resource id. */
export function subscriptionId(uri: string): string {
  return uri.slice(uri.replace(/\/+$/, "").lastIndexOf("/") + 1).replace(/\/+$/, "");
}

export function toOutputs(subscription: WebhookSubscription, resolved: ResolvedInputs): SubscriptionOutputs {
  return {
    // `url` is the input as given; `callbackUrl` is what Calendly holds.
    url: resolved.url,
    events: [...new Set(subscription.events)].sort(),
    scope: subscription.scope,
    organization: subscription.organization,
    user: subscription.user ?? null,
    group: subscription.group ?? null,
    signingKey: resolved.signingKey,
    signingKeyGeneration: resolved.signingKeyGeneration,
    adoptExisting: resolved.adoptExisting,
    uri: subscription.uri,
    callbackUrl: subscription.callbackUrl,
    state: subscription.state,
    creator: subscription.creator ?? null,
    createdAt: subscription.createdAt,
    updatedAt: subscription.updatedAt,
    retryStartedAt: subscription.retryStartedAt ?? null,
    providerDefaults: [...resolved.providerDefaults],
  };
}

/**
 * The `state` input as a refresh records it: the desired `active` when Calendly's is, and otherwise
 * what happened, in words, so that the preview of the replacement that follows names the field and
 * the reason (`~ state: "disabled (…)" => "active"`): the dynamic host sends the engine no detailed
 * diff, so the CLI shows the inputs that changed.
 */
export function stateInput(outputs: Pick<SubscriptionOutputs, "state" | "retryStartedAt">): string {
  switch (outputs.state) {
    case "active":
      return "active";
    case "disabled":
      return (
        "disabled by Calendly after 24 hours of failed deliveries" +
        (outputs.retryStartedAt ? ` (failing since ${outputs.retryStartedAt})` : "")
      );
    default:
      return "unknown: a create whose outcome could not be learnt (the next up replaces it)";
  }
}

/**
 * The inputs a program would have written to get these outputs, as `check` would have completed
 * them: what `read` returns so that the next preview is clean. Owners the provider filled in are
 * left out, as the program left them out; the signing key is returned whoever chose it, with
 * `__defaults` when the provider holds it, so that a refresh of a state written before keys were
 * carried over (check.ts) puts a generated key where check finds it. The adapter marks it secret
 * (`secretInputs`): the engine then stores it encrypted even where the old input had none
 * (test/engine/secrets.test.ts).
 */
export function inputsFromOutputs(outputs: SubscriptionOutputs): Record<string, unknown> {
  const defaults = outputs.providerDefaults ?? [];
  const inputs: Record<string, unknown> = {
    url: outputs.url,
    events: [...outputs.events],
    scope: outputs.scope,
    adoptExisting: outputs.adoptExisting,
    signingKeyGeneration: outputs.signingKeyGeneration ?? 1,
    state: stateInput(outputs),
  };
  if (!defaults.includes("organization")) inputs.organization = outputs.organization;
  if (outputs.user !== null && !defaults.includes("user")) inputs.user = outputs.user;
  if (outputs.group !== null) inputs.group = outputs.group;
  if (outputs.signingKey) {
    inputs.signingKey = outputs.signingKey;
    if (defaults.includes("signingKey")) inputs[DEFAULTS_KEY] = ["signingKey"];
  }
  return inputs;
}
