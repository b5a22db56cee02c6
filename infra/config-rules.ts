/**
 * The rules of the stack's configuration: types, defaults, and `validateStackConfig`, which checks
 * raw values (as `pulumi.Config` returns them) and reports every problem as `<config key>:
 * <problem and fix>`. No Pulumi runtime here: config.ts reads, this module judges.
 *
 * The subscription rules (known events, event/scope matrix, owners, URL) are the provider's own
 * `checkSubscriptionInputs`: a configuration that passes here passes the provider's `check`.
 * Declarations, descriptions and defaults live in Pulumi.yaml; `CONFIG_DEFAULTS` mirrors those
 * defaults for runs without the CLI (tests), and a test keeps the two equal.
 */

import type { Scope, WebhookEvent } from "pulumi-calendly";
import { callbackUrlProblem, checkSubscriptionInputs, UNKNOWN } from "pulumi-calendly";
import { DEFAULT_TOLERANCE_SECONDS } from "pulumi-calendly/signature";
import { z } from "zod";
import { MONITORING_DEFAULTS, type MonitoringConfig, validateMonitoring } from "./monitoring-config";

export type { MonitoringConfig } from "./monitoring-config";

export interface SubscriptionConfig {
  /** Unique in the stack: names the subscription's resources and its entry in the outputs. */
  name: string;
  /** Sorted and de-duplicated, as the provider's `check` returns them. */
  events: WebhookEvent[];
  scope: Scope;
  organization?: string;
  user?: string;
  group?: string;
  /** Raise by one to rotate this subscription's signing key (see docs/deployment.md). */
  signingKeyGeneration: number;
}

export interface StackConfig {
  subscriptions: SubscriptionConfig[];
  /** Set: no AWS receiver; subscriptions deliver to this URL. */
  endpointUrl?: string;
  routePath: string;
  logRetentionDays: number;
  archiveRetentionDays: number;
  claimCheckRetentionDays: number;
  lambdaMemoryMb: number;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  signatureToleranceSeconds: number;
  logLevel: LogLevel;
  tags: Record<string, string>;
  /** The watchdog and the alarms; absent with `watchdog: false` and in `endpointUrl` mode. */
  monitoring?: MonitoringConfig;
}

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;

/** The retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The defaults declared in Pulumi.yaml (the CLI applies those; this copy serves runs without it). */
export const CONFIG_DEFAULTS = {
  subscriptions: [{ name: "bookings", scope: "user", events: ["invitee.created", "invitee.canceled"] }],
  endpointUrl: "",
  routePath: "/calendly/webhooks",
  logRetentionDays: 30,
  archiveRetentionDays: 30,
  claimCheckRetentionDays: 30,
  lambdaMemoryMb: 256,
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  signatureToleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  logLevel: "INFO",
  tags: {},
  ...MONITORING_DEFAULTS,
} as const;

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;

export interface ConfigProblem {
  /** The full config key, e.g. `calendly-webhooks:subscriptions[1].events`. */
  key: string;
  /** What is wrong and how to fix it. Never contains a secret. */
  message: string;
}

/** Subscription names become resource names and output keys: keep them short and plain. */
const SUBSCRIPTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Path segments API Gateway routes accept without escaping; no `{param}`, no trailing slash. */
const ROUTE_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

const SUBSCRIPTION_KEYS = [
  "name",
  "events",
  "scope",
  "organization",
  "user",
  "group",
  "signingKeyGeneration",
] as const;

const GENERATION_PROBLEM =
  "signingKeyGeneration must be a whole number, 1 or more; raise it by one to rotate the key";

/**
 * Shape only: the values' meaning (events, scope, owners) is checked by the provider's rules.
 * A shape error on one subscription does not hide the other subscriptions' problems.
 */
const subscriptionShape = z.strictObject({
  name: z
    .string({ error: 'name is required: a short lowercase name such as "bookings"' })
    .regex(SUBSCRIPTION_NAME, {
      error: "name must be 1-32 characters: lowercase letters, digits and dashes, starting with a letter",
    }),
  events: z.unknown(),
  scope: z.unknown(),
  organization: z.unknown().optional(),
  user: z.unknown().optional(),
  group: z.unknown().optional(),
  // `pulumi config set --path 'subscriptions[0].signingKeyGeneration' 2` may store "2": accept it.
  signingKeyGeneration: z.preprocess(
    (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
    z
      .number({ error: GENERATION_PROBLEM })
      .int({ error: GENERATION_PROBLEM })
      .min(1, { error: GENERATION_PROBLEM })
      .default(1),
  ),
});

/** The raw values as `pulumi.Config` returned them (after its own type parsing). */
export type RawStackConfig = { [K in ConfigKey]?: unknown };

interface Reader {
  problems: ConfigProblem[];
  key(name: string): string;
}

/**
 * Validates raw values as `pulumi.Config` returns them (unset ones take `CONFIG_DEFAULTS`):
 * the typed configuration, or every problem found.
 */
export function validateStackConfig(
  raw: RawStackConfig,
  project: string,
): { config: StackConfig; problems: [] } | { config: undefined; problems: ConfigProblem[] } {
  const reader: Reader = { problems: [], key: (name) => `${project}:${name}` };
  const config = validate(raw, reader);
  return config && reader.problems.length === 0
    ? { config, problems: [] }
    : { config: undefined, problems: reader.problems };
}

/** Appends to `reader.problems`; returns the configuration only when it found nothing wrong. */
function validate(raw: RawStackConfig, reader: Reader): StackConfig | undefined {
  const before = reader.problems.length;
  const problem = (name: string, message: string) => reader.problems.push({ key: reader.key(name), message });
  const configured = <K extends ConfigKey>(name: K): unknown => raw[name] ?? CONFIG_DEFAULTS[name];

  const wholeNumber = (name: ConfigKey, min: number, max: number, fix: string): number => {
    const value = configured(name);
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      problem(name, `must be a whole number from ${min} to ${max}; ${fix}`);
      return Number.NaN;
    }
    return value;
  };

  // endpointUrl: empty means "deploy the AWS receiver".
  let endpointUrl: string | undefined;
  const endpoint = configured("endpointUrl");
  if (typeof endpoint !== "string")
    problem("endpointUrl", "must be a string: the external receiver's https:// URL");
  else if (endpoint !== "") {
    const why = callbackUrlProblem(endpoint);
    if (why) problem("endpointUrl", `${why} (leave endpointUrl unset to deploy the AWS receiver instead)`);
    else endpointUrl = endpoint;
  }

  const routePath = configured("routePath");
  if (typeof routePath !== "string" || !ROUTE_PATH.test(routePath)) {
    problem(
      "routePath",
      `${JSON.stringify(routePath)} is not a route path; use a path starting with "/", without a trailing slash, ` +
        'query or {parameters}, e.g. "/calendly/webhooks"',
    );
  }

  const retentionFix = `CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(", ")}`;
  const logRetentionDays = wholeNumber("logRetentionDays", 1, 3653, retentionFix);
  if (Number.isInteger(logRetentionDays) && !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    problem(
      "logRetentionDays",
      `${logRetentionDays} is not a retention CloudWatch Logs offers; ${retentionFix}`,
    );
  }
  const archiveRetentionDays = wholeNumber(
    "archiveRetentionDays",
    1,
    3650,
    "it is how many days of events can be replayed from the bus archive",
  );
  const claimCheckRetentionDays = wholeNumber(
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
    problem(
      "claimCheckRetentionDays",
      `${claimCheckRetentionDays} days is shorter than archiveRetentionDays (${archiveRetentionDays}): a replayed ` +
        `event would point at a deleted payload; set it to at least ${archiveRetentionDays}`,
    );
  }
  const lambdaMemoryMb = wholeNumber("lambdaMemoryMb", 128, 10240, "Lambda accepts 128 to 10240 MB");
  const throttleRateLimit = wholeNumber("throttleRateLimit", 1, 10000, "requests per second, e.g. 50");
  const throttleBurstLimit = wholeNumber("throttleBurstLimit", 1, 5000, "concurrent requests, e.g. 100");
  const signatureToleranceSeconds = wholeNumber(
    "signatureToleranceSeconds",
    30,
    3600,
    `Calendly's own sample uses ${DEFAULT_TOLERANCE_SECONDS}`,
  );

  const logLevel = configured("logLevel");
  if (typeof logLevel !== "string" || !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problem("logLevel", `must be one of ${LOG_LEVELS.join(", ")}; got ${JSON.stringify(logLevel)}`);
  }

  const tags = validateTags(configured("tags"), (message) => problem("tags", message));
  const monitoring = validateMonitoring(configured, problem, endpointUrl !== undefined || endpoint !== "");
  const subscriptions = validateSubscriptions(configured("subscriptions"), reader);

  if (reader.problems.length > before) return undefined;
  return {
    subscriptions,
    endpointUrl,
    routePath: routePath as string,
    logRetentionDays,
    archiveRetentionDays,
    claimCheckRetentionDays,
    lambdaMemoryMb,
    throttleRateLimit,
    throttleBurstLimit,
    signatureToleranceSeconds,
    logLevel: logLevel as LogLevel,
    tags,
    ...(monitoring ? { monitoring } : {}),
  };
}

function validateTags(value: unknown, problem: (message: string) => void): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problem('must be an object of tag names to strings, e.g. {"team": "sales"}');
    return {};
  }
  const tags: Record<string, string> = {};
  for (const [name, tag] of Object.entries(value)) {
    if (typeof tag !== "string") problem(`tag "${name}" must have a string value; quote it`);
    else if (name.length === 0 || name.length > 128 || tag.length > 256) {
      problem(`tag "${name}": AWS allows names of 1-128 and values of up to 256 characters`);
    } else if (name.toLowerCase().startsWith("aws:")) {
      problem(`tag "${name}": the "aws:" prefix is reserved by AWS; rename it`);
    } else tags[name] = tag;
  }
  return tags;
}

function validateSubscriptions(value: unknown, reader: Reader): SubscriptionConfig[] {
  const problem = (name: string, message: string) => reader.problems.push({ key: reader.key(name), message });
  if (!Array.isArray(value) || value.length === 0) {
    problem(
      "subscriptions",
      'must be a non-empty list, e.g. [{"name": "bookings", "scope": "user", "events": ["invitee.created"]}]',
    );
    return [];
  }

  const subscriptions: SubscriptionConfig[] = [];
  const names = new Map<string, number>();
  value.forEach((item: unknown, index) => {
    const at = `subscriptions[${index}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problem(
        at,
        'must be an object such as {"name": "bookings", "scope": "user", "events": ["invitee.created"]}',
      );
      return;
    }
    const shape = subscriptionShape.safeParse(item);
    if (!shape.success) {
      for (const issue of shape.error.issues) {
        if (issue.code === "unrecognized_keys") {
          for (const key of issue.keys) {
            problem(`${at}.${key}`, `unknown setting; a subscription takes ${SUBSCRIPTION_KEYS.join(", ")}`);
          }
        } else {
          problem(`${at}.${String(issue.path[0])}`, issue.message);
        }
      }
    }
    const entry = item as Record<string, unknown>;
    const label = typeof entry.name === "string" ? `subscription "${entry.name}": ` : "";

    // The provider's own rules. The URL is checked once, as endpointUrl, above; in receiver mode it
    // is not known yet, which the rules treat as they do during a preview.
    const { inputs, failures } = checkSubscriptionInputs({
      url: UNKNOWN,
      events: entry.events,
      scope: entry.scope,
      organization: entry.organization,
      user: entry.user,
      group: entry.group,
    });
    for (const failure of failures) problem(`${at}.${failure.property}`, `${label}${failure.reason}`);
    if (!shape.success || failures.length > 0) return;

    const name = shape.data.name;
    const sameName = names.get(name);
    if (sameName !== undefined) {
      problem(
        `${at}.name`,
        `"${name}" is already the name of subscriptions[${sameName}]; names must be unique`,
      );
      return;
    }
    names.set(name, index);

    const subscription: SubscriptionConfig = {
      name,
      // `check` passed: every event is a known one.
      events: inputs.events as WebhookEvent[],
      scope: inputs.scope as Scope,
      signingKeyGeneration: shape.data.signingKeyGeneration,
    };
    for (const key of ["organization", "user", "group"] as const) {
      if (typeof inputs[key] === "string") subscription[key] = inputs[key] as string;
    }

    subscriptions.push(subscription);
  });
  return subscriptions;
}
