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

function clientConfig(env: Env): EventBridgeClientConfig {
  if (env === process.env) return {};
  const config: EventBridgeClientConfig = {};
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  const endpoint = endpointOverride(env, "EVENTBRIDGE");
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
      client ??= new EventBridgeClient(clientConfig(env));
      return client;
    },
  };
}
