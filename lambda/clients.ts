/**
 * AWS SDK v3 clients, built lazily once per receiver (so once per Lambda container), never at
 * module load: importing the handler must not need a region or credentials, and tests point each
 * receiver at their own stubs.
 *
 * On Lambda the environment is `process.env` and the SDK reads `AWS_ENDPOINT_URL_<SERVICE>`,
 * `AWS_REGION` and credentials from it natively. A receiver built over another environment (the
 * local server can run several receivers in one process) gets the same settings passed explicitly.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Env } from "./config";

export interface AwsClients {
  eventBridge(): EventBridgeClient;
  s3(): S3Client;
  ssm(): SSMClient;
}

type ServiceKey = "EVENTBRIDGE" | "S3" | "SSM";

/** The endpoint override the SDK itself would use: the service's variable, then the global one. */
export function endpointOverride(env: Env, service: ServiceKey): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

interface CommonConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Region, endpoint override and credentials for one service's client built over `env`. */
export function commonConfig(env: Env, service: ServiceKey): CommonConfig {
  if (env === process.env) return {};
  const config: CommonConfig = {};
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  const endpoint = endpointOverride(env, service);
  if (endpoint) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return config;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export function createAwsClients(env: Env): AwsClients {
  return {
    eventBridge: once(() => new EventBridgeClient(commonConfig(env, "EVENTBRIDGE"))),
    // Path-style only with an endpoint override: a local stub on "localhost:port" cannot serve
    // "<bucket>.localhost". Real S3 keeps the default (virtual-hosted) addressing.
    s3: once(
      () =>
        new S3Client({
          ...commonConfig(env, "S3"),
          ...(endpointOverride(env, "S3") ? { forcePathStyle: true } : {}),
        }),
    ),
    ssm: once(() => new SSMClient(commonConfig(env, "SSM"))),
  };
}
