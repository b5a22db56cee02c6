/**
 * Subscriptions in each state a watchdog tells apart, made on the emulator through the real client:
 * healthy, retrying (its receiver answers 500), disabled and missing (deleted out of band).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { CalendlyClient, WebhookSubscription } from "../../calendly";
import type { EmulatorControl } from "../../emulator/control";

export type SubscriptionStates = Record<"healthy" | "retrying" | "disabled" | "missing", WebhookSubscription>;

/** Waits until Calendly (the emulator) has started retrying deliveries to `uri`. */
export async function waitUntilRetrying(client: CalendlyClient, uri: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await client.getWebhookSubscription(uri)).retryStartedAt === null) {
    if (Date.now() > deadline) throw new Error("the emulator never marked the subscription as retrying");
    await sleep(20);
  }
}

/**
 * One user-scope subscription of `user` per state; `failingUrl` is a receiver that answers 500.
 * The retrying one subscribes to `event_type.created`, which is fired once to make it fail.
 */
export async function subscriptionsInEveryState(options: {
  client: CalendlyClient;
  control: EmulatorControl;
  organization: string;
  user: string;
  failingUrl: string;
}): Promise<SubscriptionStates> {
  const { client, control } = options;
  const uuid = (sub: WebhookSubscription) => sub.uri.slice(sub.uri.lastIndexOf("/") + 1);
  const create = (url: string, events: string[]) =>
    client.createWebhookSubscription({
      url,
      events,
      organization: options.organization,
      scope: "user",
      user: options.user,
      signingKey: "k",
    });
  const states: SubscriptionStates = {
    healthy: await create("https://hooks.example.com/calendly?subscription=healthy", ["invitee.created"]),
    retrying: await create(`${options.failingUrl}?subscription=retrying`, ["event_type.created"]),
    disabled: await create("https://hooks.example.com/calendly?subscription=disabled", ["invitee.canceled"]),
    missing: await create("https://hooks.example.com/calendly?subscription=missing", ["invitee.created"]),
  };
  control.disableSubscription(uuid(states.disabled));
  control.deleteSubscription(uuid(states.missing));
  control.fireEvent({ event: "event_type.created", user: options.user });
  await waitUntilRetrying(client, states.retrying.uri);
  return states;
}
