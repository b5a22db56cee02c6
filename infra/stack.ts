/**
 * The whole program: configuration, signing keys, the receiver (unless `endpointUrl` points at
 * an existing one) and its monitoring, the subscriptions wired to it, and the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { WebhookSubscription } from "pulumi-calendly";
import { awsProvider, stackTags } from "./aws-provider";
import { readStackConfig, type StackConfig } from "./config";
import { formerResourcePrefixes, resourcePrefix } from "./naming";
import { CalendlyWebhookReceiver } from "./receiver";
import { keyParameterValue, type SubscriptionSigningKeys, subscriptionSigningKeys } from "./signing-keys";
import { calendlySubscriptions } from "./subscriptions";

export interface SubscriptionSummary {
  uri: string;
  state: string;
  scope: string;
  events: string[];
  url: string;
}

/**
 * The stack outputs: index.ts exports exactly these, and docs/deployment.md ("Outputs") describes
 * them for users (test/infra/dev-stack.test.ts checks that table against what the program exports).
 */
export interface StackOutputs {
  /** The receiver's URL (API endpoint + route path), or `endpointUrl`. */
  webhookUrl: pulumi.Output<string>;
  /** Per subscription name: its URI, state, scope, events and URL. */
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
  /** The SSM parameter the watchdog reads the token from (`calendly-webhooks token put` writes it). */
  watchdogTokenParameterName?: pulumi.Output<string>;
}

/** What the program declared: its outputs, and the resources a program may build on. */
export interface Stack {
  outputs: StackOutputs;
  /** The subscriptions, by name. */
  subscriptions: ReadonlyMap<string, WebhookSubscription>;
  /**
   * The AWS receiver, absent with `endpointUrl`: its children (`bus`, `fn`, `api`, …) and, unless
   * `watchdog` is false, `receiver.monitoring` (the watchdog, the alarms, their topic).
   */
  receiver?: CalendlyWebhookReceiver;
}

export function defineStack(): Stack {
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
    return { outputs: { webhookUrl, subscriptions: summarize(subscriptions), signingKeys }, subscriptions };
  }

  const receiver = deployReceiver(config, keyParameterValue([...keys.values()]));
  const subscriptions = calendlySubscriptions(config.subscriptions, {
    baseUrl: receiver.webhookUrl,
    keys,
    dependsOn: receiver.readiness,
  });
  // No token goes in: neither CALENDLY_TOKEN nor calendly:token passes through any resource input.
  // The watchdog reads its own from the parameter `calendly-webhooks token put` writes.
  const monitoring =
    config.monitoring &&
    receiver.monitor({
      ...config.monitoring,
      subscriptions: Object.fromEntries(subscriptions),
      calendlyApiUrl: new pulumi.Config("calendly").get("apiUrl") || undefined,
    });
  const outputs: StackOutputs = {
    webhookUrl: receiver.webhookUrl,
    subscriptions: summarize(subscriptions),
    signingKeys,
    apiEndpoint: receiver.apiEndpoint,
    busName: receiver.busName,
    busArn: receiver.busArn,
    archiveName: receiver.archiveName,
    keyParameterName: receiver.keyParameterName,
    claimCheckBucketName: receiver.claimCheckBucketName,
    ...(monitoring && {
      alarmTopicArn: monitoring.alarmTopicArn,
      watchdogFunctionName: monitoring.watchdog.fn.name,
      watchdogTokenParameterName: pulumi.output(monitoring.watchdog.tokenParameterName),
    }),
  };
  return { outputs, subscriptions, receiver };
}

function deployReceiver(config: StackConfig, signingKeys: pulumi.Output<string>): CalendlyWebhookReceiver {
  const stack = pulumi.getStack();
  const prefix = resourcePrefix(stack);
  const formerPrefixes = formerResourcePrefixes(stack);
  const provider = awsProvider(`${prefix}-aws`, stackTags(config.tags), {
    aliases: formerPrefixes.map((former) => ({ name: `${former}-aws` })),
  });
  return new CalendlyWebhookReceiver(
    prefix,
    { ...config.receiver, signingKeys },
    // The children's names start with the component's: the engine aliases them along with it.
    { providers: [provider], aliases: formerPrefixes.map((former) => ({ name: former })) },
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
