/**
 * The receiver: an API Gateway HTTP API (payload format 2.0) Lambda that accepts only genuine
 * Calendly deliveries and puts each one on an EventBridge bus.
 *
 * Flow: method (405) → configuration (500) → signature header's shape and timestamp (401, before any
 * key is read) → keys (503 if they cannot be read in time, or there is none) → HMAC (401) → body:
 * an envelope is validated (marks only) and forwarded with its bytes (`rawBody`); anything else
 * authentic (not JSON, not an envelope, above the size limit) is stored whole and forwarded as an
 * unparsed delivery → 200, or 503 if forwarding failed. One deadline (deadline.ts) bounds all the
 * waiting of a delivery, key reading included. Around it, one guard: whatever throws or whatever
 * status escapes becomes a 500, never a 3xx and never a 410, which would make Calendly delete the
 * subscription.
 *
 * `createReceiver(env)` builds an independent receiver (the local server and tests use it);
 * `handler` is Lambda's entry point over `process.env`, built on first use once per container.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { createAwsCaller } from "./aws-request";
import { createClaimCheck } from "./claim-check";
import { type AwsClients, createAwsClients } from "./clients";
import { ConfigError, type Env, loadConfig, type ReceiverConfig } from "./config";
import { createDeadline, type Deadline } from "./deadline";
import { type CalendlyEventDetail, deliveryId, type UnparsedReason } from "./detail";
import { createForwarder, type Forwarder, type ForwardResult } from "./forward";
import { createObservability, type DeliveryLog } from "./observability";
import { guardResponse, type ReceiverResponse, responses } from "./responses";
import { SigningKeysFormatError } from "./signing-key-list";
import {
  createKeySource,
  type SigningKeySource,
  type SigningKeysFailure,
  SigningKeysUnavailableError,
} from "./signing-key-source";
import { createParameterReader } from "./ssm";
import { subscriptionName } from "./subscription-name";
import { parseEnvelope, validatePayload } from "./validation";
import { verifyDelivery } from "./verify";

export type {
  CalendlyEventDetail,
  PayloadRef,
  UnparsedDeliveryDetail,
  UnparsedReason,
  ValidationMarker,
} from "./detail";
export { UNPARSED_DETAIL_TYPE } from "./detail";

/**
 * Milliseconds of the function's own remaining time kept for answering and writing the log line:
 * the deadline never runs closer than this to the Lambda timeout.
 */
export const ANSWER_RESERVE_MS = 200;

/** The log `reason` of a delivery that got no keys. */
const KEYS_FAILURE_REASON: Record<SigningKeysFailure, string> = {
  unavailable: "keys_unavailable",
  deadline: "keys_deadline",
  empty: "no_signing_keys",
};

export interface Receiver {
  handle(event: APIGatewayProxyEventV2, context?: Context): Promise<ReceiverResponse>;
}

export interface ReceiverOptions {
  /** The environment to configure from; default `process.env`. */
  env?: Env;
  /** Prebuilt AWS clients (e.g. with a custom request handler in the benchmark). */
  clients?: Partial<AwsClients>;
}

interface Ready {
  config: ReceiverConfig;
  keys: SigningKeySource;
  forwarder: Forwarder;
}

export function createReceiver(options: ReceiverOptions = {}): Receiver {
  const env = options.env ?? process.env;
  const observability = createObservability(env);
  const defaults = createAwsClients(env);
  const clients: AwsClients = { ...defaults, ...options.clients };
  const callAws = createAwsCaller(clients.eventBridge);
  let ready: Ready | ConfigError | undefined;

  // Configuration is read on the first delivery, not at import, so a bad value answers 500 with a
  // log line naming the variable instead of crashing the container at init.
  const prepare = (): Ready | ConfigError => {
    if (ready !== undefined) return ready;
    try {
      const config = loadConfig(env);
      const keys = createKeySource(config.signingKeys, {
        readParameter: createParameterReader(callAws, env),
        refreshSeconds: config.keysRefreshSeconds,
        maxAgeSeconds: config.keysMaxAgeSeconds,
        onRefreshError: (error) =>
          observability.logger.warn("signing key refresh failed; keeping the cached keys", {
            error: error instanceof Error ? error.message : String(error),
          }),
      });
      if (config.signingKeys.source === "none") {
        observability.logger.error(
          "no signing key configured: every delivery fails (503); set CALENDLY_SIGNING_KEY_PARAMETER (AWS) or CALENDLY_SIGNING_KEYS (local)",
        );
      }
      const forwarder = createForwarder({
        eventBridge: clients.eventBridge,
        claimCheck: createClaimCheck(callAws, env, config.claimCheckBucket),
        eventBusName: config.eventBusName,
        maxEntryBytes: config.maxEntryBytes,
      });
      ready = { config, keys, forwarder };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      ready = error;
    }
    return ready;
  };

  async function flow(
    event: APIGatewayProxyEventV2,
    log: DeliveryLog,
    startedAt: number,
    context: Context | undefined,
  ): Promise<ReceiverResponse> {
    const method = event.requestContext?.http?.method ?? "";
    if (method !== "POST") {
      Object.assign(log, { outcome: "rejected", reason: "method_not_allowed" });
      return responses.methodNotAllowed();
    }

    const state = prepare();
    if (state instanceof ConfigError) {
      Object.assign(log, { outcome: "failed", reason: "config_error", errorCode: state.message });
      return responses.internalError();
    }
    // From the delivery's arrival, and never past the function's own timeout.
    let at = startedAt + state.config.deliveryDeadlineMs;
    if (typeof context?.getRemainingTimeInMillis === "function") {
      at = Math.min(at, Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS);
    }
    const deadline = createDeadline(at);
    try {
      return await verifyAndForward(event, log, startedAt, state, deadline);
    } finally {
      deadline.dispose();
    }
  }

  /** A POST to a configured receiver, within `deadline`. */
  async function verifyAndForward(
    event: APIGatewayProxyEventV2,
    log: DeliveryLog,
    startedAt: number,
    { config, keys, forwarder }: Ready,
    deadline: Deadline,
  ): Promise<ReceiverResponse> {
    let check: Awaited<ReturnType<typeof verifyDelivery>>;
    let body: Uint8Array | undefined;
    try {
      check = await verifyDelivery({
        headers: event.headers,
        body: () => {
          body = readBody(event);
          return body;
        },
        keys,
        deadline,
        toleranceSeconds: config.toleranceSeconds,
        futureSkewSeconds: config.futureSkewSeconds,
      });
    } catch (error) {
      if (!(error instanceof SigningKeysUnavailableError || error instanceof SigningKeysFormatError)) {
        throw error;
      }
      const reason =
        error instanceof SigningKeysUnavailableError
          ? KEYS_FAILURE_REASON[error.failure]
          : "keys_unavailable";
      Object.assign(log, { outcome: "failed", reason, errorCode: error.message });
      return responses.unavailable();
    }
    log.keysRefreshed = check.refreshed;
    if (!check.ok || body === undefined) {
      const reason = check.ok ? "missing" : check.reason;
      Object.assign(log, { outcome: "rejected", reason });
      if (!check.ok && check.ageSeconds !== undefined) log.signatureAgeSeconds = check.ageSeconds;
      return responses.unauthorized();
    }
    log.bodyBytes = body.byteLength;
    // Authentic, so the URL is one we registered: its subscription name can be a metric dimension.
    log.subscription = subscriptionName(event);

    // From here on the body is Calendly's: it is kept whatever it holds.
    const id = deliveryId(body);
    log.dedupeId = id;
    const receivedAt = new Date(startedAt).toISOString();
    // Above the limit the body is not parsed (JSON.parse of megabytes would hold the container).
    const parsed =
      body.byteLength > config.maxBodyBytes
        ? ({ ok: false, reason: "too_large", issues: [] as string[] } as const)
        : parseEnvelope(body);
    let forwarded: ForwardResult;
    if (!parsed.ok) {
      const unparsed: UnparsedReason = parsed.reason;
      Object.assign(log, { unparsed, ...(parsed.issues.length > 0 ? { issues: parsed.issues } : {}) });
      forwarded = await forwarder.forwardUnparsed(
        {
          id,
          unparsed,
          ...(parsed.issues.length > 0 ? { issues: parsed.issues } : {}),
          bodyBytes: body.byteLength,
          receivedAt,
        },
        body,
        deadline,
      );
    } else {
      const { envelope, text } = parsed;
      const validation = validatePayload(envelope);
      Object.assign(log, {
        event: envelope.event,
        validation: validation.validation,
        issues: validation.issues,
      });
      const { event: name, created_at, created_by, payload, ...extra } = envelope;
      const detail: CalendlyEventDetail = {
        id,
        event: name,
        createdAt: created_at,
        createdBy: created_by,
        payload,
        rawBody: text,
        ...(Object.keys(extra).length > 0 ? { envelopeExtra: extra } : {}),
        receivedAt,
        validation: validation.validation,
        ...(validation.issues ? { issues: validation.issues } : {}),
      };
      forwarded = await forwarder.forward(detail, body, deadline);
    }
    Object.assign(log, { attempts: forwarded.attempts, claimChecked: forwarded.claimChecked });
    if (!forwarded.ok) {
      Object.assign(log, {
        outcome: "failed",
        reason:
          forwarded.failure === "claim_check_failed" ? "claim_check_failed" : `forward_${forwarded.failure}`,
        errorCode: forwarded.errorCode,
      });
      return responses.unavailable();
    }
    log.outcome = "accepted";
    return responses.accepted(id);
  }

  return {
    async handle(event, context) {
      const startedAt = Date.now();
      const log: DeliveryLog = {
        requestId: event?.requestContext?.requestId ?? context?.awsRequestId,
        outcome: "failed",
        status: 500,
        latencyMs: 0,
      };
      let response: ReceiverResponse;
      try {
        if (context) observability.logger.addContext(context);
        response = guardResponse(await flow(event, log, startedAt, context));
      } catch (error) {
        // The edge guard: an unexpected error is ours, not the sender's. Name and stack only: a
        // message could quote input.
        Object.assign(log, {
          outcome: "failed",
          reason: "internal_error",
          errorCode: error instanceof Error ? error.name : typeof error,
        });
        observability.logger.error("unexpected error", {
          requestId: log.requestId,
          errorName: error instanceof Error ? error.name : typeof error,
          stack: error instanceof Error ? stackWithoutMessage(error) : undefined,
        });
        response = responses.internalError();
      }
      try {
        // Completed in place and logged as is: no copy of the log per delivery.
        log.status = response.statusCode;
        log.latencyMs = Date.now() - startedAt;
        observability.delivery(log);
      } catch {
        // Logging must never change the answer.
      }
      return response;
    },
  };
}

/** The raw body bytes, base64-decoded when API Gateway encoded them. */
function readBody(event: APIGatewayProxyEventV2): Uint8Array {
  const text = typeof event.body === "string" ? event.body : "";
  return Buffer.from(text, event.isBase64Encoded ? "base64" : "utf8");
}

function stackWithoutMessage(error: Error): string | undefined {
  const lines = error.stack?.split("\n") ?? [];
  return lines.filter((line) => line.trimStart().startsWith("at ")).join("\n") || undefined;
}

let defaultReceiver: Receiver | undefined;

/** Lambda's entry point (handler string `handler.handler` in the bundle). */
export async function handler(
  event: APIGatewayProxyEventV2,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    defaultReceiver ??= createReceiver();
    return await defaultReceiver.handle(event, context);
  } catch {
    // Only reachable if building the receiver itself failed; still never a 3xx or 410.
    return responses.internalError();
  }
}
