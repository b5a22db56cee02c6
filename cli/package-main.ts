/**
 * `pulumi-calendly`: the command line that ships in the pulumi-calendly package (its `bin`), for a
 * program that uses the package: `npx pulumi-calendly adopt --scope user` in the program's folder
 * runs the installed package's own copy, never a registry lookup of a name someone else could own.
 *
 * The commands a user of the package needs, the same ones this repository's `calendly-webhooks`
 * runs (cli/main.ts). tools/package/build-cli.ts bundles this file into the package's
 * dist/cli.js at build time, with the package itself (its client), undici and zod left to the
 * installed dependencies.
 */
import { adoptCommand } from "./commands/adopt";
import { inviteeCommand } from "./commands/invitee";
import { listCommand } from "./commands/list";
import { sendTestCommand } from "./commands/send-test";
import { verifyCommand } from "./commands/verify";
import { watchCommand } from "./commands/watch";
import { whoamiCommand } from "./commands/whoami";
import { type CliProgram, startCli } from "./run";

export const PACKAGE_PROGRAM: CliProgram = {
  name: "pulumi-calendly",
  about: "Calendly webhook subscriptions, from the command line (the pulumi-calendly package's CLI).",
  commands: [
    whoamiCommand,
    listCommand,
    adoptCommand,
    verifyCommand,
    inviteeCommand,
    watchCommand,
    sendTestCommand,
  ],
};

if (require.main === module) startCli(PACKAGE_PROGRAM);
