/**
 * Running a command-line program made of CLI commands: find the command, hand it its arguments,
 * and turn whatever it throws into one line on stderr and an exit code: 0 success, 1 failure
 * (CliError and the rest), 2 usage (UsageError, CommandLineError).
 *
 * Two programs are made of these commands: `calendly-webhooks` (cli/main.ts: this repository's
 * companion, every command) and `pulumi-calendly` (cli/package-main.ts: the package's bin, the
 * commands a user of the package needs). The commands' usage and help say `calendly-webhooks`;
 * here they are given the name of the program that runs them.
 */
import { PROJECT_VERSION } from "../calendly";
import { asksForHelp, CommandLineError, didYouMean } from "../tools/command-line";
import { CliError, UsageError } from "./args";
import type { CliDeps, Command } from "./command";
import { type CliIO, createReporter, processIO, type Reporter } from "./output";

/** The name the commands' own texts use. */
const COMMANDS_NAME = "calendly-webhooks";

export interface CliProgram {
  /** What users type: `calendly-webhooks`, `pulumi-calendly`. */
  name: string;
  /** One sentence under the usage line of `--help`. */
  about: string;
  commands: readonly Command[];
  /** A sentence added to the help's paragraph on the token, if any. */
  notes?: string;
}

/** `command` as `program` shows it: its usage and help with the program's name. */
function named(command: Command, program: string): Command {
  if (program === COMMANDS_NAME) return command;
  const rename = (text: string) => text.replaceAll(`${COMMANDS_NAME} `, `${program} `);
  return { ...command, usage: rename(command.usage), help: rename(command.help) };
}

function globalUsage(program: CliProgram): string {
  return `${program.name} <command> [options]`;
}

export function globalHelp(program: CliProgram): string {
  return `${globalUsage(program)}

${program.about}

Commands:
${program.commands.map((c) => `  ${c.name.padEnd(11)} ${c.summary}`).join("\n")}

Run "${program.name} <command> --help" for a command's options.

The Calendly token comes from CALENDLY_TOKEN, or from a Pulumi stack with --stack <name>; the API
URL from --api-url or CALENDLY_API_URL (the emulator: http://127.0.0.1:4010).${program.notes ? ` ${program.notes}` : ""}

Exit codes: 0 success, 1 failure, 2 usage error.`;
}

/** Options taking a value, whose value must not be mistaken for the command word. */
const VALUE_OPTIONS_BEFORE_COMMAND = new Set(["--stack", "--api-url"]);

function splitCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (VALUE_OPTIONS_BEFORE_COMMAND.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith("-")) return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: [...argv] };
}

/** A reporter whose notes name the program that runs, not the commands' own name. */
function reporterFor(io: CliIO, program: string): Reporter {
  const reporter = createReporter(io);
  if (program === COMMANDS_NAME) return reporter;
  return {
    progress: (label, work) => reporter.progress(label, work),
    note: (line) => reporter.note(line.replace(new RegExp(`^${COMMANDS_NAME}\\b`), program)),
  };
}

/** Runs `program` with `argv` (without node and script) and returns the exit code. */
export async function runCli(
  program: CliProgram,
  argv: readonly string[],
  io: CliIO = processIO(),
  deps: CliDeps = {},
): Promise<number> {
  const commands = program.commands.map((c) => named(c, program.name));
  const usage = globalUsage(program);
  const { name, rest } = splitCommand(argv);
  if (name === "help") {
    const topic = rest.find((a) => !a.startsWith("-"));
    const command = commands.find((c) => c.name === topic);
    io.stdout.write(`${command?.help ?? globalHelp(program)}\n`);
    return topic === undefined || command ? 0 : 2;
  }
  if (name === undefined) {
    if (rest.includes("--version")) {
      io.stdout.write(`${PROJECT_VERSION}\n`);
      return 0;
    }
    if (asksForHelp(rest)) {
      io.stdout.write(`${globalHelp(program)}\n`);
      return 0;
    }
    io.stderr.write(`${program.name}: a command is needed\nusage: ${usage}\n\n${globalHelp(program)}\n`);
    return 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const names = commands.map((c) => c.name);
    io.stderr.write(
      `${program.name}: unknown command "${name}"${didYouMean(name, names)}; commands: ${names.join(", ")}\nusage: ${usage}\n`,
    );
    return 2;
  }
  if (asksForHelp(rest)) {
    io.stdout.write(`${command.help}\n`);
    return 0;
  }

  const reporter = reporterFor(io, program.name);
  try {
    return await command.run(rest, { io, reporter, deps });
  } catch (error) {
    if (error instanceof UsageError || error instanceof CommandLineError) {
      io.stderr.write(
        `${program.name} ${command.name}: ${error.message}\nusage: ${command.usage}\nRun "${program.name} ${command.name} --help" for details.\n`,
      );
      return 2;
    }
    const message =
      error instanceof CliError
        ? error.message
        : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr.write(`${program.name} ${command.name}: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    return 1;
  }
}

/** Runs `program` in this process and exits with its code. */
export function startCli(program: CliProgram): void {
  runCli(program, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Exit even if a socket or timer lingers; unref'd, so a clean exit is not delayed.
      setTimeout(() => process.exit(code), 1_000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`${program.name}: unexpected error: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
