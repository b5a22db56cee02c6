/**
 * One autocannon run of signed deliveries against a URL, summarized from our own per-request
 * records (microsecond latencies for every answer, not only 2xx as autocannon's histogram keeps).
 */
import autocannon from "autocannon";
import { percentile } from "../../bench/stats";
import { WEBHOOK_DELIVERY_TIMEOUTS } from "../../calendly";
import { type Deliveries, type DeliveryOptions, signedDeliveries } from "./deliveries";

export interface LoadOptions extends DeliveryOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Seconds without an answer before autocannon gives up on a request (default: as long as Calendly waits). */
  timeout?: number;
}

export interface LoadResult {
  deliveries: Deliveries;
  /** Seconds the run lasted. */
  seconds: number;
  /** Requests that got an answer. */
  answered: number;
  /** Answers per second. */
  throughput: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number };
  /** Answers by status. */
  statuses: Map<number, number>;
  /** autocannon's own counts of requests it gave up on, and of connection errors. */
  timeouts: number;
  errors: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const deliveries = signedDeliveries(options);
  const started = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    timeout: options.timeout ?? WEBHOOK_DELIVERY_TIMEOUTS.responseMs / 1000,
    requests: deliveries.requests,
  });
  const seconds = (performance.now() - started) / 1000;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  for (const outcome of deliveries.outcomes.values()) {
    if (outcome.status === undefined) continue;
    latencies.push(outcome.latencyMs!);
    statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
  }
  return {
    deliveries,
    seconds,
    answered: latencies.length,
    throughput: latencies.length / seconds,
    latencyMs: {
      p50: percentile(latencies, 50),
      p97_5: percentile(latencies, 97.5),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    statuses,
    // autocannon counts a timeout as an error too.
    timeouts: result.timeouts,
    errors: result.errors - result.timeouts,
  };
}
