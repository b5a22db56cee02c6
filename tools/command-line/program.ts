/**
 * The frame of every entry point but the CLI (which has commands, so its own: cli/main.ts): the
 * emulator, the local receiver, `npm run dev`, the test and benchmark runners.
 *
 * `--help` (or `-h`) prints the help and exits 0, whatever else is on the line. A command line that
 * cannot be used prints one line naming the problem, then the usage line, and exits 2. An error
 * out of `main` prints one line and exits 1. Otherwise `main`'s number is the exit code; a `main`
 * that returns nothing leaves the process running (a server, until a signal stops it).
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { asksForHelp, type CommandLine, CommandLineError, parseCommandLine } from "./parse";

export interface Program<T extends ParseArgsOptionsConfig> {
  /** How people run it, the prefix of its messages: `npm run emulator`. */
  name: string;
  /** What `--help` prints; its first line is the usage line, e.g. `Usage: npm run emulator -- [options]`. */
  help: string;
  options: T;
  /** Whether it takes arguments besides options. Default false. */
  allowPositionals?: boolean;
}

/** Reads the command line of `program` (or prints its help) and runs `main`; see the header. */
export function runProgram<T extends ParseArgsOptionsConfig>(
  program: Program<T>,
  /** Resolves to the exit code, or to nothing to leave the process running. */
  main: (commandLine: CommandLine<T>) => Promise<unknown>,
  argv: readonly string[] = process.argv.slice(2),
): void {
  const fail: (error: unknown) => never = (error) => {
    if (error instanceof CommandLineError) {
      const usage = program.help.split("\n", 1)[0];
      process.stderr.write(
        `${program.name}: ${error.message}\n${usage}\nRun "${program.name} -- --help" for the options.\n`,
      );
      process.exit(2);
    }
    process.stderr.write(`${program.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
  if (asksForHelp(argv)) {
    process.stdout.write(`${program.help}\n`);
    process.exit(0);
  }
  let commandLine: CommandLine<T>;
  try {
    commandLine = parseCommandLine(argv, program.options, { allowPositionals: program.allowPositionals });
  } catch (error) {
    fail(error);
  }
  main(commandLine).then((code) => {
    if (typeof code === "number") process.exit(code);
  }, fail);
}
