/**
 * The minimal peer: the handler a user would write by hand instead of deploying our receiver, the
 * yardstick of `npm run bench -- --only peer`. It verifies Calendly's HMAC over "<t>." + body with
 * node:crypto (keys from the environment), parses the JSON and makes one PutEvents with the same
 * SDK client. Nothing more: no validation, no claim check, no SSM, no logs, no metrics, no retry of
 * failed entries. Bundled exactly as the receiver (lambda/build.ts), so the two compare.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { DEFAULT_TOLERANCE_SECONDS } from "../../calendly";

const keys = (process.env.CALENDLY_SIGNING_KEYS ?? "").split(",").filter(Boolean);
const client = new EventBridgeClient({});

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  const header = event.headers?.["calendly-webhook-signature"] ?? "";
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})(?:,|$)/.exec(header)?.[1];
  if (
    t === undefined ||
    v1 === undefined ||
    Math.abs(Date.now() / 1000 - Number(t)) > DEFAULT_TOLERANCE_SECONDS
  ) {
    return { statusCode: 401 };
  }
  const signature = Buffer.from(v1, "hex");
  const signed = keys.some((key) =>
    timingSafeEqual(createHmac("sha256", key).update(`${t}.`).update(body).digest(), signature),
  );
  if (!signed) return { statusCode: 401 };
  const envelope = JSON.parse(body.toString("utf8")) as { event: string };
  await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: process.env.EVENT_BUS_NAME,
          Source: "calendly",
          DetailType: envelope.event,
          Detail: JSON.stringify(envelope),
        },
      ],
    }),
  );
  return { statusCode: 200, body: '{"status":"accepted"}' };
}
