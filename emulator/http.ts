/**
 * The small HTTP vocabulary the emulator's handlers speak: a handler gets a parsed `ApiRequest` and
 * returns an `ApiResponse` value instead of writing to the socket itself. Returning a value is what
 * lets the server apply a request fully and then drop the connection ("apply then drop"), add the
 * rate-limit headers to every answer, and record the status answered, all in one place.
 */
import type { ServerResponse } from "node:http";
import { type ApiError, invalidArgument } from "./errors";

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serializable body; `undefined` sends no body at all (204). */
  body?: unknown;
}

export function json(status: number, body: unknown): ApiResponse {
  return { status, body };
}

/** 204 with an empty body and no Content-Type, as Calendly answers a delete. */
export function noContent(): ApiResponse {
  return { status: 204 };
}

export function errorResponse(error: ApiError): ApiResponse {
  return { status: error.status, body: error.body };
}

/** Request bodies larger than this are refused: webhook subscription bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Parses a JSON request body. An empty body is `undefined` (the handler decides whether that is
 * allowed); anything that is not JSON is a Calendly-shaped 400.
 */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalidArgument([{ message: "The request body is not valid JSON." }]);
  }
}

export function writeResponse(
  res: ServerResponse,
  response: ApiResponse,
  extraHeaders: Record<string, string>,
) {
  const headers: Record<string, string> = { ...extraHeaders, ...response.headers };
  if (response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(response.body), "utf8");
  headers["Content-Type"] = "application/json; charset=utf-8";
  headers["Content-Length"] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}
