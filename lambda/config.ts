/**
 * The receiver's configuration: environment variables parsed with zod once per container.
 *
 * A bad value is a deployment mistake, not bad input: `loadConfig` throws a `ConfigError` that
 * names every offending variable and how to fix it (never echoing a value, which could be a key).
 * Numbers are whole decimal numbers and nothing else: `Number()` would read " " as 0, "0x3c" as 60
 * and "1e6" as a million, so a typo would change a limit silently instead of failing closed.
 *
 * zod/mini rather than zod's chained API: the same checks, a fraction of the bundle (the receiver's
 * cold start is measured against a hand-written handler, docs/benchmarks.md).
 */
import * as z from "zod/mini";
import { DEFAULT_FUTURE_SKEW_SECONDS, DEFAULT_TOLERANCE_SECONDS } from "../calendly";
import { WHOLE_DECIMAL } from "./whole-number";

export type Env = Readonly<Record<string, string | undefined>>;

/** Where the signing keys come from. `none` fails closed: every delivery is rejected. */
export type SigningKeysConfig =
  | { source: "env"; text: string }
  | { source: "ssm"; parameterName: string }
  | { source: "none" };

export interface ReceiverConfig {
  eventBusName: string;
  claimCheckBucket: string;
  signingKeys: SigningKeysConfig;
  toleranceSeconds: number;
  futureSkewSeconds: number;
  /** Minimum time between two forced re-reads of the key parameter after failed signatures. */
  keysRefreshSeconds: number;
  /** Keys read longer ago than this are read again before use (0: on every delivery). */
  keysMaxAgeSeconds: number;
  /** Bodies above this are not parsed: an authentic one is stored whole and marked unparsed. */
  maxBodyBytes: number;
  /**
   * Time allowed for a whole delivery from its arrival: reading the keys, the claim check and
   * PutEvents with its retries (never past the function's own remaining time, handler.ts).
   */
  deliveryDeadlineMs: number;
  /** Entries at or above this size (EventBridge's way of counting) are claim-checked. */
  maxEntryBytes: number;
}

/** Calendly waits 15 s for an answer; the function times out at 10 s (infra/receiver/function.ts). */
export const DEFAULT_DELIVERY_DEADLINE_MS = 5000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** EventBridge's limit for one PutEvents entry (and for a whole request). */
export const EVENTBRIDGE_MAX_ENTRY_BYTES = 256 * 1024;
export const DEFAULT_KEYS_REFRESH_SECONDS = 60;
export const DEFAULT_KEYS_MAX_AGE_SECONDS = 300;
/** The smallest entry limit accepted: a claim-checked entry must always fit under it. */
export const MIN_ENTRY_BYTES = 8 * 1024;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** One entry per offending variable: `{variable, problem, fix}`. */
    readonly problems: readonly { variable: string; problem: string; fix: string }[],
  ) {
    super(
      `receiver configuration is invalid: ${problems
        .map((p) => `${p.variable} ${p.problem}; ${p.fix}`)
        .join(" | ")}`,
    );
  }
}

const TEXT_FIXES = {
  EVENT_BUS_NAME: "set it to the name (or ARN) of the EventBridge bus that receives Calendly events",
  CLAIM_CHECK_BUCKET: "set it to the S3 bucket that holds bodies too large for one EventBridge entry",
  CALENDLY_SIGNING_KEYS: "set it to a JSON array of signing keys, or keys separated by commas or newlines",
  CALENDLY_SIGNING_KEY_PARAMETER: "set it to the name of an SSM SecureString parameter holding the keys",
} as const;

interface NumberRule {
  fallback: number;
  min: number;
  max: number;
  fix: string;
}

/** Every numeric variable: its default, its range and the advice given when it is wrong. */
export const NUMBER_RULES = {
  SIGNATURE_TOLERANCE_SECONDS: {
    fallback: DEFAULT_TOLERANCE_SECONDS,
    min: 1,
    max: 86_400,
    fix: `use a whole number of seconds, e.g. ${DEFAULT_TOLERANCE_SECONDS} (Calendly's own sample)`,
  },
  SIGNATURE_FUTURE_SKEW_SECONDS: {
    fallback: DEFAULT_FUTURE_SKEW_SECONDS,
    min: 0,
    max: 3600,
    fix: "use a whole number of seconds, e.g. 30",
  },
  SIGNING_KEYS_REFRESH_SECONDS: {
    fallback: DEFAULT_KEYS_REFRESH_SECONDS,
    min: 0,
    max: 86_400,
    fix: "use a whole number of seconds, e.g. 60",
  },
  SIGNING_KEYS_MAX_AGE_SECONDS: {
    fallback: DEFAULT_KEYS_MAX_AGE_SECONDS,
    min: 0,
    max: 86_400,
    fix: "use a whole number of seconds, e.g. 300 (0 reads the keys on every delivery)",
  },
  MAX_BODY_BYTES: {
    fallback: DEFAULT_MAX_BODY_BYTES,
    min: 1024,
    max: 6 * 1024 * 1024,
    fix: "use a whole number of bytes, e.g. 1048576",
  },
  DELIVERY_DEADLINE_MS: {
    fallback: DEFAULT_DELIVERY_DEADLINE_MS,
    min: 100,
    max: 14_000,
    fix: "use a whole number of milliseconds well under Calendly's 15 s and the function's timeout, e.g. 5000",
  },
  /** The former name of DELIVERY_DEADLINE_MS, when it bounded forwarding only; still read. */
  FORWARD_DEADLINE_MS: {
    fallback: DEFAULT_DELIVERY_DEADLINE_MS,
    min: 100,
    max: 14_000,
    fix: "rename it DELIVERY_DEADLINE_MS (it now bounds the whole delivery, key reading included), e.g. 5000",
  },
  EVENTBRIDGE_MAX_ENTRY_BYTES: {
    fallback: EVENTBRIDGE_MAX_ENTRY_BYTES,
    min: MIN_ENTRY_BYTES,
    max: 1024 * 1024,
    fix: "use EventBridge's entry limit in bytes, 262144 unless your bus allows more",
  },
} satisfies Record<string, NumberRule>;

type NumberVariable = keyof typeof NUMBER_RULES;

const text = z.string().check(z.trim(), z.minLength(1));
/** Digits only: no sign, no spaces, no hex, no exponent, no fraction. */
/**
 * The text of a whole number within the rule's range, read with `Number` once valid. One string
 * schema with two checks rather than a pipe through `transform` into `z.number()`: less than half
 * the zod objects to build at every cold start, and no pipe, transform or number schema to load
 * (measured in fresh processes: require + first parse 0.6 to 1.9 ms less, best and median of 40).
 */
const wholeNumber = ({ min, max }: NumberRule) =>
  z.optional(
    z.string().check(
      z.regex(WHOLE_DECIMAL),
      z.refine((digits) => {
        const value = Number(digits);
        return value >= min && value <= max;
      }),
    ),
  );

const EnvSchema = z.object({
  EVENT_BUS_NAME: text,
  CLAIM_CHECK_BUCKET: text,
  CALENDLY_SIGNING_KEYS: z.optional(text),
  CALENDLY_SIGNING_KEY_PARAMETER: z.optional(text),
  ...(Object.fromEntries(
    Object.entries(NUMBER_RULES).map(([name, rule]) => [name, wholeNumber(rule)]),
  ) as Record<NumberVariable, ReturnType<typeof wholeNumber>>),
});

const VARIABLES = Object.keys(EnvSchema.shape);

function problemOf(variable: string, value: string | undefined): { problem: string; fix: string } {
  if (value === undefined) {
    return { problem: "is not set", fix: TEXT_FIXES[variable as keyof typeof TEXT_FIXES] ?? "set it" };
  }
  const rule = NUMBER_RULES[variable as NumberVariable] as NumberRule | undefined;
  if (rule === undefined) {
    return { problem: "is blank", fix: TEXT_FIXES[variable as keyof typeof TEXT_FIXES] ?? "check its value" };
  }
  const problem = WHOLE_DECIMAL.test(value)
    ? `is not valid (outside ${rule.min}..${rule.max})`
    : "is not valid (not a whole decimal number: digits only, no sign, spaces, hex or exponent)";
  return { problem, fix: rule.fix };
}

/** Parses the receiver's variables out of `env`; throws `ConfigError` naming each bad one. */
export function loadConfig(env: Env): ReceiverConfig {
  // Unset and empty are the same thing in an environment.
  const present: Record<string, string | undefined> = {};
  for (const name of VARIABLES) present[name] = env[name] === "" ? undefined : env[name];
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const seen = new Set<string>();
    const problems = [];
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "environment");
      if (seen.has(variable)) continue;
      seen.add(variable);
      problems.push({ variable, ...problemOf(variable, present[variable]) });
    }
    throw new ConfigError(problems);
  }
  const v = parsed.data;
  if (v.DELIVERY_DEADLINE_MS !== undefined && v.FORWARD_DEADLINE_MS !== undefined) {
    throw new ConfigError([
      {
        variable: "FORWARD_DEADLINE_MS",
        problem: "is set together with DELIVERY_DEADLINE_MS, its new name",
        fix: "remove FORWARD_DEADLINE_MS",
      },
    ]);
  }
  if (v.CALENDLY_SIGNING_KEYS !== undefined && v.CALENDLY_SIGNING_KEY_PARAMETER !== undefined) {
    throw new ConfigError([
      {
        variable: "CALENDLY_SIGNING_KEYS",
        problem: "is set together with CALENDLY_SIGNING_KEY_PARAMETER",
        fix: "set only one: CALENDLY_SIGNING_KEYS for local runs, the SSM parameter on AWS",
      },
    ]);
  }
  const signingKeys: SigningKeysConfig =
    v.CALENDLY_SIGNING_KEYS !== undefined
      ? { source: "env", text: v.CALENDLY_SIGNING_KEYS }
      : v.CALENDLY_SIGNING_KEY_PARAMETER !== undefined
        ? { source: "ssm", parameterName: v.CALENDLY_SIGNING_KEY_PARAMETER }
        : { source: "none" };
  const number = (name: NumberVariable) => {
    const digits = v[name];
    return digits === undefined ? NUMBER_RULES[name].fallback : Number(digits);
  };
  return {
    eventBusName: v.EVENT_BUS_NAME,
    claimCheckBucket: v.CLAIM_CHECK_BUCKET,
    signingKeys,
    toleranceSeconds: number("SIGNATURE_TOLERANCE_SECONDS"),
    futureSkewSeconds: number("SIGNATURE_FUTURE_SKEW_SECONDS"),
    keysRefreshSeconds: number("SIGNING_KEYS_REFRESH_SECONDS"),
    keysMaxAgeSeconds: number("SIGNING_KEYS_MAX_AGE_SECONDS"),
    maxBodyBytes: number("MAX_BODY_BYTES"),
    deliveryDeadlineMs: number(
      v.FORWARD_DEADLINE_MS !== undefined ? "FORWARD_DEADLINE_MS" : "DELIVERY_DEADLINE_MS",
    ),
    maxEntryBytes: number("EVENTBRIDGE_MAX_ENTRY_BYTES"),
  };
}
