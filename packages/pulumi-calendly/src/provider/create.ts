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
import type { WebhookSubscriptionClient } from "../calendly/client";
import { isConflict, isUnknownOutcome } from "../calendly/errors";
import type { CalendlyUser, CreateWebhookSubscriptionInput, WebhookSubscription } from "../calendly/types";
import type { SubscriptionInputs } from "./inputs";
import { findByUrl, findCreatedSince, sameEvents } from "./lookup";
import { explainForProgram } from "./messages";
import {
  type ProviderDefault,
  type ResolvedInputs,
  type SubscriptionOutputs,
  subscriptionId,
  toOutputs,
} from "./outputs";
import { pendingCreationError } from "./pending";

export interface CreateDeps {
  client: WebhookSubscriptionClient;
  /** The token's user; cached by the caller so a host process asks once. */
  currentUser: () => Promise<CalendlyUser>;
  generateSigningKey: () => string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** How many times a create whose outcome stayed unknown is tried again. */
export const UNKNOWN_OUTCOME_RETRIES = 4;
function describe(sub: WebhookSubscription): string {
  return `${sub.uri} (scope ${sub.scope}, events ${sub.events.join(", ")}, state ${sub.state}, created ${sub.createdAt})`;
}

/**
 * @param inputs the checked inputs; `keyHeldByProvider` when check generated or carried the key
 *   (check.ts), false when the program gave it
 */
export async function createSubscription(
  inputs: SubscriptionInputs & { keyHeldByProvider?: boolean },
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
      throw explainForProgram(error, {
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
    // Only inputs that did not come through today's check (which always sets a key) get here.
    signingKey = deps.generateSigningKey();
    providerDefaults.push("signingKey");
  } else if (inputs.keyHeldByProvider) providerDefaults.push("signingKey");

  const request: CreateWebhookSubscriptionInput = {
    url: inputs.url,
    events: inputs.events,
    scope: inputs.scope,
    organization,
    user,
    group: inputs.scope === "group" ? inputs.group : undefined,
    signingKey,
  };
  const resolved: ResolvedInputs = {
    url: inputs.url,
    signingKey,
    signingKeyGeneration: inputs.signingKeyGeneration ?? 1,
    adoptExisting: inputs.adoptExisting,
    providerDefaults,
  };
  const done = (sub: WebhookSubscription) => ({
    id: subscriptionId(sub.uri),
    outs: toOutputs(sub, resolved),
  });
  const began = deps.now();

  /**
   * Whether an attempt whose answer we never saw landed: ours if so (we know its key), `none` if
   * Calendly says not, `unknown` if we cannot even ask. An unknown outcome is recorded as a pending
   * resource, never forgotten: the next `pulumi up` replaces it, and that delete removes whatever
   * this create left at Calendly (see pending.ts).
   */
  const lookForOwn = async (): Promise<WebhookSubscription | "none" | "unknown"> => {
    try {
      return (await findCreatedSince(deps.client, request, began)).at(-1) ?? "none";
    } catch {
      return "unknown";
    }
  };
  const unresolved = (why: string) =>
    pendingCreationError(
      `Could not ${action}: ${why}, so whether Calendly holds it is unknown. Pulumi records it as pending; ` +
        "the next `pulumi up` replaces it, deleting anything this attempt left behind.",
      request,
      resolved,
      began,
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
        const own = await lookForOwn();
        if (own === "unknown")
          throw unresolved("an attempt may have landed and Calendly could not be asked which");
        if (own !== "none") return done(own);
      }
      if (isConflict(error)) return adoptOrExplain(inputs, request, deps, resolved);
      if (uncertain) {
        const own = await lookForOwn();
        if (own === "unknown")
          throw unresolved(
            `an attempt may have landed, then ${error instanceof Error ? error.message : String(error)}`,
          );
        if (own !== "none") return done(own);
      }
      throw explainForProgram(error, { action, events: inputs.events, scope: inputs.scope });
    }
  }

  // Every attempt ended without an answer. If one of them landed, it is ours: keep it.
  const own = await lookForOwn();
  if (own === "unknown") throw unresolved(`Calendly did not answer ${UNKNOWN_OUTCOME_RETRIES + 1} attempts`);
  if (own !== "none") return done(own);
  throw new Error(
    `Could not ${action}: Calendly did not answer ${UNKNOWN_OUTCOME_RETRIES + 1} attempts, and lists no ` +
      "subscription for this URL since. Nothing was created; run `pulumi up` again.",
  );
}

async function adoptOrExplain(
  inputs: SubscriptionInputs & { keyHeldByProvider?: boolean },
  request: CreateWebhookSubscriptionInput,
  deps: CreateDeps,
  resolved: ResolvedInputs,
): Promise<{ id: string; outs: SubscriptionOutputs }> {
  const action = `create the webhook subscription for ${inputs.url}`;
  let existing: WebhookSubscription | undefined;
  try {
    existing = (await findByUrl(deps.client, request))[0];
  } catch (error) {
    throw explainForProgram(error, {
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
        "Give this subscription its own URL, or delete the other one (`npx pulumi-calendly list --scope organization`).",
    );
  }
  if (!inputs.adoptExisting) {
    throw new Error(
      `Could not ${action}: Calendly already has it: ${describe(existing)}. Calendly allows one subscription per URL. ` +
        "Either delete that subscription and run `pulumi up` again, or take it over: set `adoptExisting: true` " +
        "and `signingKey` to the key it was created with.",
    );
  }
  if (inputs.signingKey === undefined || inputs.keyHeldByProvider) {
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
