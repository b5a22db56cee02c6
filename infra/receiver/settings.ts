/**
 * The receiver's settings: what `CalendlyWebhookReceiver` takes besides its signing keys, each
 * optional, with its default (`RECEIVER_DEFAULTS`) and the rule its value must follow.
 *
 * Pure (no Pulumi runtime), because two callers judge the same values with the same rules: the
 * component, for whoever constructs it directly (a problem names `args.<setting>`), and the stack's
 * configuration (infra/config-rules.ts), whose keys have these very names (a problem names
 * `calendly-webhooks:<key>`). The stack's own defaults are the ones Pulumi.yaml declares, which the
 * Pulumi CLI applies; test/infra/project-file.test.ts keeps them equal to these.
 */
import { DEFAULT_TOLERANCE_SECONDS } from "pulumi-calendly/signature";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export interface ReceiverSettings {
  /** Path of the single `POST` route: starts with `/`, no trailing slash, query or `{param}`. Default `/calendly/webhooks`. */
  routePath?: string;
  /** Retention of the function's and the API's log groups, in days (a value CloudWatch Logs accepts). Default 30. */
  logRetentionDays?: number;
  /** Days of events the bus archive keeps for replay (1-3650). Default 30. */
  archiveRetentionDays?: number;
  /** Days before large payloads expire from the claim-check bucket: at least `archiveRetentionDays`. Default 30. */
  claimCheckRetentionDays?: number;
  /** Memory of the receiver function in MB (128-10240; CPU grows with it). Default 256. */
  lambdaMemoryMb?: number;
  /** Steady requests per second the API accepts before it answers 429 (Calendly retries those). Default 50. */
  throttleRateLimit?: number;
  /** Burst of concurrent requests the API accepts. Default 100. */
  throttleBurstLimit?: number;
  /** Maximum age of a delivery's signature timestamp, in seconds (30-3600). Default 180. */
  signatureToleranceSeconds?: number;
  /** The receiver's log level. Default `INFO`. */
  logLevel?: LogLevel;
}

export type ResolvedReceiverSettings = Readonly<Required<ReceiverSettings>>;

/** The component's defaults, for every setting left unset. */
export const RECEIVER_DEFAULTS: ResolvedReceiverSettings = {
  routePath: "/calendly/webhooks",
  logRetentionDays: 30,
  archiveRetentionDays: 30,
  claimCheckRetentionDays: 30,
  lambdaMemoryMb: 256,
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  signatureToleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  logLevel: "INFO",
};

/** How each setting is written in the stack's configuration (what `pulumi.Config` reads it as). */
export const RECEIVER_SETTING_KINDS: Readonly<Record<keyof ReceiverSettings, SettingKind>> = {
  routePath: "string",
  logRetentionDays: "wholeNumber",
  archiveRetentionDays: "wholeNumber",
  claimCheckRetentionDays: "wholeNumber",
  lambdaMemoryMb: "wholeNumber",
  throttleRateLimit: "wholeNumber",
  throttleBurstLimit: "wholeNumber",
  signatureToleranceSeconds: "wholeNumber",
  logLevel: "string",
};

export type SettingKind = "string" | "wholeNumber";

/** Values to judge, as given (`undefined`: unset), and where each problem goes, by setting name. */
export interface SettingsCheck<K extends string> {
  given: Readonly<Partial<Record<K, unknown>>>;
  problem(key: K, message: string): void;
}

/** `given` over `defaults`, leaving out what is unset (an explicit `undefined` does not hide a default). */
export function withDefaults<T extends object>(defaults: Readonly<T>, given: Readonly<Partial<T>>): T {
  const set = Object.entries(given).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(set) } as T;
}

/** Checks a whole number within `[min, max]`; `NaN` when it is not one (the problem is reported). */
export function wholeNumberSetting<K extends string>(
  check: SettingsCheck<K>,
  value: unknown,
  key: K,
  range: { min: number; max: number; fix: string },
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    check.problem(key, `must be a whole number from ${range.min} to ${range.max}; ${range.fix}`);
    return Number.NaN;
  }
  return value;
}

/** Path segments API Gateway routes accept without escaping; no `{param}`, no trailing slash. */
const ROUTE_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * Judges every receiver setting (an unset one takes its default, which passes), reporting each
 * problem under its name. Returns the settings with the defaults filled in; meaningful only when
 * no problem was reported.
 */
export function checkReceiverSettings(
  check: SettingsCheck<keyof ReceiverSettings>,
): ResolvedReceiverSettings {
  const value = withDefaults<Record<keyof ReceiverSettings, unknown>>(RECEIVER_DEFAULTS, check.given);
  const whole = (key: keyof ReceiverSettings, min: number, max: number, fix: string) =>
    wholeNumberSetting(check, value[key], key, { min, max, fix });

  const routePath = value.routePath;
  if (typeof routePath !== "string" || !ROUTE_PATH.test(routePath)) {
    check.problem(
      "routePath",
      `${JSON.stringify(routePath)} is not a route path; use a path starting with "/", without a trailing slash, ` +
        'query or {parameters}, e.g. "/calendly/webhooks"',
    );
  }

  const retentionFix = `CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(", ")}`;
  const logRetentionDays = whole("logRetentionDays", 1, 3653, retentionFix);
  if (Number.isInteger(logRetentionDays) && !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    check.problem(
      "logRetentionDays",
      `${logRetentionDays} is not a retention CloudWatch Logs offers; ${retentionFix}`,
    );
  }
  const archiveRetentionDays = whole(
    "archiveRetentionDays",
    1,
    3650,
    "it is how many days of events can be replayed from the bus archive",
  );
  const claimCheckRetentionDays = whole(
    "claimCheckRetentionDays",
    1,
    3650,
    "it is how many days large payloads stay in the claim-check bucket",
  );
  if (
    Number.isInteger(archiveRetentionDays) &&
    Number.isInteger(claimCheckRetentionDays) &&
    claimCheckRetentionDays < archiveRetentionDays
  ) {
    check.problem(
      "claimCheckRetentionDays",
      `${claimCheckRetentionDays} days is shorter than archiveRetentionDays (${archiveRetentionDays}): a replayed ` +
        `event would point at a deleted payload; set it to at least ${archiveRetentionDays}`,
    );
  }
  const lambdaMemoryMb = whole("lambdaMemoryMb", 128, 10240, "Lambda accepts 128 to 10240 MB");
  const throttleRateLimit = whole("throttleRateLimit", 1, 10000, "requests per second, e.g. 50");
  const throttleBurstLimit = whole("throttleBurstLimit", 1, 5000, "concurrent requests, e.g. 100");
  const signatureToleranceSeconds = whole(
    "signatureToleranceSeconds",
    30,
    3600,
    `Calendly's own sample uses ${DEFAULT_TOLERANCE_SECONDS}`,
  );

  const logLevel = value.logLevel;
  if (typeof logLevel !== "string" || !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    check.problem("logLevel", `must be one of ${LOG_LEVELS.join(", ")}; got ${JSON.stringify(logLevel)}`);
  }

  return {
    routePath: routePath as string,
    logRetentionDays,
    archiveRetentionDays,
    claimCheckRetentionDays,
    lambdaMemoryMb,
    throttleRateLimit,
    throttleBurstLimit,
    signatureToleranceSeconds,
    logLevel: logLevel as LogLevel,
  };
}
