/**
 * "Never silently disabled": the watchdog and the alarms of a deployed receiver, children of its
 * component. Created after the subscriptions, whose URIs the watchdog watches.
 */
import * as pulumi from "@pulumi/pulumi";
import type { WebhookSubscription } from "pulumi-calendly";
import type { MonitoringConfig } from "../monitoring-config";
import { monitoringAlarms } from "./alarms";
import { watchdogCode } from "./code";
import { receiverServiceName } from "./function";
import type { CalendlyWebhookReceiver } from "./index";
import { receiverWatchdog, watchdogServiceName } from "./watchdog";

export interface MonitoringArgs {
  config: MonitoringConfig;
  subscriptions: ReadonlyMap<string, WebhookSubscription>;
  logRetentionDays: number;
  logLevel: string;
}

/** Only used in a preview without a token (`pulumi up` refuses to run without one). */
const PREVIEW_TOKEN_PLACEHOLDER = "calendly:token is not set";

/**
 * The token the provider uses, for the watchdog's parameter: `calendly:token` (a secret), else
 * CALENDLY_TOKEN, as the provider falls back to it. Never read into plain text.
 */
export function watchdogToken(): pulumi.Output<string> {
  const configured = new pulumi.Config("calendly").getSecret("token");
  if (configured !== undefined) return configured;
  return pulumi.secret(process.env.CALENDLY_TOKEN || PREVIEW_TOKEN_PLACEHOLDER);
}

/** `name` is the receiver's (the stack's resource prefix); every resource is the receiver's child. */
export function monitorReceiver(name: string, receiver: CalendlyWebhookReceiver, args: MonitoringArgs) {
  const stack = pulumi.getStack();
  const watched = Object.fromEntries(
    [...args.subscriptions].map(([subscription, s]) => [subscription, s.uri]),
  );
  const apiUrl = new pulumi.Config("calendly").get("apiUrl");
  const watchdog = receiverWatchdog(
    name,
    {
      code: watchdogCode(stack),
      token: watchdogToken(),
      watched,
      apiUrl: apiUrl || undefined,
      schedule: args.config.schedule,
      intervalMinutes: args.config.intervalMinutes,
      retryingWindowHours: args.config.retryingWindowHours,
      logRetentionDays: args.logRetentionDays,
      logLevel: args.logLevel,
      serviceName: watchdogServiceName(stack),
    },
    receiver,
  );
  const alarms = monitoringAlarms(
    name,
    {
      config: args.config,
      subscriptionNames: [...args.subscriptions.keys()],
      watchdogServiceName: watchdogServiceName(stack),
      receiverServiceName: receiverServiceName(stack),
      receiverFunctionName: receiver.functionName,
    },
    receiver,
  );
  return { watchdog, alarms };
}
