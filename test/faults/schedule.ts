/**
 * Random fault schedules for the emulator, from a seed: which Calendly calls misbehave, how, and
 * when (`skip` lets some matching calls through first), over the calls a lifecycle makes.
 */
import type { Fault, FaultRule } from "../../emulator/faults";
import type { Random } from "./prng";

export type FaultKind = "429" | "500" | "503" | "latency" | "reset" | "apply_then_drop";
export const FAULT_KINDS: readonly FaultKind[] = ["429", "500", "503", "latency", "reset", "apply_then_drop"];

/**
 * The calls of a lifecycle, weighted by how often it makes them: two creates (POST, after one
 * GET /users/me), two refreshes (GET one), two deletes; lists only when a create must look.
 */
const TARGETS = [
  { method: "POST", path: "/webhook_subscriptions" },
  { method: "POST", path: "/webhook_subscriptions" },
  { method: "POST", path: "/webhook_subscriptions" },
  { method: "DELETE", path: "/webhook_subscriptions/*" },
  { method: "DELETE", path: "/webhook_subscriptions/*" },
  { method: "GET", path: "/webhook_subscriptions/*" },
  { method: "GET", path: "/webhook_subscriptions/*" },
  { method: "GET", path: "/webhook_subscriptions" },
  { method: "GET", path: "/users/me" },
] as const;

function faultOf(kind: FaultKind, random: Random): Fault {
  switch (kind) {
    case "429":
      // Calendly's windows are 60 s; a 1 s reset keeps a 200-schedule run in minutes.
      return { kind: "status", status: 429, resetSeconds: 1 };
    case "500":
      return { kind: "status", status: 500 };
    case "503":
      return { kind: "status", status: 503 };
    case "latency":
      return { kind: "latency", ms: random.int(20, 400) };
    case "reset":
      return { kind: "reset" };
    case "apply_then_drop":
      return { kind: "apply_then_drop" };
  }
}

export function kindOf(rule: FaultRule): FaultKind {
  return rule.fault.kind === "status" ? (String(rule.fault.status) as FaultKind) : rule.fault.kind;
}

export function faultSchedule(random: Random): FaultRule[] {
  const rules: FaultRule[] = [];
  const count = random.int(1, 6);
  for (let i = 0; i < count; i++) {
    const kind = random.pick(FAULT_KINDS);
    rules.push({
      match: { ...random.pick(TARGETS) },
      fault: faultOf(kind, random),
      // Status faults come in bursts; a burst longer than the client's attempts fails the step,
      // and the scenario then runs `pulumi up` again, as a user would.
      // A 429 costs a real wait of its reset (1 s); longer bursts add time, not coverage.
      times: kind === "latency" ? random.int(1, 4) : kind === "429" ? random.int(1, 3) : random.int(1, 7),
      skip: random.int(0, 1),
    });
  }
  return rules;
}
