/**
 * `read` (refresh) and `delete`: one call each.
 */
import type { CalendlyClient } from "../../calendly/client";
import { isNotFound } from "../../calendly/errors";
import { explainCalendlyError } from "./messages";
import { inputsFromOutputs, type SubscriptionOutputs, toOutputs } from "./outputs";

export interface ReadOutcome {
  /** Empty when the subscription is gone: the engine then drops the resource from state. */
  id: string;
  props: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

export async function readSubscription(
  client: CalendlyClient,
  id: string,
  stored: SubscriptionOutputs,
): Promise<ReadOutcome> {
  try {
    const remote = await client.getWebhookSubscription(id);
    const outs = toOutputs(remote, {
      url: stored.url ?? remote.callbackUrl,
      // Calendly never returns the key: keep the one we have.
      signingKey: stored.signingKey,
      adoptExisting: stored.adoptExisting ?? false,
      providerDefaults: stored.providerDefaults ?? [],
    });
    return { id, props: { ...outs }, inputs: inputsFromOutputs(outs) };
  } catch (error) {
    if (isNotFound(error)) return { id: "", props: {} };
    throw explainCalendlyError(error, { action: `refresh webhook subscription ${id}`, scope: stored.scope });
  }
}

export async function deleteSubscription(
  client: CalendlyClient,
  id: string,
  stored: Partial<SubscriptionOutputs>,
) {
  try {
    await client.deleteWebhookSubscription(id);
  } catch (error) {
    // Already gone (deleted by hand, by a 410 from the receiver, or by our own earlier attempt).
    if (isNotFound(error)) return;
    throw explainCalendlyError(error, {
      action: `delete webhook subscription ${stored.uri ?? id} (it still exists)`,
      scope: stored.scope,
    });
  }
}
