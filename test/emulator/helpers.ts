/**
 * Shared test scaffolding for the emulator suites: start an emulator with the default seed, call it
 * as a Calendly client would (undici), and run throwaway webhook receivers, all on 127.0.0.1 port 0.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator/server";

export interface TestEmulator extends Emulator {
  tokens: { owner: string; admin: string; member: string; free: string; oauth: string; expired: string };
  /** The paid organization of the default seed, and the Free-plan one. */
  org: string;
  freeOrg: string;
  users: { owner: string; admin: string; member: string; free: string };
  /** The "Sales" group (admin and member belong to it). */
  group: string;
  api(method: string, path: string, init?: CallInit): Promise<ApiAnswer>;
}

export interface CallInit {
  /** Bearer token; `null` sends no Authorization header. */
  token?: string | null;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or `undefined` for an empty body. */
  json: unknown;
  text: string;
}

// biome-ignore lint/suspicious/noExplicitAny: test bodies are read ad hoc; each test asserts the shape it needs.
export type Json = any;

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator(options);
  const seed = emulator.control.seed();
  const tokenOf = (predicate: (t: (typeof seed.tokens)[number]) => boolean) =>
    seed.tokens.find(predicate)!.token;
  const userOf = (slug: string) => seed.users.find((u) => u.slug === slug)?.uri ?? "";
  const tokens = {
    owner: tokenOf((t) => t.role === "owner" && t.plan === "paid" && !t.scopes && t.state === "active"),
    admin: tokenOf((t) => t.role === "admin"),
    member: tokenOf((t) => t.role === "member"),
    free: tokenOf((t) => t.plan === "free"),
    oauth: tokenOf((t) => t.scopes !== undefined),
    expired: tokenOf((t) => t.state === "expired"),
  };
  const api = (method: string, path: string, init: CallInit = {}) =>
    call(emulator.url, method, path, { token: tokens.owner, ...init });
  return {
    ...emulator,
    tokens,
    org: seed.organizations[0]!.uri,
    freeOrg: seed.organizations[1]!.uri,
    users: {
      owner: userOf("olivia-owner"),
      admin: userOf("adam-admin"),
      member: userOf("mia-member"),
      free: userOf("frank-free"),
    },
    group: seed.groups[0]!.uri,
    api,
  };
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  init: CallInit = {},
): Promise<ApiAnswer> {
  const url = new URL(path, baseUrl);
  for (const [key, value] of Object.entries(init.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await request(url, { method: method as "GET", headers, body });
  const text = await response.body.text();
  let json: unknown;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.statusCode, headers: response.headers, json, text };
}

/** A valid create body for the owner token (organization scope, invitee events). */
export function orgSubscription(
  emu: TestEmulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    url: `http://127.0.0.1:9/hooks/${Math.random().toString(36).slice(2)}`,
    events: ["invitee.created", "invitee.canceled"],
    organization: emu.org,
    scope: "organization",
    ...overrides,
  };
}

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body bytes exactly as received. */
  raw: Buffer;
  receivedAt: number;
}

export type ReceiverReply =
  | { status: number; headers?: Record<string, string> }
  /** Never answer (the emulator's response timeout fires). */
  | "hang";

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides each answer; default 200. Receives the 1-based request number. */
  reply: (n: number, webhook: ReceivedWebhook) => ReceiverReply;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records what it gets and answers as scripted. */
export async function startReceiver(reply: Receiver["reply"] = () => ({ status: 200 })): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: Receiver = { url: "", received, reply, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const webhook = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        raw: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      received.push(webhook);
      const answer = receiver.reply(received.length, webhook);
      if (answer === "hang") return;
      res.writeHead(answer.status, answer.headers);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/calendly`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

/** Waits until `condition()` holds (polling every few ms), failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
