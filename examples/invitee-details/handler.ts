/**
 * An example consumer of the receiver's EventBridge bus: a Lambda function, invoked by a rule on
 * `invitee.*` events (consumer.ts), that takes the invitee URI the delivery carries and fetches the
 * invitee and its scheduled event with the project's Calendly client, as they are now.
 *
 * Replace `onDetails` with what your system does (update a CRM, send a survey...). Everything
 * else is what such a consumer has to get right:
 * - the token is a SecureString in SSM, read with Powertools (cached for 5 minutes), never an
 *   environment variable nor a Pulumi resource (the stack names the parameter; `calendly-webhooks
 *   token put --parameter` writes it); a rotated token is picked up without a deploy, and a token
 *   not yet put is an error naming that command (thrown, so the events wait in the failure queue);
 * - one client per container (it pools connections), rebuilt only when the token changes;
 * - a claim-checked delivery (`payload: null`, too large for EventBridge) is read back from S3;
 * - failures that a retry can fix (429 after the client's own waits, 5xx, network, a bad token)
 *   throw, so Lambda retries and then hands the event to the failure queue; failures no retry can
 *   fix (no invitee URI in the payload, an invitee Calendly no longer has) are logged and dropped;
 * - delivery is at least once: `detail.id` is the same for every copy of one delivery, so make
 *   `onDetails` idempotent on it;
 * - nothing personal (names, emails, answers) is logged.
 *
 * docs/consumers.md says when the payload alone is enough and when a GET is needed.
 */

import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { EventBridgeEvent } from "aws-lambda";
import { z } from "zod";
import type { Invitee, ScheduledEvent } from "../../calendly";
import {
  type CalendlyClient,
  createCalendlyClient,
  DEFAULT_API_URL,
  INVITEE_EVENTS,
  isArgumentError,
  isNotFound,
} from "../../calendly";
import { commonConfig, endpointOverride } from "../../lambda/clients";
import type { Env } from "../../lambda/config";
import type { CalendlyEventDetail, PayloadRef } from "../../lambda/detail";

/**
 * How long one Calendly call may take, its retries and rate-limit waits included (Calendly's
 * windows are a minute). The function's timeout leaves room for two calls (consumer.ts).
 */
export const CALENDLY_CALL_DEADLINE_MS = 70_000;

/** The events whose payload is an invitee (one list for the project, from the client). */
export { INVITEE_EVENTS };

/** What the rule hands the function: the receiver's entry, `detail` being a CalendlyEventDetail. */
export type CalendlyBusEvent = EventBridgeEvent<string, CalendlyEventDetail>;

export interface InviteeDetails {
  /** The delivery's dedupe id (`detail.id`): identical for every copy of one delivery. */
  deliveryId: string;
  /** `invitee.created`, `invitee.canceled`... */
  event: string;
  /** The invitee as Calendly has it now. */
  invitee: Invitee;
  /** The meeting it booked, as Calendly has it now. */
  scheduledEvent: ScheduledEvent;
  /** The invitee's `status` in the delivered payload. */
  statusAtDelivery: string | null;
  /** Whether the invitee changed after the delivery was sent (its `updated_at` moved on). */
  changedSinceDelivery: boolean;
}

export interface InviteeDetailsDependencies {
  /** The Calendly client to use now (built once, rebuilt when the token changes). */
  calendly(): Promise<CalendlyClient>;
  /** The raw body of a claim-checked delivery (the whole envelope). */
  loadClaimChecked(ref: PayloadRef): Promise<string>;
  /** Your code: what to do with the details. */
  onDetails(details: InviteeDetails): Promise<void>;
  /** One structured line, without personal data. */
  log(level: "info" | "warn", message: string, fields: Record<string, unknown>): void;
}

/** The few payload fields this consumer reads; the rest of the payload is Calendly's invitee. */
const InviteePayload = z.looseObject({
  uri: z.string(),
  status: z.string().optional(),
  updated_at: z.string().optional(),
});
const Envelope = z.looseObject({ payload: z.record(z.string(), z.unknown()) });

async function payloadOf(
  detail: CalendlyEventDetail,
  deps: InviteeDetailsDependencies,
): Promise<Record<string, unknown>> {
  if (detail.payload !== null) return detail.payload;
  if (detail.payloadRef === undefined)
    throw new Error(`delivery ${detail.id} has neither payload nor payloadRef`);
  const body = await deps.loadClaimChecked(detail.payloadRef);
  return Envelope.parse(JSON.parse(body)).payload;
}

/** The handler, given its dependencies; `handler` below is the one Lambda runs. */
export function createInviteeDetailsHandler(deps: InviteeDetailsDependencies) {
  return async (event: CalendlyBusEvent): Promise<InviteeDetails | undefined> => {
    const detail = event.detail;
    const context = { deliveryId: detail.id, event: detail.event };
    const payload = InviteePayload.safeParse(await payloadOf(detail, deps));
    if (!payload.success) {
      deps.log("warn", "no invitee URI in the payload; dropped", context);
      return undefined;
    }
    const calendly = await deps.calendly();
    let invitee: Invitee;
    try {
      invitee = await calendly.getInvitee(payload.data.uri);
    } catch (error) {
      // Retrying cannot help these two; anything else is thrown, and Lambda retries.
      if (isNotFound(error) || isArgumentError(error)) {
        deps.log("warn", "invitee not found; dropped", { ...context, reason: (error as Error).name });
        return undefined;
      }
      throw error;
    }
    const scheduledEvent = await calendly.getScheduledEvent(invitee.event);
    const details: InviteeDetails = {
      deliveryId: detail.id,
      event: detail.event,
      invitee,
      scheduledEvent,
      statusAtDelivery: payload.data.status ?? null,
      changedSinceDelivery: payload.data.updated_at !== invitee.updatedAt,
    };
    await deps.onDetails(details);
    deps.log("info", "invitee details fetched", {
      ...context,
      invitee: invitee.uri,
      status: invitee.status,
      statusAtDelivery: details.statusAtDelivery,
      changedSinceDelivery: details.changedSinceDelivery,
    });
    return details;
  };
}

/**
 * The token's parameter does not exist (or is empty): nobody has put the token there yet. Thrown,
 * so Lambda retries and then parks the event in the failure queue, to redrive once it is put.
 */
export class TokenNotSetError extends Error {
  override readonly name = "TokenNotSetError";
  /** `stack`: the function's stack (CALENDLY_STACK, set by the consumer), else a shell variable to set. */
  constructor(parameter: string, stack = '"$STACK"') {
    super(
      `the Calendly token is not set: SSM parameter ${parameter} does not exist or is empty; put the token there ` +
        `with \`printf '%s' "$INVITEE_DETAILS_TOKEN" | npx calendly-webhooks token put --stack ${stack} --parameter ${parameter}\` ` +
        "(examples/invitee-details/README.md), then redrive the failure queue",
    );
  }
}

/**
 * Dependencies from the function's environment, built lazily (importing this module needs no
 * credentials): `CALENDLY_TOKEN_PARAMETER` names the SecureString holding the token (and
 * `CALENDLY_STACK` the stack, for the command that puts it: a paste-ready error, no `<stack>`),
 * `CALENDLY_API_URL` (optional) points at another API, e.g. the emulator.
 */
export function dependenciesFromEnvironment(
  env: Env,
  onDetails: InviteeDetailsDependencies["onDetails"],
): InviteeDetailsDependencies {
  // One SDK client per service and container; region, endpoint and credentials as the receiver's.
  let ssm: SSMProvider | undefined;
  let s3: S3Client | undefined;
  let current: { token: string; client: CalendlyClient } | undefined;
  return {
    async calendly() {
      const name = env.CALENDLY_TOKEN_PARAMETER;
      if (!name)
        throw new Error("CALENDLY_TOKEN_PARAMETER is not set: name the SSM parameter holding the token");
      ssm ??= new SSMProvider({ awsSdkV3Client: new SSMClient(commonConfig(env, "SSM")) });
      let token: string | undefined;
      try {
        token = await ssm.get(name, { decrypt: true, maxAge: 300 });
      } catch (error) {
        // Powertools wraps the SDK's error (GetParameterError, its cause ParameterNotFound).
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        if (cause instanceof Error && cause.name === "ParameterNotFound")
          throw new TokenNotSetError(name, env.CALENDLY_STACK || undefined);
        throw error;
      }
      if (!token?.trim()) throw new TokenNotSetError(name, env.CALENDLY_STACK || undefined);
      if (current?.token !== token) {
        await current?.client.close();
        current = {
          token,
          client: createCalendlyClient({
            token,
            baseUrl: env.CALENDLY_API_URL || DEFAULT_API_URL,
            userAgentSuffix: "invitee-details-example",
            retry: { deadlineMs: CALENDLY_CALL_DEADLINE_MS },
          }),
        };
      }
      return current.client;
    },
    async loadClaimChecked(ref) {
      // Path-style only with an endpoint override (a local stub cannot serve "<bucket>.localhost").
      s3 ??= new S3Client({
        ...commonConfig(env, "S3"),
        forcePathStyle: endpointOverride(env, "S3") !== undefined,
      });
      const object = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      if (!object.Body) throw new Error(`claim check s3://${ref.bucket}/${ref.key} has no body`);
      return object.Body.transformToString("utf-8");
    },
    onDetails,
    log(level, message, fields) {
      const line = JSON.stringify({ level, message, ...fields });
      if (level === "warn") console.warn(line);
      else console.log(line);
    },
  };
}

/**
 * Where your code goes: e.g. upsert `details.invitee` into a CRM keyed by its `uri`, skipping a
 * `deliveryId` already handled. The example stops at the log line the handler writes.
 */
async function onDetails(_details: InviteeDetails): Promise<void> {}

export const handler = createInviteeDetailsHandler(dependenciesFromEnvironment(process.env, onDetails));
