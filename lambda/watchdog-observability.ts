/**
 * The watchdog's logs and metrics, with Powertools for AWS Lambda: one structured line per
 * subscription and one per pass; CloudWatch embedded-format metrics named in watchdog-metrics.ts.
 *
 * What may be logged is decided here: names, URIs, callback URLs, states, times, reasons, statuses.
 * Never the token: checks carry a reason and a status, not the error objects.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Env } from "./config";
import { observabilitySettings } from "./observability";
import type { SubscriptionCheck, WatchdogResult } from "./watchdog-check";
import { DEFAULT_WATCHDOG_SERVICE_NAME, SUBSCRIPTION_DIMENSION, WATCHDOG_METRICS } from "./watchdog-metrics";

export interface PassReport {
  checks: readonly SubscriptionCheck[];
  result: WatchdogResult;
  /** The token parameter does not exist yet (TokenNotSet = 1). */
  tokenNotSet: boolean;
  durationMs: number;
}

export interface WatchdogObservability {
  logger: Logger;
  /** Logs each check and the pass, and publishes their metrics. */
  pass(report: PassReport): void;
}

const LEVEL: Record<SubscriptionCheck["status"], "info" | "warn" | "error"> = {
  healthy: "info",
  retrying: "warn",
  disabled: "error",
  missing: "error",
  unknown: "error",
};

/**
 * A Powertools logger and metrics configured from `env`, and whether metrics are off: Powertools
 * reads POWERTOOLS_METRICS_DISABLED from process.env only, so one built over another environment
 * (a local run) checks it itself. (The receiver writes its lines directly, for its cold start:
 * observability.ts; the watchdog runs every few minutes and has no such budget.)
 */
function powertools(env: Env, defaultServiceName: string) {
  const settings = observabilitySettings(env, defaultServiceName);
  const serviceName = settings.service;
  const logger = new Logger({ serviceName, logLevel: settings.logLevel as "INFO" });
  const metrics = new Metrics({ namespace: settings.namespace, serviceName });
  return { logger, metrics, metricsDisabled: settings.metricsDisabled };
}

export function createWatchdogObservability(env: Env): WatchdogObservability {
  const { logger, metrics, metricsDisabled } = powertools(env, DEFAULT_WATCHDOG_SERVICE_NAME);

  return {
    logger,
    pass({ checks, result, tokenNotSet, durationMs }) {
      for (const check of checks) {
        const { name, ...fields } = check;
        logger[LEVEL[check.status]]("subscription check", { subscription: name, ...fields });
      }
      const counts = Object.fromEntries(
        Object.entries(result).map(([status, names]) => [status, names.length]),
      );
      const unhealthy = checks.length - result.healthy.length;
      logger[unhealthy > 0 ? "warn" : "info"]("watchdog pass", {
        ...counts,
        checked: checks.length,
        ...(tokenNotSet ? { tokenNotSet } : {}),
        durationMs,
      });

      if (metricsDisabled) return;
      for (const check of checks) {
        if (check.status === "unknown") continue;
        metrics.addDimension(SUBSCRIPTION_DIMENSION, check.name);
        metrics.addMetric(
          WATCHDOG_METRICS.subscriptionHealthy,
          MetricUnit.Count,
          check.status === "healthy" ? 1 : 0,
        );
        metrics.publishStoredMetrics();
      }
      metrics.addMetric(WATCHDOG_METRICS.checksFailed, MetricUnit.Count, result.unknown.length);
      metrics.addMetric(WATCHDOG_METRICS.subscriptionsRetrying, MetricUnit.Count, result.retrying.length);
      metrics.addMetric(WATCHDOG_METRICS.tokenNotSet, MetricUnit.Count, tokenNotSet ? 1 : 0);
      metrics.publishStoredMetrics();
    },
  };
}
