/**
 * `InviteeDetailsConsumer`: the AWS side of the example consumer. An EventBridge rule on the
 * receiver's bus picks the invitee events, and a Lambda target (handler.ts, bundled with esbuild
 * at deploy time) fetches each invitee's details from Calendly.
 *
 *   receiver's bus ── rule: source "calendly", detail-type invitee.*, detail.validation "valid"
 *        │
 *        └──▶ Lambda (handler.ts) ── GET /scheduled_events/…/invitees/… ──▶ Calendly
 *               │  reads the token from an SSM SecureString, claim-checked bodies from S3
 *               └── after its retries, a failed event goes to an SQS failure queue
 *
 * The token follows the project's rule for the watchdog's (infra/receiver/watchdog.ts says why):
 * Pulumi owns the parameter's name, its policy and who is told where it is, never its value. The
 * component names the SecureString (`/<project>/<stack>/invitee-details/calendly-token` unless told
 * another), lets the function read it and tells the function its name; the value is written
 * outside the engine, from stdin, by the CLI:
 *
 *   printf '%s' "$INVITEE_DETAILS_TOKEN" | npx calendly-webhooks token put --stack dev \
 *     --parameter /calendly-webhooks/dev/invitee-details/calendly-token
 *
 * Use it in the stack's program or in a program of its own (with a StackReference to the stack's
 * `busName` and `claimCheckBucketName` outputs):
 *
 *   new InviteeDetailsConsumer("bookings-details", {
 *     busName: stack.busName,
 *     claimCheckBucketName: stack.claimCheckBucketName,
 *   });
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_ASSUME_ROLE_POLICY } from "../../infra/receiver/policy";
import { ssmParameterArn } from "../../infra/receiver/watchdog";
import { parameterNameProblem } from "../../infra/ssm-parameter-name";
import { tokenPutCommand } from "../../infra/watchdog-token";
import { buildLambdaBundle } from "../../lambda/build";
import { CLAIM_CHECK_PREFIX } from "../../lambda/claim-check";
import { EVENT_SOURCE } from "../../lambda/detail";
import { CALENDLY_CALL_DEADLINE_MS, INVITEE_EVENTS } from "./handler";

export type InviteeEvent = (typeof INVITEE_EVENTS)[number];

export const CONSUMER_TYPE = "calendly-webhooks:examples:InviteeDetailsConsumer";
const ENTRY_POINT = "examples/invitee-details/handler.ts";

/** Two Calendly calls with their retries, and some room. */
export const CONSUMER_TIMEOUT_SECONDS = Math.ceil((2 * CALENDLY_CALL_DEADLINE_MS) / 1000) + 10;

export interface InviteeDetailsConsumerArgs {
  /** The receiver's bus (the stack's `busName` output). */
  busName: pulumi.Input<string>;
  /** The receiver's claim-check bucket (the stack's `claimCheckBucketName` output). */
  claimCheckBucketName: pulumi.Input<string>;
  /**
   * The SSM SecureString holding a Calendly token with `scheduled_events:read` (default
   * `/<project>/<stack>/invitee-details/calendly-token`). The component never writes it: put the
   * token there with `calendly-webhooks token put --stack <stack> --parameter <name>`.
   */
  tokenParameterName?: string;
  /** Another Calendly API base URL (default Calendly's). */
  apiUrl?: pulumi.Input<string>;
  /** The events to consume; default every invitee event. */
  events?: readonly InviteeEvent[];
  /** Retries of a failed invocation before the event goes to the failure queue: 0, 1 or 2 (default). */
  retries?: number;
}

/**
 * The default parameter of the consumer's token: `/<project>/<stack>/invitee-details/calendly-token`,
 * beside the watchdog's `/<project>/<stack>/watchdog/calendly-token` (infra/watchdog-token.ts).
 */
export function inviteeDetailsTokenParameterName(project: string, stack: string): string {
  return `/${project}/${stack}/invitee-details/calendly-token`;
}

/** The command that puts (or rotates) the token in `parameter`, the token piped on stdin. */
export function inviteeDetailsTokenPutCommand(stack: string, parameter: string): string {
  return `printf '%s' "$INVITEE_DETAILS_TOKEN" | npx ${tokenPutCommand(stack)} --parameter ${parameter}`;
}

/**
 * The parameter's name, or a RunError before anything is declared: for the `calendlyToken` of
 * earlier versions of this example (a token in a resource input is stored in Pulumi's state), and
 * for a name SSM would refuse. Never echoes the token.
 */
function tokenParameterOf(name: string, args: InviteeDetailsConsumerArgs): string {
  const parameter =
    args.tokenParameterName ?? inviteeDetailsTokenParameterName(pulumi.getProject(), pulumi.getStack());
  if ("calendlyToken" in args) {
    throw new pulumi.RunError(
      `InviteeDetailsConsumer "${name}": args.calendlyToken is no longer taken: a token in a resource input is ` +
        "stored in Pulumi's state. Remove it (and its config key, e.g. `pulumi config rm inviteeDetailsToken`); " +
        `the function reads the token from SSM parameter ${parameter}: put it there with ` +
        `\`${inviteeDetailsTokenPutCommand(pulumi.getStack(), parameter)}\`. If the stack was deployed with it, ` +
        "its earlier states hold the token: replace it at Calendly too.",
    );
  }
  const problem = parameterNameProblem(parameter);
  if (problem) {
    throw new pulumi.RunError(`InviteeDetailsConsumer "${name}": args.tokenParameterName ${problem}`);
  }
  return parameter;
}

/** The rule's pattern: authentic invitee events whose payload has every field consumers rely on. */
export function inviteeEventPattern(events: readonly InviteeEvent[] = INVITEE_EVENTS) {
  return {
    source: [EVENT_SOURCE],
    "detail-type": [...events],
    detail: { validation: ["valid"] },
  };
}

/**
 * Bundles handler.ts into `<outdir>/index.js` (+ map) as the receiver is (the same byte for byte on
 * every machine, so the archive changes only with the code); returns the directory.
 */
export async function buildConsumerBundle(outdir: string): Promise<string> {
  const bundle = await buildLambdaBundle({ entryPoint: ENTRY_POINT, outdir, name: "index" });
  return path.dirname(bundle.entryFile);
}

export class InviteeDetailsConsumer extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly ruleArn: pulumi.Output<string>;
  /** Events the function could not handle after its retries land here. */
  readonly failureQueueUrl: pulumi.Output<string>;
  /** The SecureString the function reads its token from (put it there with `token put --parameter`). */
  readonly tokenParameterName: pulumi.Output<string>;

  constructor(name: string, args: InviteeDetailsConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component itself is declared: a refused program declares nothing.
    const tokenParameterName = tokenParameterOf(name, args);
    super(CONSUMER_TYPE, name, {}, opts);
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    // Named, not declared: no resource holds the parameter, so no state holds the token.
    const tokenParameterArn = ssmParameterArn(tokenParameterName, this);
    const failures = new aws.sqs.Queue(
      `${name}-failures`,
      { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true },
      { parent: this },
    );
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: 30 }, { parent: this });
    const role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: JSON.stringify(LAMBDA_ASSUME_ROLE_POLICY) },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([logGroup.arn, tokenParameterArn, failures.arn, partition, args.claimCheckBucketName])
          .apply(([logGroupArn, tokenArn, queueArn, awsPartition, bucket]) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: ["logs:CreateLogStream"], Resource: [`${logGroupArn}:*`] },
                { Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: [`${logGroupArn}:log-stream:*`] },
                // No kms:Decrypt, as for the watchdog (infra/receiver/policy.ts): `token put` writes
                // with the AWS-managed aws/ssm key, which any principal of the account may use
                // through SSM. A parameter under a key of your own needs kms:Decrypt on that key.
                { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [tokenArn] },
                {
                  Effect: "Allow",
                  Action: ["s3:GetObject"],
                  Resource: [`arn:${awsPartition}:s3:::${bucket}/${CLAIM_CHECK_PREFIX}*`],
                },
                // The on-failure destination is written with the function's own role.
                { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [queueArn] },
              ],
            }),
          ),
      },
      { parent: this },
    );
    const bundle = pulumi.output(
      buildConsumerBundle(path.posix.join("dist", "examples", pulumi.getStack(), name)),
    );
    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        description: "Fetches the details of invitees that Calendly's webhooks announce",
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code: bundle.apply((dir) => new pulumi.asset.FileArchive(dir)),
        role: role.arn,
        memorySize: 256,
        timeout: CONSUMER_TIMEOUT_SECONDS,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        environment: {
          variables: {
            CALENDLY_TOKEN_PARAMETER: tokenParameterName,
            CALENDLY_STACK: pulumi.getStack(),
            ...(args.apiUrl === undefined ? {} : { CALENDLY_API_URL: args.apiUrl }),
            NODE_OPTIONS: "--enable-source-maps",
          },
        },
      },
      { parent: this, dependsOn: [policy] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-retries`,
      {
        functionName: fn.name,
        maximumRetryAttempts: args.retries ?? 2,
        maximumEventAgeInSeconds: 6 * 3600,
        destinationConfig: { onFailure: { destination: failures.arn } },
      },
      { parent: this },
    );

    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        eventBusName: args.busName,
        description: "Invitee events for the invitee-details consumer",
        eventPattern: JSON.stringify(inviteeEventPattern(args.events)),
      },
      { parent: this },
    );
    const permission = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      { parent: this },
    );
    // Events EventBridge itself cannot deliver (the function throttled or gone) also end up in
    // the failure queue, which must let EventBridge write, for this rule only.
    const queuePolicy = new aws.sqs.QueuePolicy(
      `${name}-failures-policy`,
      {
        queueUrl: failures.url,
        policy: pulumi.all([failures.arn, rule.arn]).apply(([queueArn, ruleArn]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
              },
            ],
          }),
        ),
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        rule: rule.name,
        eventBusName: args.busName,
        arn: fn.arn,
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 6 * 3600 },
        deadLetterConfig: { arn: failures.arn },
      },
      { parent: this, dependsOn: [permission, queuePolicy] },
    );

    this.functionName = fn.name;
    this.ruleArn = rule.arn;
    this.failureQueueUrl = failures.url;
    this.tokenParameterName = pulumi.output(tokenParameterName);
    this.registerOutputs({
      functionName: this.functionName,
      ruleArn: this.ruleArn,
      failureQueueUrl: this.failureQueueUrl,
      tokenParameterName: this.tokenParameterName,
    });
  }
}
