/**
 * The receiver Lambda's permissions, as a plain IAM policy document: exactly what the handler
 * calls, each on the one resource it calls it on. No `*` action and no `*` resource; the only
 * wildcards are trailing ones inside a resource this stack owns (its log group's streams, its
 * bucket's claim-check prefix), which IAM offers no narrower way to name.
 *
 * No `kms:Decrypt`: the parameter is encrypted with the AWS-managed `aws/ssm` key, whose key
 * policy lets any principal of the account use it through SSM; `ssm:GetParameter` on the
 * parameter is the whole grant.
 */
import { CLAIM_CHECK_PREFIX } from "../../lambda/claim-check";

export interface ReceiverPolicyTargets {
  /** The function's own log group (ARN without a trailing `:*`). */
  logGroupArn: string;
  busArn: string;
  keyParameterArn: string;
  claimCheckBucketArn: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** A function's own log group: create its streams and write to them (ARN without a trailing `:*`). */
export function ownLogStatements(logGroup: string): PolicyStatement[] {
  const logGroupArn = logGroup.replace(/:\*$/, "");
  return [
    {
      // The form AWS documents for a function's log group: the group and everything in it.
      Sid: "CreateOwnLogStreams",
      Effect: "Allow",
      Action: ["logs:CreateLogStream"],
      Resource: [`${logGroupArn}:*`],
    },
    {
      Sid: "WriteOwnLogStreams",
      Effect: "Allow",
      Action: ["logs:PutLogEvents"],
      Resource: [`${logGroupArn}:log-stream:*`],
    },
  ];
}

export function receiverPolicyDocument(t: ReceiverPolicyTargets): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...ownLogStatements(t.logGroupArn),
      { Sid: "PutEventsOnOwnBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: [t.busArn] },
      {
        Sid: "ReadOwnSigningKeys",
        Effect: "Allow",
        Action: ["ssm:GetParameter"],
        Resource: [t.keyParameterArn],
      },
      {
        Sid: "WriteClaimChecks",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`${t.claimCheckBucketArn}/${CLAIM_CHECK_PREFIX}*`],
      },
    ],
  };
}

/** Lambda may assume the role; nothing else may. */
export const LAMBDA_ASSUME_ROLE_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
} as const;
