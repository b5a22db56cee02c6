/**
 * The names of the watchdog's CloudWatch metrics, which the stack's alarms (infra/receiver/alarms.ts)
 * refer to. Kept apart from the code that emits them so the Pulumi program imports names only.
 *
 * Namespace: `POWERTOOLS_METRICS_NAMESPACE` (default `CalendlyWebhooks`); every metric also has the
 * dimension `service` (`POWERTOOLS_SERVICE_NAME`, one per stack). Each is a custom metric billed by
 * CloudWatch (us-east-1: $0.30 a month), so there are only these: one per subscription, three per pass.
 */
export const WATCHDOG_METRICS = {
  /**
   * Per subscription, dimension `Subscription` = its name: 1 healthy; 0 retrying, disabled or
   * missing. Not emitted when the check failed: a failed check is not news about the subscription.
   */
  subscriptionHealthy: "SubscriptionHealthy",
  /** Per pass: how many checks failed (`unknown`: revoked token, 429, 5xx...). 0 when all answered. */
  checksFailed: "ChecksFailed",
  /** Per pass: how many subscriptions are retrying. */
  subscriptionsRetrying: "SubscriptionsRetrying",
  /**
   * Per pass: 1 when the token parameter does not exist yet (nobody ran `calendly-webhooks token
   * put` for the stack), 0 otherwise. Apart from ChecksFailed so that its alarm can name the one
   * command that fixes it.
   */
  tokenNotSet: "TokenNotSet",
} as const;

export const SUBSCRIPTION_DIMENSION = "Subscription";

export const DEFAULT_WATCHDOG_SERVICE_NAME = "calendly-watchdog";
