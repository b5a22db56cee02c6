/**
 * The watchdog (lambda/watchdog.ts) on AWS: the Calendly token in an SSM SecureString, the
 * function with its own log group and least-privilege role, and a scheduled EventBridge rule
 * that invokes it.
 *
 * The role may read only the token parameter and write only its own log group; the metrics are
 * embedded in the log lines (CloudWatch's embedded metric format), so no `cloudwatch:*` grant.
 * A scheduled rule rather than EventBridge Scheduler: it needs no role of its own to invoke
 * the function, only the permission below, and scheduled rules are free.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ReceiverCode } from "./code";
import { nodeFunction } from "./node-function";
import { ownLogStatements, type PolicyDocument } from "./policy";

/** The watchdog makes one GET per subscription; 60 s leaves room for a rate-limit wait. */
export const WATCHDOG_TIMEOUT_SECONDS = 60;
/** Seconds of the timeout the watchdog keeps for itself (WATCHDOG_DEADLINE_SECONDS). */
export const WATCHDOG_DEADLINE_SECONDS = 45;
export const WATCHDOG_MEMORY_MB = 256;

export interface WatchdogArgs {
  code: ReceiverCode;
  /** The token, as a secret; written to the parameter only. */
  token: pulumi.Input<string>;
  /** Subscription name → its URI (WATCHED_SUBSCRIPTIONS). */
  watched: pulumi.Input<Record<string, pulumi.Input<string>>>;
  apiUrl?: string;
  schedule: string;
  intervalMinutes: number;
  retryingWindowHours: number;
  logRetentionDays: number;
  logLevel: string;
  serviceName: string;
}

/** The `service` of the watchdog's logs and metrics (its alarms name it). */
export function watchdogServiceName(stack: string): string {
  return `calendly-watchdog-${stack}`;
}

export function watchdogPolicyDocument(t: {
  logGroupArn: string;
  tokenParameterArn: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...ownLogStatements(t.logGroupArn),
      {
        Sid: "ReadOwnCalendlyToken",
        Effect: "Allow",
        Action: ["ssm:GetParameter"],
        Resource: [t.tokenParameterArn],
      },
    ],
  };
}

export function receiverWatchdog(name: string, args: WatchdogArgs, parent: pulumi.Resource) {
  const stack = pulumi.getStack();
  const tokenParameter = new aws.ssm.Parameter(
    `${name}-calendly-token`,
    {
      name: `/${pulumi.getProject()}/${stack}/calendly-token`,
      description: "The Calendly token the watchdog checks the subscriptions with (from calendly:token)",
      type: "SecureString",
      // aws/ssm, the AWS-managed key: as for the signing keys, no KMS grant is needed.
      value: pulumi.secret(args.token),
    },
    { parent },
  );
  const { fn, role, rolePolicy, logGroup } = nodeFunction(
    `${name}-watchdog`,
    {
      description: "Checks the stack's Calendly webhook subscriptions and emits the metrics its alarms watch",
      roleDescription: `Runs ${name}'s Calendly subscription watchdog`,
      code: args.code,
      memoryMb: WATCHDOG_MEMORY_MB,
      timeoutSeconds: WATCHDOG_TIMEOUT_SECONDS,
      logRetentionDays: args.logRetentionDays,
      policy: (logGroupArn) =>
        pulumi
          .all([logGroupArn, tokenParameter.arn])
          .apply(([logGroupArn, tokenParameterArn]) =>
            JSON.stringify(watchdogPolicyDocument({ logGroupArn, tokenParameterArn })),
          ),
      variables: {
        WATCHED_SUBSCRIPTIONS: pulumi.output(args.watched).apply((watched) => JSON.stringify(watched)),
        CALENDLY_TOKEN_PARAMETER: tokenParameter.name,
        ...(args.apiUrl ? { CALENDLY_API_URL: args.apiUrl } : {}),
        RETRYING_WINDOW_SECONDS: String(args.retryingWindowHours * 3600),
        WATCHDOG_DEADLINE_SECONDS: String(WATCHDOG_DEADLINE_SECONDS),
        POWERTOOLS_SERVICE_NAME: args.serviceName,
        POWERTOOLS_LOG_LEVEL: args.logLevel,
      },
    },
    parent,
  );
  // A pass that failed is not retried: the next one comes at the next interval, and a retried
  // pass would only repeat its Calendly calls.
  const invokeConfig = new aws.lambda.FunctionEventInvokeConfig(
    `${name}-watchdog-invoke-config`,
    {
      functionName: fn.name,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: Math.min(Math.max(args.intervalMinutes * 60, 60), 21_600),
    },
    { parent },
  );
  const rule = new aws.cloudwatch.EventRule(
    `${name}-watchdog-schedule`,
    {
      description: `Runs ${name}'s Calendly subscription watchdog, ${args.schedule}`,
      scheduleExpression: args.schedule,
    },
    { parent },
  );
  const permission = new aws.lambda.Permission(
    `${name}-watchdog-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: fn.name,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    },
    { parent },
  );
  const target = new aws.cloudwatch.EventTarget(
    `${name}-watchdog-target`,
    {
      rule: rule.name,
      arn: fn.arn,
      retryPolicy: {
        maximumEventAgeInSeconds: Math.min(Math.max(args.intervalMinutes * 60, 60), 86_400),
        maximumRetryAttempts: 2,
      },
    },
    { parent, dependsOn: [permission] },
  );
  return {
    tokenParameter,
    logGroup,
    role,
    rolePolicy,
    fn,
    invokeConfig,
    schedule: rule,
    permission,
    target,
  };
}
