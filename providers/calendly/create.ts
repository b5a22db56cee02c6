/**
 * `create`: POST the subscription, and make sure every path ends with exactly one subscription
 * that this resource knows the signing key of.
 *
 * - 201: done.
 * - Outcome unknown (the connection died after the request was sent, or only 5xx came back): try
 *   again; a 409 on that retry means the first attempt did land, so adopt the match created since
 *   this create began (same URL, scope, owner and events). We know its key: we sent it.
 * - 409 on a clean first attempt: someone else's subscription holds the URL. With `adoptExisting`
 *   and a `signingKey`, take it over if its events match; otherwise fail, naming it and the two ways
 *   out.
 */
import type { CalendlyClient } from "../../calendly/client";
import { isConflict, isUnknownOutcome } from "../../calendly/errors";
import type { CalendlyUser, CreateWebhookSubscriptionInput, WebhookSubscription } from "../../calendly/types";
import type { SubscriptionInputs } from "./inputs";
import { explainCalendlyError } from "./messages";
import { type ProviderDefault, type SubscriptionOutputs, subscriptionId, toOutputs } from "./outputs";

export interface CreateDeps {
  client: CalendlyClient;
  /** The token's user; cached by the caller so a host process asks once. */
  currentUser: () => Promise<CalendlyUser>;
  generateSigningKey: () => string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** How many times a create whose outcome stayed unknown is tried again. */
export const UNKNOWN_OUTCOME_RETRIES = 4;
/** Clock difference tolerated between us and Calendly when asking "created since we began?". */
export const CLOCK_SKEW_MS = 120_000;

function sameEvents(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((e, i) => e === right[i]);
}

function sameUrl(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/** Subscriptions in the request's scope and owner whose callback URL is the request's. */
async function findByUrl(
  client: CalendlyClient,
  request: CreateWebhookSubscriptionInput,
): Promise<WebhookSubscription[]> {
  const found: WebhookSubscription[] = [];
  for await (const sub of client.listWebhookSubscriptions({
    organization: request.organization,
    scope: request.scope,
    user: request.scope === "user" ? request.user : undefined,
    group: request.scope === "group" ? request.group : undefined,
  })) {
    if (sameUrl(sub.callbackUrl, request.url)) found.push(sub);
  }
  return found;
}

function describe(sub: WebhookSubscription): string {
  return `${sub.uri} (scope ${sub.scope}, events ${sub.events.join(", ")}, state ${sub.state}, created ${sub.createdAt})`;
}

export async function createSubscription(
  inputs: SubscriptionInputs,
  deps: CreateDeps,
): Promise<{ id: string; outs: SubscriptionOutputs }> {
  const action = `create the webhook subscription for ${inputs.url}`;
  const providerDefaults: ProviderDefault[] = [];

  let organization = inputs.organization;
  let user = inputs.scope === "user" ? inputs.user : undefined;
  if (organization === undefined || (inputs.scope === "user" && user === undefined)) {
    let me: CalendlyUser;
    try {
      me = await deps.currentUser();
    } catch (error) {
      throw explainCalendlyError(error, {
        action: "look up the token's user and organization (GET /users/me)",
      });
    }
    if (organization === undefined) {
      organization = me.currentOrganization;
      providerDefaults.push("organization");
    }
    if (inputs.scope === "user" && user === undefined) {
      user = me.uri;
      providerDefaults.push("user");
    }
  }
  let signingKey = inputs.signingKey;
  if (signingKey === undefined) {
    signingKey = deps.generateSigningKey();
    providerDefaults.push("signingKey");
  }

  const request: CreateWebhookSubscriptionInput = {
    url: inputs.url,
    events: inputs.events,
    scope: inputs.scope,
    organization,
    user,
    group: inputs.scope === "group" ? inputs.group : undefined,
    signingKey,
  };
  const resolved = { url: inputs.url, signingKey, adoptExisting: inputs.adoptExisting, providerDefaults };
  const done = (sub: WebhookSubscription) => ({
    id: subscriptionId(sub.uri),
    outs: toOutputs(sub, resolved),
  });
  const began = deps.now();

  /** Our own subscription, if an attempt whose answer we never saw did land. */
  const findOwn = async () =>
    (await findByUrl(deps.client, request)).find(
      (sub) => sameEvents(sub.events, request.events) && Date.parse(sub.createdAt) >= began - CLOCK_SKEW_MS,
    );

  let uncertain = false;
  for (let attempt = 0; attempt <= UNKNOWN_OUTCOME_RETRIES; attempt++) {
    try {
      return done(await deps.client.createWebhookSubscription(request));
    } catch (error) {
      if (isUnknownOutcome(error)) {
        uncertain = true;
        await deps.sleep(Math.min(8_000, 250 * 2 ** attempt));
        continue;
      }
      if (isConflict(error) && (uncertain || error.afterUncertainAttempt)) {
        const own = await findOwn().catch(() => undefined);
        if (own) return done(own);
      }
      if (isConflict(error)) return adoptOrExplain(inputs, request, deps, resolved);
      throw explainCalendlyError(error, { action, events: inputs.events, scope: inputs.scope });
    }
  }

  // Every attempt ended without an answer. If one of them landed, it is ours: keep it.
  const own = await findOwn().catch(() => undefined);
  if (own) return done(own);
  throw new Error(
    `Could not ${action}: Calendly did not answer ${UNKNOWN_OUTCOME_RETRIES + 1} attempts, and no subscription ` +
      `for this URL was found afterwards. Nothing was created; run \`pulumi up\` again.`,
  );
}

async function adoptOrExplain(
  inputs: SubscriptionInputs,
  request: CreateWebhookSubscriptionInput,
  deps: CreateDeps,
  resolved: { url: string; signingKey: string; adoptExisting: boolean; providerDefaults: ProviderDefault[] },
): Promise<{ id: string; outs: SubscriptionOutputs }> {
  const action = `create the webhook subscription for ${inputs.url}`;
  let existing: WebhookSubscription | undefined;
  try {
    existing = (await findByUrl(deps.client, request))[0];
  } catch (error) {
    throw explainCalendlyError(error, {
      action: `${action} (409 Already Exists) and look up the existing one`,
    });
  }
  const owner =
    request.scope === "user"
      ? request.user
      : request.scope === "group"
        ? request.group
        : request.organization;
  if (!existing) {
    throw new Error(
      `Could not ${action}: Calendly already has a subscription with this URL (409 Already Exists), but not in ` +
        `${request.scope} scope for ${owner}: it belongs to another scope or user of organization ${request.organization}. ` +
        "Give this subscription its own URL, or delete the other one (`calendly-webhooks list --scope organization`).",
    );
  }
  if (!inputs.adoptExisting) {
    throw new Error(
      `Could not ${action}: Calendly already has it: ${describe(existing)}. Calendly allows one subscription per URL. ` +
        "Either delete that subscription and run `pulumi up` again, or take it over: set `adoptExisting: true` " +
        "and `signingKey` to the key it was created with.",
    );
  }
  if (inputs.signingKey === undefined) {
    throw new Error(
      `Could not adopt ${existing.uri}: adoptExisting needs signingKey. Calendly never returns a subscription's ` +
        "signing key, so an adopted subscription without it could never be verified. Set signingKey to the key it " +
        "was created with, or delete the subscription and let the provider create a new one.",
    );
  }
  if (!sameEvents(existing.events, request.events)) {
    throw new Error(
      `Could not adopt ${existing.uri}: it has events [${[...existing.events].sort().join(", ")}] but this resource ` +
        `wants [${[...request.events].join(", ")}], and Calendly cannot change a subscription's events. Set events to ` +
        "match it to adopt it, then change them in a later `pulumi up` (a replacement), or delete it.",
    );
  }
  return { id: subscriptionId(existing.uri), outs: toOutputs(existing, resolved) };
}
