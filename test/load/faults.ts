/**
 * A seeded schedule of EventBridge faults during a load run. Every tick may queue a burst of one
 * kind on the stub (partial `FailedEntryCount`, request throttling, 5xx, added latency); on top of
 * that, each run has one outage window longer than the receiver's forwarding deadline (its
 * deliveries must get 503, and Calendly would retry them) and one burst of latency past the
 * deadline (answered 503, yet the entry lands afterwards: at-least-once, de-duplicated downstream on
 * `detail.id`). Same seed, same schedule; what it hits depends on timing.
 */
import type { EventBridgeFault, EventBridgeStub } from "../../tools/aws-stubs";
import { type Random, seededRandom } from "../faults/prng";

export interface FaultScheduleOptions {
  seed: number;
  /** Run length, to place the outage window and the late burst inside it. */
  durationMs: number;
  /** The receiver's forwarding deadline: the outage and the late latency exceed it. */
  deadlineMs: number;
  tickMs?: number;
}

export interface FaultSummary {
  /** Faults queued, by kind (each applies to one PutEvents request). */
  queued: Record<string, number>;
  outageWindow: { startMs: number; lengthMs: number };
  lateLatencyMs: number;
}

export interface FaultSchedule {
  /** The longest latency it may inject: wait this long after the run for late entries. */
  readonly maxLatencyMs: number;
  stop(): FaultSummary;
}

function burst(random: Random): { fault: EventBridgeFault; times: number; kind: string } | undefined {
  const roll = random.next();
  if (roll < 0.12) {
    const errorCode = random.pick(["InternalFailure", "ThrottlingException"]);
    return { fault: { type: "partial", errorCode }, times: random.int(1, 20), kind: `partial ${errorCode}` };
  }
  if (roll < 0.22) return { fault: { type: "throttle" }, times: random.int(1, 20), kind: "throttle" };
  if (roll < 0.32) {
    const status = random.pick([500, 503]);
    return { fault: { type: "outage", status }, times: random.int(1, 30), kind: `outage ${status}` };
  }
  if (roll < 0.42) {
    return { fault: { type: "latency", ms: random.int(20, 400) }, times: random.int(1, 20), kind: "latency" };
  }
  return undefined;
}

export function startFaultSchedule(stub: EventBridgeStub, options: FaultScheduleOptions): FaultSchedule {
  const random = seededRandom(options.seed);
  const tickMs = options.tickMs ?? 100;
  const queued: Record<string, number> = {};
  const count = (kind: string, times: number) => {
    queued[kind] = (queued[kind] ?? 0) + times;
  };
  const lengthMs = Math.round(options.deadlineMs * (1.2 + 0.4 * random.next()));
  // In the middle of the run, ending before its last tenth when the run is long enough.
  const startMs = Math.round(
    Math.max(
      options.durationMs * 0.1,
      Math.min(options.durationMs * (0.4 + 0.2 * random.next()), options.durationMs * 0.9 - lengthMs),
    ),
  );
  const outageWindow = { startMs, lengthMs };
  const lateLatencyMs = Math.round(options.deadlineMs * (1.1 + 0.2 * random.next()));
  const lateAtMs = Math.round(options.durationMs * (0.15 + 0.15 * random.next()));
  const started = Date.now();
  let inOutage = false;
  const timers: NodeJS.Timeout[] = [];

  timers.push(
    setTimeout(() => {
      const times = random.int(1, 3);
      stub.injectFaults({ type: "latency", ms: lateLatencyMs }, times);
      count("latency past the deadline", times);
    }, lateAtMs),
    setTimeout(() => {
      // Everything queued behind an endless outage waits for its end; clearing drops it all.
      inOutage = true;
      stub.injectFaults({ type: "outage", status: 503 }, Number.POSITIVE_INFINITY);
      timers.push(
        setTimeout(() => {
          stub.clearFaults();
          inOutage = false;
        }, outageWindow.lengthMs),
      );
    }, outageWindow.startMs),
    setInterval(() => {
      if (inOutage || Date.now() - started > options.durationMs) return;
      const next = burst(random);
      if (next === undefined) return;
      stub.injectFaults(next.fault, next.times);
      count(next.kind, next.times);
    }, tickMs),
  );

  return {
    maxLatencyMs: lateLatencyMs,
    stop() {
      for (const timer of timers) clearTimeout(timer);
      stub.clearFaults();
      return { queued, outageWindow, lateLatencyMs };
    },
  };
}
