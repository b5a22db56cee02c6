/**
 * The receiver served over plain HTTP on this machine: each request becomes a payload-2.0 event
 * for the same handler code as on Lambda, and the result goes back as the HTTP answer. It is what
 * the emulator delivers to in local and end-to-end runs (`npm run receiver` starts one).
 */
import { createServer } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { createReceiver } from "../../../lambda/handler";
import { listenOnLoopback, RequestBodyTooLargeError, readRequestBody } from "../../loopback-server";
import { fromApiGatewayResult, toApiGatewayEvent } from "./apigw";

export const WEBHOOK_PATH = "/calendly/webhooks";
/** API Gateway HTTP APIs refuse larger requests before the Lambda runs. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalReceiverOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Environment for the handler, over `process.env`. Local defaults fill what is unset:
   * `EVENT_BUS_NAME=calendly-local`, `CLAIM_CHECK_BUCKET=calendly-local-claim-check`,
   * `AWS_REGION=us-east-1`, and dummy credentials when an `AWS_ENDPOINT_URL*` points at a stub.
   */
  env?: Record<string, string>;
  /**
   * Another Lambda handler to serve instead of the receiver (the benchmark's hand-written peer),
   * behind the same HTTP adapter.
   */
  handler?: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
}

export interface LocalReceiver {
  /** The full webhook URL, e.g. `http://127.0.0.1:4020/calendly/webhooks`. */
  url: string;
  close(): Promise<void>;
}

export function localReceiverEnv(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = {
    EVENT_BUS_NAME: "calendly-local",
    CLAIM_CHECK_BUCKET: "calendly-local-claim-check",
    AWS_REGION: "us-east-1",
    ...env,
  };
  const overridden = Object.keys(merged).some((name) => name.startsWith("AWS_ENDPOINT_URL") && merged[name]);
  if (overridden && !merged.AWS_ACCESS_KEY_ID && !merged.AWS_PROFILE) {
    // Stubs only check that requests are signed; without any credentials the SDK would wait on
    // the instance metadata service instead.
    merged.AWS_ACCESS_KEY_ID = "test";
    merged.AWS_SECRET_ACCESS_KEY = "test";
  }
  return merged;
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + 15_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "calendly-receiver-local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:calendly-receiver-local",
    memoryLimitInMB: "256",
    awsRequestId: requestId,
    logGroupName: "local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function startLocalReceiver(options: LocalReceiverOptions = {}): Promise<LocalReceiver> {
  const handle =
    options.handler ??
    ((receiver) => receiver.handle.bind(receiver))(
      createReceiver({ env: localReceiverEnv({ ...process.env, ...options.env }) }),
    );
  const routeKey = `ANY ${WEBHOOK_PATH}`;

  const server = createServer((req, res) => {
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? "/", "http://local").pathname;
    if (path !== WEBHOOK_PATH) {
      req.resume();
      return send(404, { message: "Not Found" });
    }
    readRequestBody(req, API_GATEWAY_MAX_BODY_BYTES)
      .then(async (body) => {
        const event = toApiGatewayEvent(req, body, { routeKey });
        const answer = fromApiGatewayResult(
          await handle(event, lambdaContext(event.requestContext.requestId)),
        );
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })
      .catch((error: unknown) => {
        if (error instanceof RequestBodyTooLargeError) {
          // API Gateway answers before the Lambda runs; the rest of the body is not worth reading.
          res.setHeader("connection", "close");
          return send(413, { message: "Request Entity Too Large" });
        }
        send(500, { message: "Internal Server Error" });
      });
  });
  server.keepAliveTimeout = 1000;

  const listening = await listenOnLoopback(server, options);
  return { url: `${listening.url}${WEBHOOK_PATH}`, close: listening.close };
}
