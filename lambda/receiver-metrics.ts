/**
 * The names of the receiver's CloudWatch metrics that the stack's alarms (infra/receiver/alarms.ts)
 * refer to, kept apart from the code that emits them (observability.ts) so that the Pulumi program
 * imports names only, as watchdog-metrics.ts does for the watchdog.
 */
import type { SignatureFailureReason } from "../calendly";
import { SUBSCRIPTION_DIMENSION } from "./watchdog-metrics";

/** Both functions' namespace unless `POWERTOOLS_METRICS_NAMESPACE` says otherwise. */
export const DEFAULT_METRICS_NAMESPACE = "CalendlyWebhooks";

export const RECEIVER_METRICS = {
  /** A delivery answered 503 because the bus or the claim-check bucket failed. */
  forwardFailures: "ForwardFailures",
  /** Any other 5xx (configuration, keys unreadable, a fault of ours). */
  errors: "Errors",
  /** A delivery refused (4xx); also counted per `Reason`. */
  rejected: "Rejected",
  reasonDimension: "Reason",
  /** The `Reason` of a signature that did not verify with any key. */
  signatureMismatch: "mismatch" satisfies SignatureFailureReason,
  /**
   * A delivery whose signature verified and that the receiver still failed (5xx, so Calendly
   * retries it), under `service` + `Subscription` only: the subscription named by the delivery's
   * URL (subscription-name.ts), the dimension of the watchdog's `SubscriptionHealthy` too. Emitted
   * only when one fails, so it costs nothing while none does.
   */
  subscriptionFailures: "SubscriptionFailures",
  subscriptionDimension: SUBSCRIPTION_DIMENSION,
} as const;
