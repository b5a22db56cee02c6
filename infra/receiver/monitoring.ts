/**
 * "Never silently disabled": the watchdog and the alarms of a deployed receiver, declared by
 * `CalendlyWebhookReceiver.monitor` as children of its component. A method rather than an argument
 * of the constructor: the watchdog watches the subscriptions, which can only be declared once the
 * receiver exists (they deliver to its URL and wait for its `readiness`).
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { monitoringAlarms } from "./alarms";
import { type ReceiverCode, watchdogCode } from "./code";
import { receiverServiceName } from "./function";
import type { MonitoringSettings, ResolvedMonitoringSettings } from "./monitoring-settings";
import type { ResolvedReceiverSettings } from "./settings";
import { receiverWatchdog, watchdogServiceName } from "./watchdog";

export interface ReceiverMonitoringArgs extends MonitoringSettings {
  /**
   * The subscriptions to watch, by name: the watchdog checks each at Calendly, and each gets its
   * own alarm. A `WebhookSubscription` fits, or anything with the subscription's `uri`.
   */
  subscriptions: Readonly<Record<string, { readonly uri: pulumi.Input<string> }>>;
  /** Calendly's API base URL, when it is not https://api.calendly.com (a proxy, the emulator). */
  calendlyApiUrl?: string;
  /** The watchdog's code; by default the watchdog bundle built for this stack. */
  watchdogCode?: ReceiverCode;
}

/** The watchdog's resources. */
export interface ReceiverWatchdog {
  /** The function that checks every watched subscription at Calendly and emits the metrics. */
  readonly fn: aws.lambda.Function;
  /** The scheduled EventBridge rule that runs it (`watchdogSchedule`). */
  readonly schedule: aws.cloudwatch.EventRule;
  /** The rule's target: the function, with the rule's retry policy. */
  readonly target: aws.cloudwatch.EventTarget;
  /** Lets that rule, and only it, invoke the function. */
  readonly permission: aws.lambda.Permission;
  /** No retry of a failed run: the next one comes at the next interval. */
  readonly invokeConfig: aws.lambda.FunctionEventInvokeConfig;
  readonly role: aws.iam.Role;
  /** Reads the token parameter, writes the function's own logs; nothing else. */
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  /**
   * The SSM SecureString the function reads the Calendly token from, `/<project>/<stack>/watchdog/calendly-token`:
   * named and readable by the stack, written by `calendly-webhooks token put`, never a resource of
   * the stack (the token stays out of Pulumi's state: infra/receiver/watchdog.ts).
   */
  readonly tokenParameterName: string;
  /** Its ARN, the one resource the function's policy lets it read. */
  readonly tokenParameterArn: pulumi.Output<string>;
}

/** The alarms, all notifying `alarmTopicArn` on alarm and on recovery (docs/watchdog.md). */
export interface ReceiverAlarms {
  /** One per watched subscription, by its name: disabled, missing or retrying. */
  readonly subscriptions: Readonly<Record<string, aws.cloudwatch.MetricAlarm>>;
  /**
   * One per watched subscription, by its name: the receiver failed one of its deliveries within
   * the retrying window (at most a day), so Calendly may still be retrying it.
   */
  readonly deliveryFailures: Readonly<Record<string, aws.cloudwatch.MetricAlarm>>;
  /** The watchdog could not check, or did not run, `watchdogFailedChecks` times in a row. */
  readonly checksFailing: aws.cloudwatch.MetricAlarm;
  /** The token parameter does not exist yet: `calendly-webhooks token put --stack <stack>` has not run. */
  readonly tokenNotSet: aws.cloudwatch.MetricAlarm;
  /** The receiver answered 5xx (`alarmReceiverFailures` per period). */
  readonly receiverFailures: aws.cloudwatch.MetricAlarm;
  /** Sustained signature mismatches (`alarmSignatureFailures` for `alarmSignatureFailurePeriods`). */
  readonly signatureFailures: aws.cloudwatch.MetricAlarm;
  /** The receiver function's errors and throttles. */
  readonly lambdaErrors: aws.cloudwatch.MetricAlarm;
  readonly lambdaThrottles: aws.cloudwatch.MetricAlarm;
}

export interface ReceiverMonitoring {
  readonly watchdog: ReceiverWatchdog;
  readonly alarms: ReceiverAlarms;
  /** The topic the alarms notify, when the receiver created it (no `alarmTopicArn`). */
  readonly alarmTopic?: aws.sns.Topic;
  /** The topic every alarm notifies: `alarmTopic`'s, or `alarmTopicArn`. */
  readonly alarmTopicArn: pulumi.Output<string>;
  /** `alarmEmail`'s subscription to `alarmTopic`. */
  readonly alarmEmailSubscription?: aws.sns.TopicSubscription;
  /** The settings in effect, defaults filled in. */
  readonly settings: ResolvedMonitoringSettings;
}

/** What the monitoring needs of its receiver. */
export interface MonitoredReceiver {
  /** The component's name: every resource's name starts with it. */
  name: string;
  component: pulumi.ComponentResource;
  functionName: pulumi.Input<string>;
  settings: ResolvedReceiverSettings;
}

/** Declares the watchdog and the alarms; `settings` are `args`' own, already judged. */
export function declareMonitoring(
  receiver: MonitoredReceiver,
  args: ReceiverMonitoringArgs,
  settings: ResolvedMonitoringSettings,
): ReceiverMonitoring {
  const stack = pulumi.getStack();
  const { name, component } = receiver;
  const watched = Object.fromEntries(
    Object.entries(args.subscriptions).map(([subscription, s]) => [subscription, s.uri]),
  );
  const watchdog = receiverWatchdog(
    name,
    {
      code: args.watchdogCode ?? watchdogCode(stack),
      watched,
      apiUrl: args.calendlyApiUrl,
      schedule: settings.watchdogSchedule,
      intervalMinutes: settings.intervalMinutes,
      retryingWindowHours: settings.watchdogRetryingWindowHours,
      logRetentionDays: receiver.settings.logRetentionDays,
      logLevel: receiver.settings.logLevel,
      serviceName: watchdogServiceName(stack),
    },
    component,
  );
  const alarms = monitoringAlarms(
    name,
    {
      settings,
      subscriptionNames: Object.keys(args.subscriptions),
      watchdogServiceName: watchdogServiceName(stack),
      tokenParameterName: watchdog.tokenParameterName,
      receiverServiceName: receiverServiceName(stack),
      receiverFunctionName: receiver.functionName,
    },
    component,
  );
  return {
    watchdog,
    alarms: alarms.alarms,
    alarmTopic: alarms.topic,
    alarmTopicArn: alarms.topicArn,
    alarmEmailSubscription: alarms.emailSubscription,
    settings,
  };
}
