/**
 * SSM Parameter Store's GetParameter with decryption, over AWS JSON 1.1 (`X-Amz-Target:
 * AmazonSSM.GetParameter`), sent by aws-request.ts (why not the SSM client: see there). The answer
 * is checked with zod like any other boundary.
 */
import * as z from "zod/mini";
import { type AwsCaller, awsCallError, endpointOverride, regionalEndpoint } from "./aws-request";
import type { Env } from "./config";

const GetParameterResult = z.object({
  Parameter: z.object({ Value: z.string() }),
});

/** `__type` may be `ParameterNotFound` or `com.amazonaws.ssm#ParameterNotFound`. */
export function jsonErrorCode(body: string, header: string | undefined): string | undefined {
  const fromHeader = header?.split(":")[0];
  if (fromHeader) return fromHeader;
  try {
    const type = (JSON.parse(body) as { __type?: unknown }).__type;
    return typeof type === "string" ? type.split("#").pop() : undefined;
  } catch {
    return undefined;
  }
}

export type ParameterReader = (name: string, abortSignal?: AbortSignal) => Promise<string>;

/** Reads a parameter's value, decrypted (a SecureString's plain text). */
export function createParameterReader(call: AwsCaller, env: Env): ParameterReader {
  const override = endpointOverride(env, "SSM");
  return async (name, abortSignal) => {
    const response = await call(
      "ssm",
      {
        method: "POST",
        path: "/",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AmazonSSM.GetParameter",
        },
        body: JSON.stringify({ Name: name, WithDecryption: true }),
      },
      {
        abortSignal,
        endpoint: (region) => new URL(override ?? regionalEndpoint(env, "ssm", region)),
        errorCode: (answer) => jsonErrorCode(answer.body, answer.headers["x-amzn-errortype"]),
      },
    );
    let value: unknown;
    try {
      value = JSON.parse(response.body);
    } catch {
      throw awsCallError(
        "UnreadableAnswer",
        "GetParameter answered something other than JSON",
        response.status,
      );
    }
    const parsed = GetParameterResult.safeParse(value);
    if (!parsed.success) {
      throw awsCallError(
        "UnreadableAnswer",
        "GetParameter answered without Parameter.Value",
        response.status,
      );
    }
    return parsed.data.Parameter.Value;
  };
}
