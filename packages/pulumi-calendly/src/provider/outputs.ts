/**
 * The resource's outputs, built from what Calendly returned and what the inputs resolved to.
 * Plain JSON with no `undefined` anywhere (the host fails the whole call with
 * "Unexpected struct type." otherwise).
 */
import type { Scope } from "../calendly/events";
import type { WebhookSubscription } from "../calendly/types";

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
 * The inputs a program would have written to get these outputs: what `read` returns so that the
 * next preview is clean. Values the provider filled in (a generated key among them) are left out,
 * as the program left them out. A `signingKey` the program gave is returned: the host answers in
 * plain values, and the engine marks each returned input secret when the stored input of that name
 * was (`annotateSecrets` in pkg/resource/plugin/provider_plugin.go; the resource always sends the
 * key as a secret), so it stays encrypted in state: test/engine/secrets.test.ts.
 */
export function inputsFromOutputs(outputs: SubscriptionOutputs): Record<string, unknown> {
  const defaults = outputs.providerDefaults ?? [];
  const inputs: Record<string, unknown> = {
    url: outputs.url,
    events: [...outputs.events],
    scope: outputs.scope,
    adoptExisting: outputs.adoptExisting,
  };
  if (!defaults.includes("organization")) inputs.organization = outputs.organization;
  if (outputs.user !== null && !defaults.includes("user")) inputs.user = outputs.user;
  if (outputs.group !== null) inputs.group = outputs.group;
  if (!defaults.includes("signingKey") && outputs.signingKey) inputs.signingKey = outputs.signingKey;
  return inputs;
}
