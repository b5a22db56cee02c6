/** What a command is and what it is given: its arguments, where to write, and test seams. */
import type { SSMClientConfig } from "@aws-sdk/client-ssm";
import type { CalendlyClientOptions } from "../calendly";
import type { CommandSpec } from "./args";
import type { PulumiConfigReader } from "./credentials";
import type { CliIO, Reporter } from "./output";

/** Replaceable parts, for in-process tests; the real CLI uses none of them. */
export interface CliDeps {
  /** Reads a Pulumi stack's config (default: the `pulumi` CLI). */
  readConfig?: PulumiConfigReader;
  /** Extra client options, e.g. a short retry policy. */
  clientOptions?: Partial<Omit<CalendlyClientOptions, "token" | "baseUrl">>;
  /**
   * SSM client settings under the stack's region (`token`): an endpoint, credentials and a default
   * region for a run in this process, where the SDK's own reading of the environment would see
   * the test runner's.
   */
  ssm?: SSMClientConfig;
}

export interface CommandContext {
  io: CliIO;
  reporter: Reporter;
  deps: CliDeps;
}

export interface Command extends CommandSpec {
  /** The full `--help` text. */
  help: string;
  /** Returns the exit code; throws UsageError (2) or CliError (1). */
  run(argv: string[], context: CommandContext): Promise<number>;
}
