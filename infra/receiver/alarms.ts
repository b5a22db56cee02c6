/**
 * The alarms, and the one SNS topic they all notify (or an existing one, `alarmTopicArn`):
 *
 *   <sub>-unhealthy             SubscriptionHealthy < 1: disabled, missing or retrying
 *   <sub>-delivery-failures     SubscriptionFailures ≥ 1 within the retrying window: Calendly may
 *                               still be retrying a delivery the receiver failed, whatever
 *                               retry_started_at says (docs/watchdog.md, "What the watchdog cannot see")
 *   watchdog-checks-failing     ChecksFailed ≥ 1, or no data: a failed check, or no watchdog run
 *   watchdog-token-not-set      TokenNotSet ≥ 1: the token parameter does not exist yet
 *   receiver-failures           the receiver's 5xx (ForwardFailures + Errors) ≥ threshold
 *   receiver-signature-failures Rejected{Reason=mismatch} ≥ threshold for N periods
 *   receiver-lambda-errors      AWS/Lambda Errors ≥ threshold
 *   receiver-lambda-throttles   AWS/Lambda Throttles ≥ threshold
 *
 * Missing data: the check alarm treats it as breaching, so a watchdog that stopped running alarms
 * after `failedChecks` intervals. A subscription's alarm ignores it (keeps its state), since a
 * failed check says nothing about the subscription and has its own alarm. The receiver's alarms
 * treat it as not breaching: no traffic is no failure.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_METRICS_NAMESPACE, RECEIVER_METRICS } from "../../lambda/receiver-metrics";
import { SUBSCRIPTION_DIMENSION, WATCHDOG_METRICS } from "../../lambda/watchdog-metrics";
import { tokenPutCommand } from "../watchdog-token";
import type { ResolvedMonitoringSettings } from "./monitoring-settings";

/** The receiver's metric names, one list for the function that emits them and these alarms. */
export { RECEIVER_METRICS };

/** The period of a subscription's delivery-failure alarm: fine enough to end near the window's end. */
export const DELIVERY_FAILURE_PERIOD_SECONDS = 300;
/** CloudWatch looks back at most one day over periods shorter than an hour. */
export const DELIVERY_FAILURE_MAX_HOURS = 24;

/**
 * How many periods a subscription's delivery-failure alarm looks back: the retrying window, up to
 * the day CloudWatch allows (Calendly retries one delivery for 24 hours, so a day is all it needs).
 */
export function deliveryFailurePeriods(retryingWindowHours: number): number {
  return (Math.min(retryingWindowHours, DELIVERY_FAILURE_MAX_HOURS) * 3600) / DELIVERY_FAILURE_PERIOD_SECONDS;
}

export interface AlarmsArgs {
  settings: ResolvedMonitoringSettings;
  subscriptionNames: readonly string[];
  watchdogServiceName: string;
  /** The SSM parameter the watchdog reads the token from, for the texts that say how to fill it. */
  tokenParameterName: string;
  receiverServiceName: string;
  receiverFunctionName: pulumi.Input<string>;
}

export function monitoringAlarms(name: string, args: AlarmsArgs, parent: pulumi.Resource) {
  const { settings } = args;
  const stack = pulumi.getStack();
  const topic =
    settings.alarmTopicArn === ""
      ? new aws.sns.Topic(`${name}-alarms`, { displayName: `Calendly webhooks (${stack})` }, { parent })
      : undefined;
  const topicArn: pulumi.Output<string> = topic ? topic.arn : pulumi.output(settings.alarmTopicArn);
  const emailSubscription =
    topic && settings.alarmEmail
      ? new aws.sns.TopicSubscription(
          `${name}-alarms-email`,
          { topic: topic.arn, protocol: "email", endpoint: settings.alarmEmail },
          { parent },
        )
      : undefined;

  const actions = { alarmActions: [topicArn], okActions: [topicArn] };
  const watchdogPeriod = settings.intervalMinutes * 60;
  const receiverPeriod = settings.alarmPeriodMinutes * 60;
  const alarm = (suffix: string, alarmArgs: aws.cloudwatch.MetricAlarmArgs) =>
    new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, { ...actions, ...alarmArgs }, { parent });

  const subscriptions: Record<string, aws.cloudwatch.MetricAlarm> = {};
  const deliveryFailures: Record<string, aws.cloudwatch.MetricAlarm> = {};
  const windowHours = Math.min(settings.watchdogRetryingWindowHours, DELIVERY_FAILURE_MAX_HOURS);
  for (const subscription of args.subscriptionNames) {
    subscriptions[subscription] = alarm(`${subscription}-unhealthy`, {
      alarmDescription:
        `Calendly subscription "${subscription}" of stack ${stack} is not healthy: disabled, missing, or retrying ` +
        "(the watchdog's log line says which). Disabled or missing: nothing is delivered; run `pulumi up --refresh` " +
        "to replace it. Retrying: the receiver failed deliveries; check its logs before Calendly disables it.",
      namespace: DEFAULT_METRICS_NAMESPACE,
      metricName: WATCHDOG_METRICS.subscriptionHealthy,
      dimensions: { service: args.watchdogServiceName, [SUBSCRIPTION_DIMENSION]: subscription },
      statistic: "Minimum",
      period: watchdogPeriod,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "ignore",
    });
    // Calendly's retry_started_at cannot show a delivery that began failing during an older retry
    // (docs/watchdog.md); the receiver's own count of this subscription's failures can.
    deliveryFailures[subscription] = alarm(`${subscription}-delivery-failures`, {
      alarmDescription:
        `The receiver of stack ${stack} failed a delivery to Calendly subscription "${subscription}" (5xx after its ` +
        `signature verified) within the last ${windowHours} hour(s). Calendly retries such a delivery for up to 24 h, ` +
        "then disables the subscription, even when the watchdog reads it healthy. The receiver's log lines with " +
        `"subscription": "${subscription}" say why it failed, and whether the same dedupeId was accepted since; ` +
        "this alarm recovers once no failure is left in the window.",
      namespace: DEFAULT_METRICS_NAMESPACE,
      metricName: RECEIVER_METRICS.subscriptionFailures,
      dimensions: {
        service: args.receiverServiceName,
        [RECEIVER_METRICS.subscriptionDimension]: subscription,
      },
      statistic: "Sum",
      period: DELIVERY_FAILURE_PERIOD_SECONDS,
      evaluationPeriods: deliveryFailurePeriods(windowHours),
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  }

  // The remedy for a token is the stack's one token path: `token put` writes the parameter the
  // watchdog reads. Never `pulumi config set --secret calendly:token`: the deploy workflow refuses
  // a token in config, an exported CALENDLY_TOKEN overrides it, and the stack never copies it there.
  const putToken = `\`${tokenPutCommand(stack)}\` (reads the token from stdin)`;
  const checksFailing = alarm("watchdog-checks-failing", {
    alarmDescription:
      `The watchdog of stack ${stack} could not check the Calendly subscriptions, or did not run, ` +
      `${settings.watchdogFailedChecks} time(s) in a row. Its logs say why: http_401 (a revoked or expired token: ` +
      `put a valid one with ${putToken}), token_not_set (its own alarm, watchdog-token-not-set), rate_limited or ` +
      "http_5xx/unreachable (Calendly), token_unavailable (SSM), or no run at all (the function fails).",
    namespace: DEFAULT_METRICS_NAMESPACE,
    metricName: WATCHDOG_METRICS.checksFailed,
    dimensions: { service: args.watchdogServiceName },
    statistic: "Maximum",
    period: watchdogPeriod,
    evaluationPeriods: settings.watchdogFailedChecks,
    datapointsToAlarm: settings.watchdogFailedChecks,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "breaching",
  });

  const tokenNotSet = alarm("watchdog-token-not-set", {
    alarmDescription:
      `The watchdog of stack ${stack} has no Calendly token: SSM parameter ${args.tokenParameterName} does not ` +
      `exist, so no subscription is checked. Put the token there: ${putToken}, e.g. ` +
      `printf '%s' "$CALENDLY_TOKEN" | npx ${tokenPutCommand(stack)}. The deploy workflow runs it before every pulumi up.`,
    namespace: DEFAULT_METRICS_NAMESPACE,
    metricName: WATCHDOG_METRICS.tokenNotSet,
    dimensions: { service: args.watchdogServiceName },
    statistic: "Maximum",
    period: watchdogPeriod,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    // No run, no data: watchdog-checks-failing covers that.
    treatMissingData: "notBreaching",
  });

  const receiverDimensions = { service: args.receiverServiceName };
  const receiverFailures = alarm("receiver-failures", {
    alarmDescription:
      `The receiver of stack ${stack} answered Calendly with 5xx (forwarding to EventBridge failed, signing keys ` +
      "unreadable or not read in time, no signing key in the list, or an internal error; its log lines' reason says " +
      "which): Calendly retries, and disables the subscription if a delivery keeps failing for 24 h.",
    metricQueries: [
      {
        id: "failures",
        expression: "FILL(forward, 0) + FILL(errors, 0)",
        label: "Receiver 5xx answers",
        returnData: true,
      },
      ...[
        ["forward", RECEIVER_METRICS.forwardFailures],
        ["errors", RECEIVER_METRICS.errors],
      ].map(([id, metricName]) => ({
        id: id!,
        returnData: false,
        metric: {
          namespace: DEFAULT_METRICS_NAMESPACE,
          metricName: metricName!,
          dimensions: receiverDimensions,
          period: receiverPeriod,
          stat: "Sum",
        },
      })),
    ],
    evaluationPeriods: 1,
    threshold: settings.alarmReceiverFailures,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  });

  const signatureFailures = alarm("receiver-signature-failures", {
    alarmDescription:
      `The receiver of stack ${stack} rejected at least ${settings.alarmSignatureFailures} deliveries per period for ` +
      `${settings.alarmSignatureFailurePeriods} period(s) because no signing key matched: a key mismatch (a rotation ` +
      "half done, or the parameter edited by hand). Calendly retries those, then disables the subscription.",
    namespace: DEFAULT_METRICS_NAMESPACE,
    metricName: RECEIVER_METRICS.rejected,
    dimensions: {
      ...receiverDimensions,
      [RECEIVER_METRICS.reasonDimension]: RECEIVER_METRICS.signatureMismatch,
    },
    statistic: "Sum",
    period: receiverPeriod,
    evaluationPeriods: settings.alarmSignatureFailurePeriods,
    datapointsToAlarm: settings.alarmSignatureFailurePeriods,
    threshold: settings.alarmSignatureFailures,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  });

  const lambdaAlarm = (suffix: string, metricName: string, threshold: number, what: string) =>
    alarm(suffix, {
      alarmDescription: `The receiver Lambda of stack ${stack} ${what}: Calendly's deliveries fail meanwhile.`,
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: args.receiverFunctionName },
      statistic: "Sum",
      period: receiverPeriod,
      evaluationPeriods: 1,
      threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  const lambdaErrors = lambdaAlarm(
    "receiver-lambda-errors",
    "Errors",
    settings.alarmLambdaErrors,
    "failed (crashed, timed out or ran out of memory)",
  );
  const lambdaThrottles = lambdaAlarm(
    "receiver-lambda-throttles",
    "Throttles",
    settings.alarmLambdaThrottles,
    "was throttled (account or reserved concurrency exhausted)",
  );

  return {
    topic,
    topicArn,
    emailSubscription,
    alarms: {
      subscriptions,
      deliveryFailures,
      checksFailing,
      tokenNotSet,
      receiverFailures,
      signatureFailures,
      lambdaErrors,
      lambdaThrottles,
    },
  };
}
