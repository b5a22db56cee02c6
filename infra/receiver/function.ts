/**
 * The receiver function: its log group (created first, with retention), its role (least
 * privilege, see policy.ts) and the Lambda itself (Node 22, arm64, the deterministic bundle).
 *
 * The environment holds names and settings only. The signing keys stay in the SSM parameter: the
 * function reads them by name, and a Lambda environment is visible to anyone who may read the
 * function's configuration.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ReceiverCode } from "./code";
import { LAMBDA_ASSUME_ROLE_POLICY, receiverPolicyDocument } from "./policy";

/** Calendly waits 15 s for an answer; the function must finish well before. */
export const RECEIVER_TIMEOUT_SECONDS = 10;

/** The `service` of the receiver's logs and metrics (its alarms name it). */
export function receiverServiceName(stack: string): string {
  return `calendly-receiver-${stack}`;
}

export interface ReceiverFunctionArgs {
  code: ReceiverCode;
  memoryMb: number;
  logRetentionDays: number;
  logLevel: string;
  signatureToleranceSeconds: number;
  busName: pulumi.Input<string>;
  busArn: pulumi.Input<string>;
  keyParameterName: pulumi.Input<string>;
  keyParameterArn: pulumi.Input<string>;
  claimCheckBucketName: pulumi.Input<string>;
  claimCheckBucketArn: pulumi.Input<string>;
}

export function receiverFunction(name: string, args: ReceiverFunctionArgs, parent: pulumi.Resource) {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-receiver-logs`,
    { retentionInDays: args.logRetentionDays },
    { parent },
  );
  const role = new aws.iam.Role(
    `${name}-receiver-role`,
    {
      description: `Runs ${name}'s Calendly webhook receiver`,
      assumeRolePolicy: JSON.stringify(LAMBDA_ASSUME_ROLE_POLICY),
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-receiver-policy`,
    {
      role: role.id,
      policy: pulumi
        .all([logGroup.arn, args.busArn, args.keyParameterArn, args.claimCheckBucketArn])
        .apply(([logGroupArn, busArn, keyParameterArn, claimCheckBucketArn]) =>
          JSON.stringify(
            receiverPolicyDocument({ logGroupArn, busArn, keyParameterArn, claimCheckBucketArn }),
          ),
        ),
    },
    { parent },
  );
  const fn = new aws.lambda.Function(
    `${name}-receiver`,
    {
      description: "Verifies Calendly webhook deliveries and puts them on the EventBridge bus",
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: args.code.handler,
      code: args.code.code,
      role: role.arn,
      memorySize: args.memoryMb,
      timeout: RECEIVER_TIMEOUT_SECONDS,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      environment: {
        variables: {
          EVENT_BUS_NAME: args.busName,
          CLAIM_CHECK_BUCKET: args.claimCheckBucketName,
          CALENDLY_SIGNING_KEY_PARAMETER: args.keyParameterName,
          SIGNATURE_TOLERANCE_SECONDS: String(args.signatureToleranceSeconds),
          POWERTOOLS_SERVICE_NAME: receiverServiceName(pulumi.getStack()),
          POWERTOOLS_LOG_LEVEL: args.logLevel,
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
    },
    // The policy first: the very first delivery must be able to read keys and put events.
    { parent, dependsOn: [policy] },
  );
  return { fn, role, rolePolicy: policy, logGroup };
}
