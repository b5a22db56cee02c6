/**
 * Shared test scaffolding for the emulator suites: start an emulator with the default seed, call it
 * as a Calendly client would (undici), and run throwaway webhook receivers, all on 127.0.0.1 port 0.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request } from "undici";
import type { SeedInput } from "../../emulator/seed";
import defaultSeedJson from "../../emulator/seed.default.json";
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

/** The default seed plus OAuth-style tokens of its owner (paid plan) with only the given scopes. */
export function seedWithScopedTokens(tokens: Record<string, string[]>): SeedInput {
  const seed = structuredClone(defaultSeedJson) as SeedInput;
  const owner = seed.users[0]!.id;
  for (const [token, scopes] of Object.entries(tokens)) {
    seed.tokens.push({ token, user: owner, plan: "paid", role: "owner", scopes });
  }
  return seed;
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

/** The twelve keys every webhook subscription always has (API.md). */
export const SUBSCRIPTION_KEYS = [
  "uri",
  "callback_url",
  "created_at",
  "updated_at",
  "retry_started_at",
  "state",
  "events",
  "scope",
  "organization",
  "user",
  "group",
  "creator",
] as const;

// Shared with the provider, receiver and end-to-end suites.
export { type ReceivedWebhook, type Receiver, type ReceiverReply, startReceiver } from "../support/receiver";
export { until } from "../support/until";
