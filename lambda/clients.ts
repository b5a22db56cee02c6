/**
 * The EventBridge client, built lazily once per receiver (so once per Lambda container), never at
 * module load: importing the handler must not need a region or credentials, and tests point each
 * receiver at their own stubs. SSM and S3 requests reuse its credentials, region and HTTP handler
 * (aws-request.ts).
 *
 * On Lambda the environment is `process.env` and the SDK reads `AWS_ENDPOINT_URL_<SERVICE>`,
 * `AWS_REGION` and credentials from it natively. A receiver built over another environment (the
 * local server can run several receivers in one process) gets the same settings passed explicitly.
 */
import { EventBridgeClient, type EventBridgeClientConfig } from "@aws-sdk/client-eventbridge";
import { endpointOverride } from "./aws-request";
import type { Env } from "./config";

export { endpointOverride } from "./aws-request";

export interface AwsClients {
  eventBridge(): EventBridgeClient;
}

type ServiceKey = "EVENTBRIDGE" | "S3" | "SSM";

export interface CommonConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Region, endpoint override and credentials for one service's SDK client built over `env`
 * (nothing over `process.env`: the SDK reads that itself). Shared by every client built here, the
 * watchdog's and the example consumer's.
 */
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

export function createAwsClients(env: Env): AwsClients {
  let client: EventBridgeClient | undefined;
  return {
    eventBridge: () => {
      client ??= new EventBridgeClient(commonConfig(env, "EVENTBRIDGE") as EventBridgeClientConfig);
      return client;
    },
  };
}
