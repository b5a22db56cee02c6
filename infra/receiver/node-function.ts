/**
 * One Node.js Lambda as this stack deploys each of its functions (the receiver, the watchdog): its
 * own log group with retention, a role of its own with one inline policy, and the function (Node
 * 22, arm64, a bundle from code.ts, source maps on) created after that policy, so that its very
 * first invocation already has its permissions.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ReceiverCode } from "./code";
import { LAMBDA_ASSUME_ROLE_POLICY } from "./policy";

export interface NodeFunctionArgs {
  /** The function's description; the role's is `roleDescription`. */
  description: string;
  roleDescription: string;
  code: ReceiverCode;
  memoryMb: number;
  timeoutSeconds: number;
  logRetentionDays: number;
  /** The role's policy document (JSON), given the function's log group's ARN. */
  policy(logGroupArn: pulumi.Output<string>): pulumi.Input<string>;
  /** The environment, `NODE_OPTIONS` aside. */
  variables: Record<string, pulumi.Input<string>>;
}

/** The resources are named `<name>-logs`, `<name>-role`, `<name>-policy` and `<name>`. */
export function nodeFunction(name: string, args: NodeFunctionArgs, parent: pulumi.Resource) {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { retentionInDays: args.logRetentionDays },
    { parent },
  );
  const role = new aws.iam.Role(
    `${name}-role`,
    { description: args.roleDescription, assumeRolePolicy: JSON.stringify(LAMBDA_ASSUME_ROLE_POLICY) },
    { parent },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-policy`,
    { role: role.id, policy: args.policy(logGroup.arn) },
    { parent },
  );
  const fn = new aws.lambda.Function(
    name,
    {
      description: args.description,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: args.code.handler,
      code: args.code.code,
      role: role.arn,
      memorySize: args.memoryMb,
      timeout: args.timeoutSeconds,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      environment: { variables: { ...args.variables, NODE_OPTIONS: "--enable-source-maps" } },
    },
    { parent, dependsOn: [rolePolicy] },
  );
  return { fn, role, rolePolicy, logGroup };
}
