/**
 * The stack's configuration, read once with `pulumi.Config` before any resource is declared: the
 * project keys (judged by config-rules.ts) and the provider's `calendly:*` keys. Returns it typed,
 * or throws one `StackConfigError` listing every problem as `<config key>: <problem and fix>`, so a
 * bad configuration touches nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { callbackUrlProblem } from "pulumi-calendly";
import {
  type ConfigKey,
  type ConfigProblem,
  type RawStackConfig,
  type StackConfig,
  validateStackConfig,
} from "./config-rules";
import { MONITORING_WHOLE_NUMBERS } from "./monitoring-config";

export * from "./config-rules";

/** Bad configuration. A RunError, so Pulumi prints the message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `The stack configuration has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}; ` +
        "nothing was created, changed or deleted:\n" +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "StackConfigError";
  }
}

/**
 * Reads the project config and `calendly:*` through `pulumi.Config`, validates everything, and
 * returns the typed configuration or throws `StackConfigError` listing every problem.
 */
export function readStackConfig(): StackConfig {
  const project = pulumi.getProject();
  const config = new pulumi.Config();
  const problems: ConfigProblem[] = [];

  const raw: RawStackConfig = {};
  const read = (name: ConfigKey, get: () => unknown, what: string) => {
    try {
      raw[name] = get();
    } catch {
      // pulumi.Config's own message quotes the value; ours names the expected type only.
      problems.push({ key: `${project}:${name}`, message: `must be ${what}` });
    }
  };
  read("subscriptions", () => config.getObject<unknown>("subscriptions"), "a JSON list of subscriptions");
  read("endpointUrl", () => config.get("endpointUrl"), "a string");
  read("routePath", () => config.get("routePath"), "a string");
  for (const name of [
    "logRetentionDays",
    "archiveRetentionDays",
    "claimCheckRetentionDays",
    "lambdaMemoryMb",
    "throttleRateLimit",
    "throttleBurstLimit",
    "signatureToleranceSeconds",
    ...MONITORING_WHOLE_NUMBERS,
  ] as const) {
    read(name, () => config.getNumber(name), "a whole number");
  }
  read("logLevel", () => config.get("logLevel"), "a string");
  read("watchdog", () => config.getBoolean("watchdog"), "true or false");
  for (const name of ["watchdogSchedule", "alarmEmail", "alarmTopicArn"] as const) {
    read(name, () => config.get(name), "a string");
  }
  read("tags", () => config.getObject<unknown>("tags"), 'a JSON object of strings, e.g. {"team": "sales"}');

  // Values pulumi.Config could not parse are reported above (and left to their defaults here).
  const validated = validateStackConfig(raw, project);
  problems.push(...validated.problems);
  checkCalendlyProviderConfig(problems);
  if (problems.length > 0 || !validated.config) throw new StackConfigError(problems);
  return validated.config;
}

/**
 * `calendly:token` and `calendly:apiUrl` belong to the provider (it reads them in `configure`);
 * the program only checks them, and never reads the token's value.
 */
function checkCalendlyProviderConfig(problems: ConfigProblem[]): void {
  const calendly = new pulumi.Config("calendly");
  const apiUrl = calendly.get("apiUrl");
  if (apiUrl !== undefined && apiUrl !== "") {
    const why = callbackUrlProblem(apiUrl);
    if (why)
      problems.push({
        key: "calendly:apiUrl",
        message: `${why} (leave it unset for https://api.calendly.com)`,
      });
  }
  if (tokenStoredInPlainText()) {
    problems.push({
      key: "calendly:token",
      message:
        "is stored in plain text in the stack's config file; revoke that token at Calendly, then set a new one " +
        "encrypted: `pulumi config set --secret calendly:token <personal access token>`",
    });
  }
  const hasToken = calendly.getSecret("token") !== undefined || Boolean(process.env.CALENDLY_TOKEN);
  if (!hasToken && !pulumi.runtime.isDryRun()) {
    problems.push({
      key: "calendly:token",
      message:
        "is not set, and neither is CALENDLY_TOKEN; `pulumi up` needs a Calendly token to manage the " +
        "subscriptions: export CALENDLY_TOKEN=<personal access token> (as the deploy workflow does), or, " +
        "for a stack no pull-request preview reads, `pulumi config set --secret calendly:token <token>`",
    });
  } else if (!hasToken) {
    // The CI preview's normal case (docs/deployment.md): it never gets the token.
    pulumi.log.warn(
      "No Calendly token (CALENDLY_TOKEN or calendly:token): the preview works, `pulumi up` will " +
        "need one (export CALENDLY_TOKEN=<personal access token>)",
    );
  }
}

/**
 * Whether `calendly:token` is set but not as a secret. Pulumi exposes this only through an
 * internal helper (the one `Config.get` uses to warn about secrets); without it, no check.
 */
function tokenStoredInPlainText(): boolean {
  if (pulumi.runtime.getConfig("calendly:token") === undefined) return false;
  const internals = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };
  return typeof internals.isConfigSecret === "function" && !internals.isConfigSecret("calendly:token");
}
