/**
 * The environment every benchmarked receiver (ours and the peer) is configured with, as a Lambda
 * function's would be: one place, so that both sides of every comparison run with the same one.
 */
import { LAMBDA_HANDLER } from "../lambda/build";

/** The function's own configuration: bus, bucket, region and (fake) credentials. */
export const FUNCTION_ENV = {
  EVENT_BUS_NAME: "bench",
  CLAIM_CHECK_BUCKET: "bench",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
} as const;

/**
 * A child process's whole environment: only what the function is configured with, nothing of
 * ours (no inherited variables), plus `extra` (endpoints, keys, the bench's own settings).
 */
export function functionProcessEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_OPTIONS: "--enable-source-maps",
    BENCH_EXPORT: LAMBDA_HANDLER.split(".")[1]!,
    ...FUNCTION_ENV,
    ...extra,
  };
}
