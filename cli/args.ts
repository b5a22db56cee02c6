/**
 * Argument parsing on top of node:util's parseArgs, with the CLI's rules: unknown options,
 * missing values and stray arguments are usage errors (exit 2) that name the fix and come with the
 * command's usage line.
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { didYouMean } from "./suggest";

/** What the caller typed wrong: exit code 2, with the command's usage line. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    /** The usage line of the command concerned; the global usage when absent. */
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** A failure the user can act on: exit code 1, the message alone (one line). */
export class CliError extends Error {
  override readonly name = "CliError";
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `calendly-webhooks <name> …` with its options. */
  usage: string;
}

/** Options every command that talks to Calendly accepts. */
export const API_OPTIONS = {
  stack: { type: "string" },
  "api-url": { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

export const API_OPTIONS_HELP = `Calendly access:
  --stack <name>        read calendly:token (and calendly:apiUrl) from this Pulumi stack's config
                        (runs \`pulumi config get\`; wins over CALENDLY_TOKEN)
  --api-url <url>       Calendly API base URL (default: CALENDLY_API_URL, else https://api.calendly.com)
  The token comes from CALENDLY_TOKEN or --stack; it is never accepted on the command line.`;

function optionName(message: string): string {
  return /'(-[^' ]+)/.exec(message)?.[1] ?? "";
}

/** Parses `argv` against `options` (plus `--help`, handled by the dispatcher); throws UsageError. */
export function parseOptions<T extends ParseArgsOptionsConfig>(
  spec: CommandSpec,
  argv: string[],
  options: T,
) {
  return parseCommandLine(spec, argv, options, false).values;
}

/** Like `parseOptions`, for a command that also takes arguments: its options and its arguments. */
export function parseOptionsAndArguments<T extends ParseArgsOptionsConfig>(
  spec: CommandSpec,
  argv: string[],
  options: T,
) {
  return parseCommandLine(spec, argv, options, true);
}

function parseCommandLine<T extends ParseArgsOptionsConfig>(
  spec: CommandSpec,
  argv: string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const known = Object.keys(options).map((name) => `--${name}`);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = optionName(message);
      if (option === "--token") {
        throw new UsageError(
          "--token is not accepted (command lines end up in shell history): set CALENDLY_TOKEN, or use --stack <name>",
          spec.usage,
        );
      }
      throw new UsageError(`unknown option ${option}${didYouMean(option, known)}`, spec.usage);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const option = optionName(message);
      // Never echo the value: it may be a signing key.
      const problem = /does not take an argument/.test(message)
        ? `${option} is a flag and takes no value`
        : /ambiguous/.test(message)
          ? `${option}'s value starts with "-": write it as ${option}=<value>`
          : `${option} needs a value`;
      throw new UsageError(problem, spec.usage);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const stray = /'([^']*)'/.exec(message)?.[1] ?? "";
      throw new UsageError(`unexpected argument "${stray}"`, spec.usage);
    }
    throw new UsageError(message, spec.usage);
  }
}

/** The value of a required option, or a usage error naming it. */
export function required(spec: CommandSpec, values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0) {
    throw new UsageError(`--${name} is required`, spec.usage);
  }
  return value;
}

/** An http(s) URL, or a usage error. */
export function httpUrl(spec: CommandSpec, option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${option} must be an http(s) URL, got "${value}"`, spec.usage);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`--${option} must be an http(s) URL, got "${value}"`, spec.usage);
  }
  return value;
}

/** A non-negative integer option (seconds), or a usage error. */
export function seconds(spec: CommandSpec, option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,12}$/.test(value)) {
    throw new UsageError(`--${option} must be a whole number of seconds, got "${value}"`, spec.usage);
  }
  return Number(value);
}
