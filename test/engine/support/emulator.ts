/**
 * The Calendly emulator for the real-engine scenarios, in the test process: the Pulumi CLI's
 * dynamic-provider host reaches it over HTTP like Calendly; the test reads its control API.
 */

import type { SubscriptionView } from "../../../emulator/control";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../../emulator/server";

export const OWNER_TOKEN = "emu-owner-token";

export async function startEngineEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    delivery: { retryInitialMs: 100, retryMaxMs: 500, retryWindowMs: 10_000 },
    ...options,
  });
}

/** The subscriptions Calendly holds, as `{uri, events, state}`, oldest first. */
export function calendlySubscriptions(emulator: Emulator): SubscriptionView[] {
  return emulator.control.subscriptions();
}
