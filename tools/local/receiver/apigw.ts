/**
 * Translation between plain HTTP and API Gateway HTTP API's Lambda integration (payload format
 * 2.0), the way API Gateway does it: header names lower-cased, repeated headers joined with
 * commas, cookies apart, the body as text for textual content types and base64 otherwise.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";

/** Content types API Gateway passes as text; everything else arrives base64-encoded. */
const TEXT_TYPES = [
  /^text\//,
  /^application\/(.+\+)?json\b/,
  /^application\/(.+\+)?xml\b/,
  /^application\/javascript\b/,
];

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isText(contentType: string | undefined, body: Buffer): boolean {
  if (!TEXT_TYPES.some((type) => type.test((contentType ?? "").toLowerCase()))) return false;
  // Bytes that are not UTF-8 would not survive as a string; keep them exact (base64) instead.
  try {
    utf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

/** "12/Mar/2020:19:03:58 +0000", API Gateway's `requestContext.time`. */
function clfTime(date: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export interface TranslateOptions {
  /** The route as configured, e.g. `ANY /calendly/webhooks`. */
  routeKey: string;
  now?: Date;
}

export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  options: TranslateOptions,
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  // rawHeaders keeps repeats, which `req.headers` partly merges or drops.
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const now = options.now ?? new Date();
  const method = req.method ?? "GET";
  const hasBody = body.length > 0;
  const text = hasBody && isText(headers["content-type"], body);
  const requestId = randomUUID();
  return {
    version: "2.0",
    routeKey: options.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0]!,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey: options.routeKey,
      stage: "$default",
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: text ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** What API Gateway makes of a handler's result. */
export function fromApiGatewayResult(result: APIGatewayProxyResultV2): HttpAnswer {
  // A bare value (string, object) is API Gateway's shorthand for 200 with a JSON body.
  if (typeof result === "string" || result.statusCode === undefined) {
    const body = typeof result === "string" ? result : JSON.stringify(result);
    return { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(body) };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  const body = Buffer.from(result.body ?? "", result.isBase64Encoded ? "base64" : "utf8");
  return { status: result.statusCode, headers, body };
}
