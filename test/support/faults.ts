/** Fault plans that several suites inject into the emulator, named for the situation they make. */
import type { FaultRule } from "../../emulator/faults";

/**
 * A create whose outcome cannot be learnt: the next POST is applied at Calendly and its answer
 * dropped, then the next `lookupFailures` listings (how the provider looks for what it may have
 * created) are answered 500.
 */
export function createOutcomeLost(lookupFailures: number): FaultRule[] {
  return [
    {
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "apply_then_drop" },
      times: 1,
    },
    {
      match: { method: "GET", path: "/webhook_subscriptions" },
      fault: { kind: "status", status: 500 },
      times: lookupFailures,
    },
  ];
}
