/**
 * Logs and metrics, with Powertools for AWS Lambda: one structured JSON line per delivery, and
 * CloudWatch embedded-format metrics (accepted, rejected by reason, forward failures).
 *
 * What may be logged is decided here, in `DeliveryLog`: ids, names, outcomes, timings, field paths.
 * Never a signing key, never the body, never payload values (invitee names and emails).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Env } from "./config";

export const DEFAULT_SERVICE_NAME = "calendly-receiver";
export const DEFAULT_METRICS_NAMESPACE = "CalendlyWebhooks";

export type DeliveryOutcome =
  | "accepted"
  /** Refused because of the request (4xx). */
  | "rejected"
  /** Not handed off because of us or AWS (5xx): Calendly retries. */
  | "failed";

export interface DeliveryLog {
  requestId: string | undefined;
  outcome: DeliveryOutcome;
  status: number;
  /** Why it was rejected or failed, e.g. `mismatch`, `stale`, `forward_deadline`. */
  reason?: string;
  event?: string;
  /** SHA-256 of the body (only known once the body was read). */
  dedupeId?: string;
  validation?: string;
  issues?: string[];
  claimChecked?: boolean;
  attempts?: number;
  errorCode?: string;
  keysRefreshed?: boolean;
  bodyBytes?: number;
  latencyMs: number;
}

export interface Observability {
  logger: Logger;
  /** Writes the delivery's log line and its metrics. */
  delivery(log: DeliveryLog): void;
}

/**
 * A Powertools logger and metrics configured from `env` (the receiver's and the watchdog's alike),
 * and whether metrics are off: Powertools reads POWERTOOLS_METRICS_DISABLED from process.env only,
 * so one built over another environment (the local server) checks it itself.
 */
export function powertools(env: Env, defaultServiceName: string) {
  const serviceName = env.POWERTOOLS_SERVICE_NAME || defaultServiceName;
  const logger = new Logger({
    serviceName,
    logLevel: (env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL || "INFO").toUpperCase() as "INFO",
  });
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE,
    serviceName,
  });
  const metricsDisabled = env.POWERTOOLS_METRICS_DISABLED?.toLowerCase() === "true";
  return { logger, metrics, metricsDisabled };
}

export function createObservability(env: Env): Observability {
  const { logger, metrics, metricsDisabled } = powertools(env, DEFAULT_SERVICE_NAME);

  return {
    logger,
    delivery(log) {
      const level =
        log.outcome === "failed"
          ? "error"
          : log.outcome === "rejected" || (log.validation !== undefined && log.validation !== "valid")
            ? "warn"
            : "info";
      logger[level]("delivery", { ...log });

      if (metricsDisabled) return;
      if (log.outcome === "accepted") {
        metrics.addMetric("Accepted", MetricUnit.Count, 1);
        if (log.claimChecked) metrics.addMetric("ClaimChecked", MetricUnit.Count, 1);
        if (log.validation === "unknown_event") metrics.addMetric("UnknownEvent", MetricUnit.Count, 1);
        if (log.validation === "invalid_payload") metrics.addMetric("InvalidPayload", MetricUnit.Count, 1);
      } else if (log.outcome === "rejected") {
        // Dimensions added this way are cleared by the publish below.
        metrics.addDimension("Reason", log.reason ?? "unknown");
        metrics.addMetric("Rejected", MetricUnit.Count, 1);
      } else {
        metrics.addMetric(
          log.reason?.startsWith("forward") || log.reason === "claim_check_failed"
            ? "ForwardFailures"
            : "Errors",
          MetricUnit.Count,
          1,
        );
      }
      metrics.publishStoredMetrics();
    },
  };
}
