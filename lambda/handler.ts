/**
 * The receiver: an API Gateway HTTP API (payload format 2.0) Lambda that accepts only genuine
 * Calendly deliveries and puts each one on an EventBridge bus.
 *
 * Flow: method (405) → configuration (500) → size (413) → signature (401; 503 if keys cannot be
 * read) → JSON envelope (400) → payload validation (marks only) → forward (503 on failure) → 200.
 * Around it, one guard: whatever throws or whatever status escapes becomes a 500, never a 3xx and
 * never a 410, which would make Calendly delete the subscription.
 *
 * `createReceiver(env)` builds an independent receiver (the local server and tests use it);
 * `handler` is Lambda's entry point over `process.env`, built on first use once per container.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { createClaimCheck } from "./claim-check";
import { type AwsClients, createAwsClients } from "./clients";
import { ConfigError, type Env, loadConfig, type ReceiverConfig } from "./config";
import { type CalendlyEventDetail, deliveryId } from "./detail";
import { createForwarder, type Forwarder } from "./forward";
import {
  createKeySource,
  type SigningKeySource,
  SigningKeysFormatError,
  SigningKeysUnavailableError,
} from "./keys";
import { createObservability, type DeliveryLog } from "./observability";
import { guardResponse, type ReceiverResponse, responses } from "./responses";
import { parseEnvelope, validatePayload } from "./validation";
import { verifyDelivery } from "./verify";

export type { CalendlyEventDetail, PayloadRef, ValidationMarker } from "./detail";

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
  let ready: Ready | ConfigError | undefined;

  // Configuration is read on the first delivery, not at import, so a bad value answers 500 with a
  // log line naming the variable instead of crashing the container at init.
  const prepare = (): Ready | ConfigError => {
    if (ready !== undefined) return ready;
    try {
      const config = loadConfig(env);
      const keys = createKeySource(config.signingKeys, {
        ssmClient: clients.ssm,
        refreshSeconds: config.keysRefreshSeconds,
        onRefreshError: (error) =>
          observability.logger.warn("signing key refresh failed; keeping the cached keys", {
            error: error instanceof Error ? error.message : String(error),
          }),
      });
      if (config.signingKeys.source === "none") {
        observability.logger.error(
          "no signing key configured: every delivery is rejected; set CALENDLY_SIGNING_KEY_PARAMETER (AWS) or CALENDLY_SIGNING_KEYS (local)",
        );
      }
      const forwarder = createForwarder({
        eventBridge: clients.eventBridge,
        claimCheck: createClaimCheck(clients.s3, config.claimCheckBucket),
        eventBusName: config.eventBusName,
        deadlineMs: config.forwardDeadlineMs,
        maxEntryBytes: config.maxEntryBytes,
      });
      ready = { config, keys, forwarder };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      ready = error;
    }
    return ready;
  };

  type LogInProgress = DeliveryLog & { startedAt: number };

  async function flow(event: APIGatewayProxyEventV2, log: LogInProgress): Promise<ReceiverResponse> {
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
    const { config, keys, forwarder } = state;

    const body = readBody(event, config.maxBodyBytes);
    if (body === "too_large") {
      Object.assign(log, { outcome: "rejected", reason: "payload_too_large" });
      return responses.payloadTooLarge(config.maxBodyBytes);
    }
    log.bodyBytes = body.byteLength;

    let check: Awaited<ReturnType<typeof verifyDelivery>>;
    try {
      check = await verifyDelivery({
        headers: event.headers,
        body,
        keys,
        toleranceSeconds: config.toleranceSeconds,
        futureSkewSeconds: config.futureSkewSeconds,
      });
    } catch (error) {
      if (!(error instanceof SigningKeysUnavailableError || error instanceof SigningKeysFormatError)) {
        throw error;
      }
      Object.assign(log, { outcome: "failed", reason: "keys_unavailable", errorCode: error.message });
      return responses.unavailable();
    }
    log.keysRefreshed = check.refreshed;
    if (!check.ok) {
      Object.assign(log, { outcome: "rejected", reason: check.reason });
      return responses.unauthorized();
    }

    const id = deliveryId(body);
    log.dedupeId = id;
    const parsed = parseEnvelope(body);
    if (!parsed.ok) {
      Object.assign(log, { outcome: "rejected", reason: parsed.reason, issues: parsed.issues });
      return responses.badRequest(parsed.reason, parsed.issues);
    }
    const { envelope } = parsed;
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
      ...(Object.keys(extra).length > 0 ? { envelopeExtra: extra } : {}),
      receivedAt: new Date(log.startedAt).toISOString(),
      validation: validation.validation,
      ...(validation.issues ? { issues: validation.issues } : {}),
    };
    const forwarded = await forwarder.forward(detail, body);
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
      const log: LogInProgress = {
        requestId: event?.requestContext?.requestId ?? context?.awsRequestId,
        outcome: "failed",
        status: 500,
        latencyMs: 0,
        startedAt,
      };
      let response: ReceiverResponse;
      try {
        if (context) observability.logger.addContext(context);
        response = guardResponse(await flow(event, log));
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
        const { startedAt: _, ...line } = log;
        observability.delivery({ ...line, status: response.statusCode, latencyMs: Date.now() - startedAt });
      } catch {
        // Logging must never change the answer.
      }
      return response;
    },
  };
}

/** The raw body bytes (base64-decoded when API Gateway encoded them), or "too_large". */
function readBody(event: APIGatewayProxyEventV2, maxBytes: number): Uint8Array | "too_large" {
  const text = event.body ?? "";
  if (event.isBase64Encoded) {
    // Four base64 characters carry three bytes: refuse before decoding a huge string.
    if (Math.floor((text.length * 3) / 4) > maxBytes + 3) return "too_large";
    const bytes = Buffer.from(text, "base64");
    return bytes.byteLength > maxBytes ? "too_large" : bytes;
  }
  if (text.length > maxBytes) return "too_large";
  const bytes = Buffer.from(text, "utf8");
  return bytes.byteLength > maxBytes ? "too_large" : bytes;
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
