/**
 * The watchdog's configuration: environment variables, each checked with zod. A bad value is a
 * deployment mistake: `loadWatchdogConfig` throws a `WatchdogConfigError` naming every offending
 * variable and its fix, never echoing a value (CALENDLY_TOKEN is one).
 */
import * as z from "zod";
import { DEFAULT_API_URL, DEFAULT_RETRYING_WINDOW_MS } from "../calendly";
import type { Env } from "./config";
import { WHOLE_DECIMAL } from "./whole-number";

export interface WatchedSubscription {
  /** The name the stack gave it: the `Subscription` dimension of its metric. */
  name: string;
  /** Its URI (or uuid), as `GET /webhook_subscriptions/{uuid}` needs. */
  uri: string;
}

/** Where the Calendly token comes from: an SSM SecureString on AWS, the environment locally. */
export type TokenConfig = { source: "env"; token: string } | { source: "ssm"; parameterName: string };

export interface WatchdogConfig {
  watched: WatchedSubscription[];
  token: TokenConfig;
  apiUrl: string;
  /** How recent `retry_started_at` must be to count as retrying. */
  retryingWindowMs: number;
  /** Longest a pass may take, all checks and retries included (the Lambda's time left also bounds it). */
  deadlineMs: number;
  /** Checks run at the same time. */
  concurrency: number;
}

export const DEFAULT_WATCHDOG_DEADLINE_SECONDS = 45;
export const DEFAULT_WATCHDOG_CONCURRENCY = 4;

export interface WatchdogConfigProblem {
  variable: string;
  problem: string;
  fix: string;
}

export class WatchdogConfigError extends Error {
  override readonly name = "WatchdogConfigError";
  constructor(readonly problems: readonly WatchdogConfigProblem[]) {
    super(
      `watchdog configuration is invalid: ${problems.map((p) => `${p.variable} ${p.problem}; ${p.fix}`).join(" | ")}`,
    );
  }
}

const blankIsUnset = (value: unknown) => (value === "" ? undefined : value);

const watchedSchema = z.preprocess(
  (text) => {
    if (typeof text !== "string") return text;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  },
  z.record(z.string().regex(/^\S{1,255}$/), z.string().regex(/^\S*[^/\s]\/?$/)),
);

/** `WATCHED_SUBSCRIPTIONS`'s format (a JSON object of names to URIs) read from `text`, or `undefined`. */
export function parseWatchedSubscriptions(text: string): WatchedSubscription[] | undefined {
  const parsed = watchedSchema.safeParse(text);
  return parsed.success ? Object.entries(parsed.data).map(([name, uri]) => ({ name, uri })) : undefined;
}

const wholeNumber = (fallback: number, min: number, max: number) =>
  z.preprocess(
    // Only whole decimal digits become a number; any other text stays text, and is refused.
    (v) =>
      v === "" || v === undefined
        ? undefined
        : typeof v === "string" && WHOLE_DECIMAL.test(v)
          ? Number(v)
          : v,
    z.number().int().min(min).max(max).default(fallback),
  );

const httpUrl = z.url({ protocol: /^https?$/ }).optional();

/** Each variable with its schema and the fix a person needs when it is wrong. */
const VARIABLES = {
  WATCHED_SUBSCRIPTIONS: {
    schema: watchedSchema,
    fix: 'set it to a JSON object mapping each subscription\'s name to its URI, e.g. {"bookings": "https://api.calendly.com/webhook_subscriptions/…"}',
  },
  CALENDLY_TOKEN_PARAMETER: {
    schema: z.string().trim().min(1).optional(),
    fix: "set it to the name of the SSM SecureString parameter holding the Calendly token",
  },
  CALENDLY_TOKEN: {
    schema: z.string().trim().min(1).optional(),
    fix: "set it to a Calendly personal access token (local runs only; on AWS use CALENDLY_TOKEN_PARAMETER)",
  },
  CALENDLY_API_URL: {
    schema: httpUrl,
    fix: `set it to an http(s) URL, or leave it unset for ${DEFAULT_API_URL}`,
  },
  RETRYING_WINDOW_SECONDS: {
    schema: wholeNumber(DEFAULT_RETRYING_WINDOW_MS / 1000, 60, 30 * 86_400),
    fix: "use a whole number of seconds, e.g. 86400 (24 hours)",
  },
  WATCHDOG_DEADLINE_SECONDS: {
    schema: wholeNumber(DEFAULT_WATCHDOG_DEADLINE_SECONDS, 1, 900),
    fix: "use a whole number of seconds under the function's timeout, e.g. 45",
  },
  WATCHDOG_CONCURRENCY: {
    schema: wholeNumber(DEFAULT_WATCHDOG_CONCURRENCY, 1, 16),
    fix: "use a whole number from 1 to 16",
  },
} as const;

type Parsed = { [K in keyof typeof VARIABLES]: z.output<(typeof VARIABLES)[K]["schema"]> };

/** Parses the watchdog's variables out of `env`; throws `WatchdogConfigError` naming each bad one. */
export function loadWatchdogConfig(env: Env): WatchdogConfig {
  const problems: WatchdogConfigProblem[] = [];
  const parsed: Partial<Record<keyof typeof VARIABLES, unknown>> = {};
  for (const [variable, { schema, fix }] of Object.entries(VARIABLES)) {
    const raw = blankIsUnset(env[variable]);
    const result = schema.safeParse(raw);
    if (result.success) parsed[variable as keyof typeof VARIABLES] = result.data;
    else problems.push({ variable, problem: raw === undefined ? "is not set" : "is not valid", fix });
  }
  const v = parsed as Parsed;
  const tokenProblem = problems.some((p) => p.variable.startsWith("CALENDLY_TOKEN"));
  if (!tokenProblem && (v.CALENDLY_TOKEN === undefined) === (v.CALENDLY_TOKEN_PARAMETER === undefined)) {
    problems.push({
      variable: "CALENDLY_TOKEN_PARAMETER",
      problem:
        v.CALENDLY_TOKEN === undefined
          ? "is not set, nor CALENDLY_TOKEN"
          : "is set together with CALENDLY_TOKEN",
      fix: "set exactly one: CALENDLY_TOKEN_PARAMETER on AWS, CALENDLY_TOKEN for local runs",
    });
  }
  if (problems.length > 0) throw new WatchdogConfigError(problems);
  return {
    watched: Object.entries(v.WATCHED_SUBSCRIPTIONS).map(([name, uri]) => ({ name, uri })),
    token:
      v.CALENDLY_TOKEN !== undefined
        ? { source: "env", token: v.CALENDLY_TOKEN }
        : { source: "ssm", parameterName: v.CALENDLY_TOKEN_PARAMETER! },
    apiUrl: v.CALENDLY_API_URL ?? DEFAULT_API_URL,
    retryingWindowMs: v.RETRYING_WINDOW_SECONDS * 1000,
    deadlineMs: v.WATCHDOG_DEADLINE_SECONDS * 1000,
    concurrency: v.WATCHDOG_CONCURRENCY,
  };
}
