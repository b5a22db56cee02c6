/**
 * The stack's configuration, read once with `pulumi.Config` before any resource is declared: the
 * project keys (judged by config-rules.ts) and the provider's `calendly:*` keys. Returns it typed,
 * or throws one `StackConfigError` listing every problem as `<config key>: <problem and fix>`, so a
 * bad configuration touches nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { callbackUrlProblem } from "pulumi-calendly";
import {
  CONFIG_KEY_KINDS,
  type ConfigKey,
  type ConfigProblem,
  type RawStackConfig,
  type StackConfig,
  validateStackConfig,
} from "./config-rules";

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
  // pulumi.Config's own message quotes the value; ours names the expected type only.
  const expected = {
    list: "a JSON list of subscriptions",
    object: 'a JSON object of strings, e.g. {"team": "sales"}',
    string: "a string",
    wholeNumber: "a whole number",
    boolean: "true or false",
  } as const;
  for (const [name, kind] of Object.entries(CONFIG_KEY_KINDS) as [ConfigKey, keyof typeof expected][]) {
    try {
      raw[name] =
        kind === "list" || kind === "object"
          ? config.getObject<unknown>(name)
          : kind === "wholeNumber"
            ? config.getNumber(name)
            : kind === "boolean"
              ? config.getBoolean(name)
              : config.get(name);
    } catch {
      problems.push({ key: `${project}:${name}`, message: `must be ${expected[kind]}` });
    }
  }

  // Values pulumi.Config could not parse are reported above, once: left unset here, their keys
  // would draw a second problem (`subscriptions` must be set).
  const validated = validateStackConfig(raw, project);
  const unreadable = new Set(problems.map((p) => p.key));
  problems.push(...validated.problems.filter((p) => !unreadable.has(p.key)));
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
        "is stored in plain text in the stack's config file; revoke that token at Calendly, remove it " +
        "(`pulumi config rm calendly:token`) and export the new one as CALENDLY_TOKEN instead: a token in " +
        "config, even encrypted, is stored in the stack's state (docs/deployment.md)",
    });
  }
  const hasToken = calendly.getSecret("token") !== undefined || Boolean(process.env.CALENDLY_TOKEN);
  if (!hasToken && !pulumi.runtime.isDryRun()) {
    problems.push({
      key: "calendly:token",
      message:
        "is not set, and neither is CALENDLY_TOKEN; `pulumi up` needs a Calendly token to manage the " +
        "subscriptions: `read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN` (it reads the token from the terminal; the deploy workflow exports it; " +
        "never in config, where it would be stored in the state)",
    });
  } else if (!hasToken) {
    // The CI preview's normal case (docs/deployment.md): it never gets the token.
    pulumi.log.warn(
      "No Calendly token (CALENDLY_TOKEN or calendly:token): the preview works, `pulumi up` will " +
        "need one (`read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN`)",
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
