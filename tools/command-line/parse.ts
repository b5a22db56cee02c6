/**
 * Reading a command line with node:util's parseArgs, for every entry point of the project (the
 * CLI, the emulator, the local receiver, `npm run dev`, the test and benchmark runners), with one
 * set of rules: an unknown option (with a "did you mean"), a missing value, a value given to a
 * flag, a value that looks like an option, or an argument where none is taken is a
 * `CommandLineError` naming the option, never quoting an option's value (it may be a secret).
 *
 * Why parseArgs and not commander: the CLI writes its own help and usage lines, exits 2 on a usage
 * error with one line, and refuses `--token` with a reason, all of which commander would have us
 * override; what it would add, "did you mean", is suggest.ts's 30 lines. And parseArgs is Node's.
 *
 * The problems are found on parseArgs' tokens (a lenient pass), not by reading its error messages,
 * which Node may reword at any release; the strict pass that follows then cannot fail.
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { didYouMean } from "./suggest";

export type CommandLineErrorCode =
  | "ERR_UNKNOWN_OPTION"
  | "ERR_MISSING_VALUE"
  | "ERR_UNEXPECTED_VALUE"
  | "ERR_AMBIGUOUS_VALUE"
  | "ERR_UNEXPECTED_ARGUMENT"
  | "ERR_MISSING_OPTION"
  | "ERR_INVALID_VALUE";

/** A command line that cannot be used as given: exit code 2, one line that names the option. */
export class CommandLineError extends Error {
  override readonly name = "CommandLineError";
  constructor(
    message: string,
    readonly code: CommandLineErrorCode,
    /** The option concerned as typed (`--jsno`), if one is. */
    readonly option?: string,
  ) {
    super(message);
  }
}

type StrictConfig<T extends ParseArgsOptionsConfig> = {
  args: string[];
  options: T;
  strict: true;
  allowPositionals: true;
};

/** The options' values (typed from their declarations) and the arguments. */
export type CommandLine<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<StrictConfig<T>>>;

/** Whether `--help` or `-h` comes before any `--`: help then wins over everything else on the line. */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/**
 * Parses `argv` (without node and the script) against `options`; throws `CommandLineError`.
 * Arguments other than options are refused unless `allowPositionals`.
 */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: T,
  { allowPositionals = false }: { allowPositionals?: boolean } = {},
): CommandLine<T> {
  const args = [...argv];
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const known = Object.keys(options).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (allowPositionals) continue;
      throw new CommandLineError(`unexpected argument "${token.value}"`, "ERR_UNEXPECTED_ARGUMENT");
    }
    const option = token.rawName;
    const declared = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (declared === undefined) {
      throw new CommandLineError(
        `unknown option ${option}${didYouMean(option, known)}`,
        "ERR_UNKNOWN_OPTION",
        option,
      );
    }
    if (declared.type === "boolean" && token.value !== undefined) {
      throw new CommandLineError(`${option} is a flag and takes no value`, "ERR_UNEXPECTED_VALUE", option);
    }
    if (declared.type === "string" && token.value === undefined) {
      throw new CommandLineError(`${option} needs a value`, "ERR_MISSING_VALUE", option);
    }
    // `--key -abc`: a value or a forgotten value before the next option? Say which is meant.
    if (declared.type === "string" && !token.inlineValue && /^-./.test(token.value ?? "")) {
      throw new CommandLineError(
        `${option}'s value starts with "-": write it as ${option}=<value>`,
        "ERR_AMBIGUOUS_VALUE",
        option,
      );
    }
  }
  return parseArgs({ args, options, strict: true, allowPositionals: true });
}
