/**
 * The whole program: configuration, signing keys, the receiver (unless `endpointUrl` points at
 * an existing one), the subscriptions wired to it, and the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { WebhookSubscription } from "pulumi-calendly";
import { awsProvider, stackTags } from "./aws-provider";
import { readStackConfig, type StackConfig } from "./config";
import { resourcePrefix } from "./naming";
import { CalendlyWebhookReceiver } from "./receiver";
import { monitorReceiver } from "./receiver/monitoring";
import { keyParameterValue, type SubscriptionSigningKeys, subscriptionSigningKeys } from "./signing-keys";
import { calendlySubscriptions } from "./subscriptions";

export interface SubscriptionSummary {
  uri: string;
  state: string;
  scope: string;
  events: string[];
  url: string;
}

export interface StackOutputs {
  webhookUrl: pulumi.Output<string>;
  subscriptions: pulumi.Output<Record<string, SubscriptionSummary>>;
  /** Secret: subscription name → its current signing key. */
  signingKeys: pulumi.Output<Record<string, string>>;
  /** The remaining ones exist only when the stack deploys the AWS receiver. */
  apiEndpoint?: pulumi.Output<string>;
  busName?: pulumi.Output<string>;
  busArn?: pulumi.Output<string>;
  archiveName?: pulumi.Output<string>;
  keyParameterName?: pulumi.Output<string>;
  claimCheckBucketName?: pulumi.Output<string>;
  /** With the watchdog (the default): the SNS topic every alarm notifies, and the watchdog function. */
  alarmTopicArn?: pulumi.Output<string>;
  watchdogFunctionName?: pulumi.Output<string>;
}

export function defineStack(): StackOutputs {
  // First, before any resource: a bad configuration stops here.
  const config = readStackConfig();

  const keys = new Map<string, SubscriptionSigningKeys>(
    config.subscriptions.map((s) => [s.name, subscriptionSigningKeys(s.name, s.signingKeyGeneration)]),
  );
  const signingKeys = pulumi.secret(
    pulumi.all(Object.fromEntries([...keys].map(([name, k]) => [name, k.current]))),
  );

  if (config.endpointUrl !== undefined) {
    // An existing receiver: no AWS resource at all; it verifies with the exported keys.
    const webhookUrl = pulumi.output(config.endpointUrl);
    const subscriptions = calendlySubscriptions(config.subscriptions, {
      baseUrl: webhookUrl,
      keys,
      dependsOn: [],
    });
    return { webhookUrl, subscriptions: summarize(subscriptions), signingKeys };
  }

  const receiver = deployReceiver(config, keyParameterValue([...keys.values()]));
  const subscriptions = calendlySubscriptions(config.subscriptions, {
    baseUrl: receiver.webhookUrl,
    keys,
    dependsOn: receiver.readiness,
  });
  const monitoring =
    config.monitoring &&
    monitorReceiver(resourcePrefix(pulumi.getStack()), receiver, {
      config: config.monitoring,
      subscriptions,
      logRetentionDays: config.logRetentionDays,
      logLevel: config.logLevel,
    });
  return {
    webhookUrl: receiver.webhookUrl,
    subscriptions: summarize(subscriptions),
    signingKeys,
    apiEndpoint: receiver.apiEndpoint,
    busName: receiver.busName,
    busArn: receiver.busArn,
    archiveName: receiver.archiveName,
    keyParameterName: receiver.keyParameterName,
    claimCheckBucketName: receiver.claimCheckBucketName,
    alarmTopicArn: monitoring ? monitoring.alarms.topicArn : undefined,
    watchdogFunctionName: monitoring ? monitoring.watchdog.fn.name : undefined,
  };
}

function deployReceiver(config: StackConfig, signingKeys: pulumi.Output<string>): CalendlyWebhookReceiver {
  const stack = pulumi.getStack();
  const prefix = resourcePrefix(stack);
  const provider = awsProvider(`${prefix}-aws`, stackTags(config.tags));
  return new CalendlyWebhookReceiver(
    prefix,
    {
      routePath: config.routePath,
      signingKeys,
      lambdaMemoryMb: config.lambdaMemoryMb,
      logRetentionDays: config.logRetentionDays,
      archiveRetentionDays: config.archiveRetentionDays,
      claimCheckRetentionDays: config.claimCheckRetentionDays,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      signatureToleranceSeconds: config.signatureToleranceSeconds,
      logLevel: config.logLevel,
    },
    { providers: [provider] },
  );
}

function summarize(
  subscriptions: ReadonlyMap<string, WebhookSubscription>,
): pulumi.Output<Record<string, SubscriptionSummary>> {
  const entries = [...subscriptions].map(([name, s]) =>
    pulumi
      .all([s.uri, s.state, s.scope, s.events, s.url])
      .apply(([uri, state, scope, events, url]) => [name, { uri, state, scope, events, url }] as const),
  );
  return pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs));
}
