/**
 * `calendly-webhooks`: the command-line companion of the stack. Finds the command, hands it its
 * arguments, and turns whatever it throws into one line on stderr and an exit code:
 * 0 success, 1 failure (CliError and the rest), 2 usage (UsageError, CommandLineError).
 *
 *   npx calendly-webhooks whoami          (bin/calendly-webhooks.js)
 *   npm run cli -- list --json            (tsx cli/main.ts)
 */
import { PROJECT_VERSION } from "../calendly";
import { asksForHelp, CommandLineError, didYouMean } from "../tools/command-line";
import { CliError, UsageError } from "./args";
import type { CliDeps, Command } from "./command";
import { adoptCommand } from "./commands/adopt";
import { inviteeCommand } from "./commands/invitee";
import { listCommand } from "./commands/list";
import { sendTestCommand } from "./commands/send-test";
import { tokenCommand } from "./commands/token";
import { verifyCommand } from "./commands/verify";
import { watchCommand } from "./commands/watch";
import { whoamiCommand } from "./commands/whoami";
import { type CliIO, createReporter, processIO } from "./output";

export const PROGRAM = "calendly-webhooks";

export const COMMANDS: readonly Command[] = [
  whoamiCommand,
  listCommand,
  sendTestCommand,
  verifyCommand,
  adoptCommand,
  inviteeCommand,
  watchCommand,
  tokenCommand,
];

const GLOBAL_USAGE = `${PROGRAM} <command> [options]`;

const GLOBAL_HELP = `${GLOBAL_USAGE}

Calendly webhook subscriptions, from the command line.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(11)} ${c.summary}`).join("\n")}

Run "${PROGRAM} <command> --help" for a command's options.

The Calendly token comes from CALENDLY_TOKEN, or from a Pulumi stack with --stack <name>; the API
URL from --api-url or CALENDLY_API_URL (the emulator: http://127.0.0.1:4010). \`token put\` reads
the token for the stack's watchdog from stdin.

Exit codes: 0 success, 1 failure, 2 usage error.`;

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

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIO = processIO(),
  deps: CliDeps = {},
): Promise<number> {
  const { name, rest } = splitCommand(argv);
  if (name === "help") {
    const topic = rest.find((a) => !a.startsWith("-"));
    const command = COMMANDS.find((c) => c.name === topic);
    io.stdout.write(`${command?.help ?? GLOBAL_HELP}\n`);
    return topic === undefined || command ? 0 : 2;
  }
  if (name === undefined) {
    if (rest.includes("--version")) {
      io.stdout.write(`${PROJECT_VERSION}\n`);
      return 0;
    }
    if (asksForHelp(rest)) {
      io.stdout.write(`${GLOBAL_HELP}\n`);
      return 0;
    }
    io.stderr.write(`${PROGRAM}: a command is needed\nusage: ${GLOBAL_USAGE}\n\n${GLOBAL_HELP}\n`);
    return 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const names = COMMANDS.map((c) => c.name);
    io.stderr.write(
      `${PROGRAM}: unknown command "${name}"${didYouMean(name, names)}; commands: ${names.join(", ")}\nusage: ${GLOBAL_USAGE}\n`,
    );
    return 2;
  }
  if (asksForHelp(rest)) {
    io.stdout.write(`${command.help}\n`);
    return 0;
  }

  const reporter = createReporter(io);
  try {
    return await command.run(rest, { io, reporter, deps });
  } catch (error) {
    if (error instanceof UsageError || error instanceof CommandLineError) {
      io.stderr.write(
        `${PROGRAM} ${command.name}: ${error.message}\nusage: ${command.usage}\nRun "${PROGRAM} ${command.name} --help" for details.\n`,
      );
      return 2;
    }
    const message =
      error instanceof CliError
        ? error.message
        : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr.write(`${PROGRAM} ${command.name}: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    return 1;
  }
}

/** Runs the CLI in this process and exits with its code. */
export function start(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Exit even if a socket or timer lingers; unref'd, so a clean exit is not delayed.
      setTimeout(() => process.exit(code), 1_000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`${PROGRAM}: unexpected error: ${String(error)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) start();
