/**
 * Every answer the receiver gives. Calendly counts anything but 2xx as a failure and retries; a 3xx
 * is a failure too, and a 410 deletes the subscription at once. So the set of statuses is closed,
 * and `guardResponse` turns anything outside it into a 500 at the edge. There is no 400 or 413: a
 * body whose signature verifies is Calendly's and is kept whatever it holds (refusing it would only
 * make Calendly retry it for a day and then disable the subscription); anything else is a 401.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export type ReceiverStatus = 200 | 401 | 405 | 500 | 503;
const ALLOWED: ReadonlySet<number> = new Set<ReceiverStatus>([200, 401, 405, 500, 503]);

export type ReceiverResponse = APIGatewayProxyStructuredResultV2 & { statusCode: ReceiverStatus };

function json(
  statusCode: ReceiverStatus,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return {
    statusCode,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  } satisfies ReceiverResponse;
}

export const responses = {
  accepted: (id: string) => json(200, { status: "accepted", id }),
  /** Says nothing about why: the reason is logged, not told to whoever sent a bad signature. */
  unauthorized: () => json(401, { message: "Unauthorized" }),
  methodNotAllowed: () => json(405, { message: "Method Not Allowed" }, { allow: "POST" }),
  /** Forwarding (or reading the keys) failed: Calendly retries with back-off. */
  unavailable: () => json(503, { message: "Service Unavailable: event not forwarded, retry later" }),
  internalError: () => json(500, { message: "Internal Server Error" }),
};

/** The edge's last word: a status outside the allowed set (a 3xx, a 410, ...) becomes a 500. */
export function guardResponse(response: APIGatewayProxyStructuredResultV2 | undefined): ReceiverResponse {
  if (
    response === undefined ||
    typeof response.statusCode !== "number" ||
    !ALLOWED.has(response.statusCode)
  ) {
    return responses.internalError();
  }
  return response as ReceiverResponse;
}
