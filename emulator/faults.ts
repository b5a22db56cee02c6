/**
 * Scripted faults for Calendly API requests: the failures a client of Calendly must survive.
 *
 * A rule is plain data (JSON), so tests, the control API and generated schedules all speak the
 * same language:
 *
 *   { "match": { "method": "POST", "path": "/webhook_subscriptions" },
 *     "fault": { "kind": "apply_then_drop" }, "times": 1, "skip": 0 }
 *
 * `match.path` is exact unless it ends with `*` (then a prefix: `/webhook_subscriptions*` covers the
 * collection and every item). Rules are tried in the order added; the first one that matches and
 * has no `skip` left fires and uses up one of its `times`; a matching rule still skipping lets the
 * request through (to later rules) and counts it. Spent rules disappear.
 */
import { z } from "zod";

export type Fault =
  /** Answer with this status and a Calendly-shaped body instead of handling the request. */
  | { kind: "status"; status: 429 | 500 | 503; resetSeconds?: number; retryAfterSeconds?: number }
  /** Wait, then handle the request normally. */
  | { kind: "latency"; ms: number }
  /** Destroy the connection before the request has any effect. */
  | { kind: "reset" }
  /** Handle the request fully (it takes effect), then destroy the connection without answering. */
  | { kind: "apply_then_drop" };

export interface FaultMatch {
  /** HTTP method, any case. Absent: every method. */
  method?: string;
  /** Path without query; exact, or a prefix when it ends with `*`. Absent: every path. */
  path?: string;
}

export interface FaultRule {
  match?: FaultMatch;
  fault: Fault;
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  /** Let this many matching requests through first. Default 0. */
  skip?: number;
}

export interface ActiveFault {
  id: number;
  rule: FaultRule;
  remainingTimes: number;
  remainingSkip: number;
}

const faultSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("status"),
    status: z.union([z.literal(429), z.literal(500), z.literal(503)]),
    resetSeconds: z.number().int().min(0).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
  z.strictObject({ kind: z.literal("latency"), ms: z.number().int().min(0).max(600_000) }),
  z.strictObject({ kind: z.literal("reset") }),
  z.strictObject({ kind: z.literal("apply_then_drop") }),
]);

export const faultRuleSchema: z.ZodType<FaultRule> = z.strictObject({
  match: z
    .strictObject({ method: z.string().min(1).optional(), path: z.string().startsWith("/").optional() })
    .optional(),
  fault: faultSchema,
  times: z.number().int().min(1).optional(),
  skip: z.number().int().min(0).optional(),
});

export const faultRulesSchema = z.union([faultRuleSchema, z.array(faultRuleSchema)]);

function matches(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path) {
    if (match.path.endsWith("*")) return path.startsWith(match.path.slice(0, -1));
    return path === match.path;
  }
  return true;
}

export class FaultPlan {
  private active: ActiveFault[] = [];
  private nextId = 1;

  add(rules: readonly FaultRule[]): ActiveFault[] {
    const added = rules.map((rule) => ({
      id: this.nextId++,
      rule: structuredClone(rule),
      remainingTimes: rule.times ?? 1,
      remainingSkip: rule.skip ?? 0,
    }));
    this.active.push(...added);
    return added.map((a) => ({ ...a }));
  }

  clear(): void {
    this.active = [];
  }

  list(): ActiveFault[] {
    return this.active.map((a) => ({ ...a, rule: structuredClone(a.rule) }));
  }

  /** The fault this request gets, if any, updating the rules' counters. */
  take(method: string, path: string): Fault | undefined {
    let chosen: Fault | undefined;
    for (const entry of this.active) {
      if (!matches(entry.rule.match, method, path)) continue;
      if (entry.remainingSkip > 0) {
        entry.remainingSkip -= 1;
        continue;
      }
      entry.remainingTimes -= 1;
      chosen = entry.rule.fault;
      break;
    }
    this.active = this.active.filter((a) => a.remainingTimes > 0);
    return chosen;
  }
}
