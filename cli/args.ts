/**
 * The CLI's command lines, read as every entry point of the project reads its own
 * (tools/command-line): unknown options, missing values and stray arguments are usage errors (a
 * `CommandLineError`, exit 2) that name the fix and come with the command's usage line. The CLI
 * adds one rule: `--token` is refused, with the reason.
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { CommandLineError, parseCommandLine } from "../tools/command-line";

/** What the caller typed wrong: exit code 2, shown with the command's usage line. */
export class UsageError extends Error {
  override readonly name = "UsageError";
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

/**
 * Parses `argv` against `options` (plus `--help`, handled by the dispatcher); throws
 * CommandLineError, which cli/main.ts reports with the command's usage line (exit 2).
 */
export function parseOptions<T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  return parseWithCliRules(argv, options, false).values;
}

/** Like `parseOptions`, for a command that also takes arguments: its options and its arguments. */
export function parseOptionsAndArguments<T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  return parseWithCliRules(argv, options, true);
}

function parseWithCliRules<T extends ParseArgsOptionsConfig>(
  argv: string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseCommandLine(argv, options, { allowPositionals });
  } catch (error) {
    if (error instanceof CommandLineError && error.option === "--token") {
      throw new CommandLineError(
        "--token is not accepted (command lines end up in shell history): set CALENDLY_TOKEN, or use --stack <name>",
        error.code,
        error.option,
      );
    }
    throw error;
  }
}
