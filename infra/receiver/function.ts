/**
 * The receiver function: its log group, its role (least privilege, see policy.ts) and the Lambda
 * itself, deployed as every function of the stack is (node-function.ts).
 *
 * The environment holds names and settings only. The signing keys stay in the SSM parameter: the
 * function reads them by name, and a Lambda environment is visible to anyone who may read the
 * function's configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ReceiverCode } from "./code";
import { nodeFunction } from "./node-function";
import { receiverPolicyDocument } from "./policy";

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
  return nodeFunction(
    `${name}-receiver`,
    {
      description: "Verifies Calendly webhook deliveries and puts them on the EventBridge bus",
      roleDescription: `Runs ${name}'s Calendly webhook receiver`,
      code: args.code,
      memoryMb: args.memoryMb,
      timeoutSeconds: RECEIVER_TIMEOUT_SECONDS,
      logRetentionDays: args.logRetentionDays,
      policy: (logGroupArn) =>
        pulumi
          .all([logGroupArn, args.busArn, args.keyParameterArn, args.claimCheckBucketArn])
          .apply(([logGroupArn, busArn, keyParameterArn, claimCheckBucketArn]) =>
            JSON.stringify(
              receiverPolicyDocument({ logGroupArn, busArn, keyParameterArn, claimCheckBucketArn }),
            ),
          ),
      variables: {
        EVENT_BUS_NAME: args.busName,
        CLAIM_CHECK_BUCKET: args.claimCheckBucketName,
        CALENDLY_SIGNING_KEY_PARAMETER: args.keyParameterName,
        SIGNATURE_TOLERANCE_SECONDS: String(args.signatureToleranceSeconds),
        POWERTOOLS_SERVICE_NAME: receiverServiceName(pulumi.getStack()),
        POWERTOOLS_LOG_LEVEL: args.logLevel,
      },
    },
    parent,
  );
}
