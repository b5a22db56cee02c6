/**
 * The rules of the stack's configuration: `validateStackConfig` checks raw values (as
 * `pulumi.Config` returns them) and reports every problem as `<config key>: <problem and fix>`.
 * No Pulumi runtime here: config.ts reads, this module judges.
 *
 * The keys that configure the receiver and its monitoring have the names of the component's
 * settings, and are judged by the component's own rules (receiver/settings.ts,
 * receiver/monitoring-settings.ts); the subscription rules (known events, event/scope matrix,
 * owners, URL) are the provider's own `checkSubscriptionInputs`, so a configuration that passes
 * here passes the provider's `check`.
 *
 * Defaults: Pulumi.yaml declares one for every key, and the Pulumi CLI applies it, so under the CLI
 * no key is unset. A key left unset anyway (a run without the CLI) means the component's default
 * for a receiver or monitoring setting; no external endpoint, no extra tags and the watchdog on
 * for the others; and `subscriptions` must be set.
 */

import type { Scope, WebhookEvent } from "pulumi-calendly";
import { callbackUrlProblem, checkSubscriptionInputs, UNKNOWN } from "pulumi-calendly";
import { z } from "zod";
import {
  checkMonitoringSettings,
  MONITORING_SETTING_KINDS,
  type MonitoringSettings,
} from "./receiver/monitoring-settings";
import { checkReceiverSettings, RECEIVER_SETTING_KINDS, type ReceiverSettings } from "./receiver/settings";

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
  tags: Record<string, string>;
  /** The receiver's settings as configured (unset ones: the component's defaults). */
  receiver: ReceiverSettings;
  /** The watchdog's and the alarms' settings as configured; absent with `watchdog: false` and in `endpointUrl` mode. */
  monitoring?: MonitoringSettings;
}

/** The stack's own keys: the subscriptions, the mode, the tags, the watchdog switch. */
const STACK_KEY_KINDS = {
  subscriptions: "list",
  endpointUrl: "string",
  tags: "object",
  watchdog: "boolean",
} as const;

/** Every project config key, and what `pulumi.Config` reads it as. */
export const CONFIG_KEY_KINDS = {
  ...STACK_KEY_KINDS,
  ...RECEIVER_SETTING_KINDS,
  ...MONITORING_SETTING_KINDS,
} as const;

export type ConfigKey = keyof typeof CONFIG_KEY_KINDS;

export interface ConfigProblem {
  /** The full config key, e.g. `calendly-webhooks:subscriptions[1].events`. */
  key: string;
  /** What is wrong and how to fix it. Never contains a secret. */
  message: string;
}

/** Subscription names become resource names and output keys: keep them short and plain. */
const SUBSCRIPTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;

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
 * Validates raw values as `pulumi.Config` returns them (`undefined`: unset, see the module
 * comment): the typed configuration, or every problem found.
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

/** The values of `kinds`' keys that are set in `raw`, as given. */
function given<K extends ConfigKey>(
  raw: RawStackConfig,
  kinds: Readonly<Record<K, unknown>>,
): Partial<Record<K, unknown>> {
  const keys = Object.keys(kinds) as K[];
  return Object.fromEntries(
    keys.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]),
  ) as Partial<Record<K, unknown>>;
}

/** Appends to `reader.problems`; returns the configuration only when it found nothing wrong. */
function validate(raw: RawStackConfig, reader: Reader): StackConfig | undefined {
  const before = reader.problems.length;
  const problem = (name: string, message: string) => reader.problems.push({ key: reader.key(name), message });

  // endpointUrl: unset or empty means "deploy the AWS receiver".
  let endpointUrl: string | undefined;
  const endpoint = raw.endpointUrl ?? "";
  if (typeof endpoint !== "string")
    problem("endpointUrl", "must be a string: the external receiver's https:// URL");
  else if (endpoint !== "") {
    const why = callbackUrlProblem(endpoint);
    if (why) problem("endpointUrl", `${why} (leave endpointUrl unset to deploy the AWS receiver instead)`);
    else endpointUrl = endpoint;
  }
  const endpointMode = endpoint !== "";

  const receiver = given(raw, RECEIVER_SETTING_KINDS) as ReceiverSettings;
  checkReceiverSettings({ given: receiver, problem });
  const tags = validateTags(raw.tags ?? {}, (message) => problem("tags", message));

  const watchdog = raw.watchdog ?? true;
  if (typeof watchdog !== "boolean") problem("watchdog", "must be true or false");
  const monitoring = given(raw, MONITORING_SETTING_KINDS) as MonitoringSettings;
  checkMonitoringSettings({ given: monitoring, problem });
  const off = watchdog === false || endpointMode;
  for (const key of ["alarmEmail", "alarmTopicArn"] as const) {
    if (off && monitoring[key]) {
      problem(
        key,
        `has no effect: ${endpointMode ? "endpointUrl mode deploys no watchdog or alarms" : "watchdog is false"}; unset it`,
      );
      break;
    }
  }

  const subscriptions = validateSubscriptions(raw.subscriptions, reader);

  if (reader.problems.length > before) return undefined;
  return {
    subscriptions,
    endpointUrl,
    tags,
    receiver,
    ...(off ? {} : { monitoring }),
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
