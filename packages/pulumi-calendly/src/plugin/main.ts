/**
 * `pulumi-resource-calendly`: the calendly provider plugin, as the Pulumi CLI starts it.
 *
 *   pulumi-resource-calendly <engine address>
 *
 * Serves the provider on a free port of 127.0.0.1 and prints that port as the first line of
 * stdout, which is how the CLI finds it; nothing else is written to stdout. The CLI ends the
 * process when it is done with it. The package's bin (bin/pulumi-resource-calendly) runs this.
 */
// First: on a Node.js too old for the package, stop here with one line (../node-version.ts).
import "../node-version";
import { servePlugin } from "./server";

export async function main(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  // The CLI passes the engine's address first; flags (e.g. tracing) may follow.
  const engineAddress = args.find((arg) => !arg.startsWith("-"));
  const { port } = await servePlugin({ engineAddress });
  process.stdout.write(`${port}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `pulumi-resource-calendly: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
