/**
 * One signed AWS request for the two calls the receiver makes besides PutEvents: SSM GetParameter
 * (the signing keys) and S3 PutObject (the claim check).
 *
 * Hand-written on purpose, from the SDK's own parts: the request is signed by the SDK's SigV4
 * signer (`@smithy/signature-v4`) with the credentials, region, hash and HTTP handler (keep-alive
 * agent included) of the receiver's EventBridge client, so credentials resolve once, the same way,
 * for all three services. What is not taken from the SDK is the serialization of two simple
 * requests and endpoint naming. The full SSM and S3 clients cost 182 KB of the bundle for one call
 * each, more than doubled it against a hand-written handler, and slowed every cold start
 * (docs/benchmarks.md, "Receiver against the minimal peer"); both calls are checked against moto,
 * the AWS emulator, in `npm run test:moto`.
 *
 * Endpoints: `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` when set (as the SDK reads them,
 * unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else the regional endpoint, FIPS when
 * `AWS_USE_FIPS_ENDPOINT=true`. Other endpoint variants need an explicit endpoint URL.
 *
 * Retries, as the SDK's standard mode would: up to 3 attempts on network errors, 5xx, 429 and
 * throttling codes, with full-jitter backoff, never past the caller's abort signal.
 */
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Env } from "./config";

export type SignedService = "ssm" | "s3";

export interface AwsRequest {
  method: "GET" | "PUT" | "POST";
  /** Path after the endpoint's own path, starting with "/", already URI-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface AwsResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** An AWS error answer or a transport failure, named by AWS's error code (never quoting data). */
export interface AwsCallError extends Error {
  $metadata: { httpStatusCode?: number };
}

export function awsCallError(code: string, message: string, status?: number): AwsCallError {
  const error = new Error(message) as AwsCallError;
  error.name = code;
  error.$metadata = { httpStatusCode: status };
  return error;
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "RequestThrottled",
]);

/**
 * Whether an AWS call that failed may be tried again: the SDK said so (`$retryable`), no HTTP
 * answer came (network error, reset, timeout), a 5xx or 429, or one of AWS's throttling codes.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // The SDK's own errors carry `$retryable` (an object) when it judged them so.
  if ((error as { $retryable?: unknown }).$retryable) return true;
  const status = (error as Partial<AwsCallError>).$metadata?.httpStatusCode;
  if (status === undefined) return true; // no HTTP answer: network error, reset, timeout
  return status >= 500 || status === 429 || THROTTLING.has(error.name);
}

export const MAX_ATTEMPTS = 3;

/** The endpoint the SDK itself would use for `service` under `env`, or `undefined` for AWS's own. */
export function endpointOverride(env: Env, service: "EVENTBRIDGE" | "SSM" | "S3"): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true") return undefined;
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

/** `https://ssm.eu-west-1.amazonaws.com`, `https://s3-fips.us-east-1.amazonaws.com`, `….amazonaws.com.cn`. */
export function regionalEndpoint(env: Env, service: SignedService, region: string): string {
  const fips = env.AWS_USE_FIPS_ENDPOINT?.toLowerCase() === "true" ? "-fips" : "";
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://${service}${fips}.${region}.${suffix}`;
}

export interface CallOptions {
  abortSignal?: AbortSignal;
  /** Where to send the request, given the region. */
  endpoint: (region: string) => URL;
  /** The AWS error code an error answer carries (protocols differ: JSON `__type`, XML `<Code>`). */
  errorCode: (response: AwsResponse) => string | undefined;
}

/** Resolves to a 2xx answer; throws an `AwsCallError` (or the transport's error) otherwise. */
export type AwsCaller = (
  service: SignedService,
  request: AwsRequest,
  options: CallOptions,
) => Promise<AwsResponse>;

/** Signs and sends requests with `eventBridge()`'s credentials, region, hash and HTTP handler. */
export function createAwsCaller(eventBridge: () => EventBridgeClient): AwsCaller {
  const signers = new Map<SignedService, SignatureV4>();
  return async (service, request, { abortSignal, endpoint, errorCode }) => {
    const { config } = eventBridge();
    const region = await config.region();
    let signer = signers.get(service);
    if (signer === undefined) {
      signer = new SignatureV4({
        service,
        region,
        credentials: config.credentials,
        sha256: config.sha256,
        // S3 signs the path as sent; every other service double-encodes it.
        uriEscapePath: service !== "s3",
        // Adds x-amz-content-sha256, which S3 requires.
        applyChecksum: service === "s3",
      });
      signers.set(service, signer);
    }
    const url = endpoint(region);
    const basePath = url.pathname.replace(/\/+$/, "");
    for (let attempt = 1; ; attempt++) {
      try {
        const unsigned = new HttpRequest({
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port ? Number(url.port) : undefined,
          path: `${basePath}${request.path}`,
          headers: { host: url.host, ...request.headers },
          body: request.body,
        });
        const signed = await signer.sign(unsigned);
        const { response } = await config.requestHandler.handle(signed as HttpRequest, { abortSignal });
        const bytes = await config.streamCollector(response.body);
        const answer: AwsResponse = {
          status: response.statusCode,
          headers: response.headers,
          body: Buffer.from(bytes).toString("utf8"),
        };
        if (answer.status >= 200 && answer.status < 300) return answer;
        const code = errorCode(answer) || `Http${answer.status}`;
        throw awsCallError(code, `${service} answered ${answer.status} ${code}`, answer.status);
      } catch (error) {
        if (abortSignal?.aborted || attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
      await backoff(attempt, abortSignal);
    }
  };
}

function backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  const ms = Math.random() * Math.min(1000, 100 * 2 ** (attempt - 1));
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
