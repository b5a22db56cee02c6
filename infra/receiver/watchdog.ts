/**
 * The watchdog (lambda/watchdog.ts) on AWS: the function with its own log group and
 * least-privilege role, and a scheduled EventBridge rule that invokes it. It reads the Calendly
 * token from an SSM SecureString that the stack names and lets it read, but does not hold.
 *
 * The role may read only the token parameter and write only its own log group; the metrics are
 * embedded in the log lines (CloudWatch's embedded metric format), so no `cloudwatch:*` grant.
 * A scheduled rule rather than EventBridge Scheduler: it needs no role of its own to invoke
 * the function, only the permission below, and scheduled rules are free.
 *
 * Why the token parameter is not a Pulumi resource. Pulumi owns its name (infra/watchdog-token.ts), who
 * may read it (the policy below) and who is told where it is (the function's environment); the
 * value is written by `calendly-webhooks token put`, outside the engine. Any resource holding it
 * would put the token into the state, which every preview job (pull-request code) can decrypt:
 * - as an input, `value: <token>`: what releases up to 0.2.0 did (issue 19);
 * - as an output, even created with a placeholder and `ignoreChanges: ["value"]`: pulumi-aws's
 *   read of an `aws.ssm.Parameter` (terraform-provider-aws, internal/service/ssm/parameter.go,
 *   resourceParameterRead) calls GetParameter with decryption and stores the value it finds, so
 *   the first `pulumi refresh` after `token put` (the deploy workflow refreshes before every
 *   `up`) would copy the token into the state; and a stack that held the token as an input keeps
 *   it there, since ignoreChanges keeps the old input. (`valueWo`, the write-only variant, relies
 *   on the bridge's new write-only support, whose refresh cannot be checked here.)
 * So the parameter is made by `token put` (which tags it) and removed by `token delete`, and no
 * engine run (preview, up, refresh, destroy) ever reads or writes it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { watchdogTokenParameterName } from "../watchdog-token";
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

/**
 * The ARN of the SSM parameter `name` (`/a/b`) in the account and region of `parent`'s AWS
 * provider: what the policy grants, computed rather than read from a resource (there is none).
 */
export function ssmParameterArn(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const opts = { parent };
  return pulumi
    .all([
      aws.getPartitionOutput({}, opts),
      aws.getRegionOutput({}, opts),
      aws.getCallerIdentityOutput({}, opts),
    ])
    .apply(
      ([partition, region, caller]) =>
        `arn:${partition.partition}:ssm:${region.region}:${caller.accountId}:parameter/${name.replace(/^\//, "")}`,
    );
}

export function receiverWatchdog(name: string, args: WatchdogArgs, parent: pulumi.Resource) {
  const tokenParameterName = watchdogTokenParameterName(pulumi.getProject(), pulumi.getStack());
  const tokenParameterArn = ssmParameterArn(tokenParameterName, parent);
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
          .all([logGroupArn, tokenParameterArn])
          .apply(([logGroupArn, tokenParameterArn]) =>
            JSON.stringify(watchdogPolicyDocument({ logGroupArn, tokenParameterArn })),
          ),
      variables: {
        WATCHED_SUBSCRIPTIONS: pulumi.output(args.watched).apply((watched) => JSON.stringify(watched)),
        CALENDLY_TOKEN_PARAMETER: tokenParameterName,
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
    tokenParameterName,
    tokenParameterArn,
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
