/**
 * `read` (refresh) and `delete`: one call each, except for a pending create (see pending.ts), which
 * first looks for what it may have left.
 */
import type { WebhookSubscriptionClient } from "../calendly/client";
import { isNotFound } from "../calendly/errors";
import { explainForProgram } from "./messages";
import { inputsFromOutputs, type SubscriptionOutputs, toOutputs } from "./outputs";
import { findPendingLeftovers, isPendingId } from "./pending";

export interface ReadOutcome {
  /** Empty when the subscription is gone: the engine then drops the resource from state. */
  id: string;
  props: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

export async function readSubscription(
  client: WebhookSubscriptionClient,
  id: string,
  stored: SubscriptionOutputs,
): Promise<ReadOutcome> {
  if (isPendingId(id)) return readPending(client, id, stored);
  try {
    const remote = await client.getWebhookSubscription(id);
    const outs = toOutputs(remote, {
      url: stored.url ?? remote.callbackUrl,
      // Calendly never returns the key: keep the one we have. An import has none: "" records that
      // it is unknown, until the program declares it (diff.ts, update.ts).
      signingKey: stored.signingKey ?? "",
      signingKeyGeneration: stored.signingKeyGeneration ?? 1,
      adoptExisting: stored.adoptExisting ?? false,
      providerDefaults: stored.providerDefaults ?? [],
    });
    return { id, props: { ...outs }, inputs: inputsFromOutputs(outs) };
  } catch (error) {
    if (isNotFound(error)) return { id: "", props: {} };
    throw explainForProgram(error, { action: `refresh webhook subscription ${id}`, scope: stored.scope });
  }
}

/** Nothing left at Calendly: forget it. Something left: keep it pending; the next up replaces it. */
async function readPending(
  client: WebhookSubscriptionClient,
  id: string,
  stored: SubscriptionOutputs,
): Promise<ReadOutcome> {
  let leftovers: unknown[];
  try {
    leftovers = await findPendingLeftovers(client, id, stored);
  } catch (error) {
    throw explainForProgram(error, { action: `refresh the pending subscription for ${stored.url}` });
  }
  if (leftovers.length === 0) return { id: "", props: {} };
  const props: Record<string, unknown> = { ...stored };
  delete props.__provider;
  return { id, props, inputs: inputsFromOutputs(stored) };
}

export async function deleteSubscription(
  client: WebhookSubscriptionClient,
  id: string,
  stored: Partial<SubscriptionOutputs>,
) {
  let targets = [id];
  if (isPendingId(id)) {
    try {
      targets = (await findPendingLeftovers(client, id, stored as SubscriptionOutputs)).map((sub) => sub.uri);
    } catch (error) {
      throw explainForProgram(error, {
        action: `find what the pending create for ${stored.url} left (it may still exist)`,
      });
    }
  }
  for (const target of targets) {
    try {
      await client.deleteWebhookSubscription(target);
    } catch (error) {
      // Already gone (deleted by hand, by a 410 from the receiver, or by our own earlier attempt).
      if (isNotFound(error)) continue;
      throw explainForProgram(error, {
        action: `delete webhook subscription ${stored.uri || target} (it still exists)`,
        scope: stored.scope,
      });
    }
  }
}
