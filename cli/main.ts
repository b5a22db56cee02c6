/**
 * `calendly-webhooks`: the command-line companion of the stack, every command (cli/run.ts runs
 * them; the pulumi-calendly package's bin is cli/package-main.ts).
 *
 *   npx calendly-webhooks whoami          (bin/calendly-webhooks.js)
 *   npm run cli -- list --json            (tsx cli/main.ts)
 */
import type { CliDeps, Command } from "./command";
import { adoptCommand } from "./commands/adopt";
import { inviteeCommand } from "./commands/invitee";
import { listCommand } from "./commands/list";
import { sendTestCommand } from "./commands/send-test";
import { tokenCommand } from "./commands/token";
import { verifyCommand } from "./commands/verify";
import { watchCommand } from "./commands/watch";
import { whoamiCommand } from "./commands/whoami";
import { type CliIO, processIO } from "./output";
import { type CliProgram, runCli, startCli } from "./run";

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

/** This repository's companion: every command. */
export const CALENDLY_WEBHOOKS: CliProgram = {
  name: PROGRAM,
  about: "Calendly webhook subscriptions, from the command line.",
  commands: COMMANDS,
  notes: "`token put` reads the token for the stack's watchdog from stdin.",
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export function main(argv: readonly string[], io: CliIO = processIO(), deps: CliDeps = {}): Promise<number> {
  return runCli(CALENDLY_WEBHOOKS, argv, io, deps);
}

/** Runs the CLI in this process and exits with its code. */
export function start(): void {
  startCli(CALENDLY_WEBHOOKS);
}

if (require.main === module) start();
