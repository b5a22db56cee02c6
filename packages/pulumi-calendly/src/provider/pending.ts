/**
 * A create whose outcome could not be found out (the POST may have landed, and Calendly could not
 * be asked) is not forgotten: it fails with an error carrying an id and properties, which Pulumi
 * records as a resource that failed to initialize. Its state is `unknown`, so:
 * - the next `pulumi up` replaces it (diff), and the delete of that replacement removes whatever
 *   the failed create left at Calendly, found by URL, scope, owner, events and creation time;
 * - a refresh drops it from state if Calendly holds nothing of it;
 * - `pulumi destroy` deletes what it left.
 * So a failed step always leaves state the next run converges from: never an orphan.
 */
import { randomBytes } from "node:crypto";
import type { WebhookSubscriptionClient } from "../calendly/client";
import type { CreateWebhookSubscriptionInput, WebhookSubscription } from "../calendly/types";
import { findCreatedSince } from "./lookup";
import type { ResolvedInputs, SubscriptionOutputs } from "./outputs";

export const PENDING_ID_PREFIX = "pending-";

export function isPendingId(id: string): boolean {
  return id.startsWith(PENDING_ID_PREFIX);
}

/** When the pending create began (ms since the epoch), from its id `pending-<ms>-<random>`. */
export function pendingSince(id: string): number {
  return Number(id.slice(PENDING_ID_PREFIX.length).split("-")[0]);
}

export interface PendingCreationError extends Error {
  /** Read by Pulumi's dynamic-provider host: the resource is recorded with this id and properties. */
  id: string;
  properties: SubscriptionOutputs;
  reasons: string[];
}

export function pendingCreationError(
  message: string,
  request: CreateWebhookSubscriptionInput,
  resolved: ResolvedInputs,
  began: number,
): PendingCreationError {
  const properties: SubscriptionOutputs = {
    url: resolved.url,
    events: [...new Set(request.events)].sort(),
    scope: request.scope,
    organization: request.organization,
    user: request.user ?? null,
    group: request.group ?? null,
    // Plain here, encrypted in the state: the engine applies the resource's additionalSecretOutputs
    // (resource.ts) to a failed create's outputs too. Proved on the real engine, every backend file
    // searched: test/engine/failures.test.ts.
    signingKey: resolved.signingKey,
    signingKeyGeneration: resolved.signingKeyGeneration,
    adoptExisting: resolved.adoptExisting,
    uri: "",
    callbackUrl: request.url,
    state: "unknown",
    creator: null,
    createdAt: "",
    updatedAt: "",
    retryStartedAt: null,
    providerDefaults: [...resolved.providerDefaults],
  };
  return Object.assign(new Error(message), {
    id: `${PENDING_ID_PREFIX}${began}-${randomBytes(4).toString("hex")}`,
    properties,
    reasons: [message],
  });
}

export function isPendingCreationError(error: unknown): error is PendingCreationError {
  return (
    error instanceof Error &&
    typeof (error as Partial<PendingCreationError>).id === "string" &&
    isPendingId((error as PendingCreationError).id) &&
    typeof (error as Partial<PendingCreationError>).properties === "object"
  );
}

/**
 * The error with the resource's serialized provider added to its properties. Pulumi's host packs
 * only `error.properties` into `ErrorResourceInitFailed`, and the engine stores exactly those as
 * the resource's outputs; the host's read and delete then load the code to run from the outputs'
 * `__provider`. Without it every later refresh, up and destroy of the stack fails with "code must
 * be a string" (seen with the real engine: test/engine/failures.test.ts).
 */
export function withSerializedProvider(error: PendingCreationError, provider: unknown): PendingCreationError {
  if (typeof provider === "string") {
    error.properties = { ...error.properties, __provider: provider } as SubscriptionOutputs;
  }
  return error;
}

/** What a pending create may have left at Calendly. */
export function findPendingLeftovers(
  client: WebhookSubscriptionClient,
  id: string,
  stored: SubscriptionOutputs,
): Promise<WebhookSubscription[]> {
  return findCreatedSince(
    client,
    {
      url: stored.callbackUrl || stored.url,
      organization: stored.organization,
      scope: stored.scope,
      user: stored.user,
      group: stored.group,
      events: stored.events,
    },
    pendingSince(id),
  );
}
