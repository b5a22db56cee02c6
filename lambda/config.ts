/**
 * The receiver's configuration: environment variables parsed with zod once per container.
 *
 * A bad value is a deployment mistake, not bad input: `loadConfig` throws a `ConfigError` that
 * names every offending variable and how to fix it (never echoing a value, which could be a key).
 */
import * as z from "zod";
import { DEFAULT_FUTURE_SKEW_SECONDS, DEFAULT_TOLERANCE_SECONDS } from "../calendly/signature";

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
  /** Bodies above this get 413. */
  maxBodyBytes: number;
  /** Total time allowed for forwarding (claim check + PutEvents with retries). */
  forwardDeadlineMs: number;
  /** Entries at or above this size (EventBridge's way of counting) are claim-checked. */
  maxEntryBytes: number;
}

/** Calendly waits 15 s for an answer; this leaves room for key loading and a cold start. */
export const DEFAULT_FORWARD_DEADLINE_MS = 5000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** EventBridge's limit for one PutEvents entry (and for a whole request). */
export const EVENTBRIDGE_MAX_ENTRY_BYTES = 256 * 1024;
export const DEFAULT_KEYS_REFRESH_SECONDS = 60;

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

const FIXES: Record<string, string> = {
  EVENT_BUS_NAME: "set it to the name (or ARN) of the EventBridge bus that receives Calendly events",
  CLAIM_CHECK_BUCKET: "set it to the S3 bucket that holds bodies too large for one EventBridge entry",
  CALENDLY_SIGNING_KEYS: "set it to a JSON array of signing keys, or keys separated by commas or newlines",
  CALENDLY_SIGNING_KEY_PARAMETER: "set it to the name of an SSM SecureString parameter holding the keys",
  SIGNATURE_TOLERANCE_SECONDS: "use a whole number of seconds, e.g. 180 (Calendly's own sample)",
  SIGNATURE_FUTURE_SKEW_SECONDS: "use a whole number of seconds, e.g. 30",
  SIGNING_KEYS_REFRESH_SECONDS: "use a whole number of seconds, e.g. 60",
  MAX_BODY_BYTES: "use a whole number of bytes, e.g. 1048576",
  FORWARD_DEADLINE_MS: "use a whole number of milliseconds well under Calendly's 15 s, e.g. 5000",
  EVENTBRIDGE_MAX_ENTRY_BYTES: "use EventBridge's entry limit in bytes, 262144 unless your bus allows more",
};

/** Unset and empty are the same thing in an environment. */
const optionalText = z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().min(1).optional());
const wholeNumber = (fallback: number, min: number, max: number) =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Number(v)),
    z.number().int().min(min).max(max).default(fallback),
  );

const EnvSchema = z.object({
  EVENT_BUS_NAME: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().min(1)),
  CLAIM_CHECK_BUCKET: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().min(1)),
  CALENDLY_SIGNING_KEYS: optionalText,
  CALENDLY_SIGNING_KEY_PARAMETER: optionalText,
  SIGNATURE_TOLERANCE_SECONDS: wholeNumber(DEFAULT_TOLERANCE_SECONDS, 1, 86_400),
  SIGNATURE_FUTURE_SKEW_SECONDS: wholeNumber(DEFAULT_FUTURE_SKEW_SECONDS, 0, 3600),
  SIGNING_KEYS_REFRESH_SECONDS: wholeNumber(DEFAULT_KEYS_REFRESH_SECONDS, 0, 86_400),
  MAX_BODY_BYTES: wholeNumber(DEFAULT_MAX_BODY_BYTES, 1024, 6 * 1024 * 1024),
  FORWARD_DEADLINE_MS: wholeNumber(DEFAULT_FORWARD_DEADLINE_MS, 100, 14_000),
  EVENTBRIDGE_MAX_ENTRY_BYTES: wholeNumber(EVENTBRIDGE_MAX_ENTRY_BYTES, 1024, 1024 * 1024),
});

/** Parses the receiver's variables out of `env`; throws `ConfigError` naming each bad one. */
export function loadConfig(env: Env): ReceiverConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const seen = new Set<string>();
    const problems = [];
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "environment");
      if (seen.has(variable)) continue;
      seen.add(variable);
      const unset = env[variable] === undefined || env[variable] === "";
      // zod's messages for numbers quote limits, never the input; we still word them ourselves.
      const problem = unset
        ? "is not set"
        : `is not valid (${issue.code === "invalid_type" ? "not a number" : issue.message})`;
      problems.push({ variable, problem, fix: FIXES[variable] ?? "check its value" });
    }
    throw new ConfigError(problems);
  }
  const v = parsed.data;
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
  return {
    eventBusName: v.EVENT_BUS_NAME,
    claimCheckBucket: v.CLAIM_CHECK_BUCKET,
    signingKeys,
    toleranceSeconds: v.SIGNATURE_TOLERANCE_SECONDS,
    futureSkewSeconds: v.SIGNATURE_FUTURE_SKEW_SECONDS,
    keysRefreshSeconds: v.SIGNING_KEYS_REFRESH_SECONDS,
    maxBodyBytes: v.MAX_BODY_BYTES,
    forwardDeadlineMs: v.FORWARD_DEADLINE_MS,
    maxEntryBytes: v.EVENTBRIDGE_MAX_ENTRY_BYTES,
  };
}
