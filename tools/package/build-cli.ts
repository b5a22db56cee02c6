/**
 * Builds the pulumi-calendly package's command line (its `bin`, dist/cli.js): one CommonJS file
 * bundled by esbuild from cli/package-main.ts and what it imports in this repository (the CLI's
 * commands, tools/command-line, the calendly/ face's samples and health), with everything the
 * package installs left external: the package itself (`pulumi-calendly/client`, whose Calendly
 * client the commands use, resolved from the installed package by its own name), undici and zod.
 * Run by the package's `npm run build`, after tsc.
 *
 * The first lines stop on a Node.js too old for the package with its one-line reason
 * (dist/node-version.js), before anything else loads.
 */
import { chmodSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";

const ROOT = resolve(__dirname, "../..");
const PACKAGE_DIR = join(ROOT, "packages/pulumi-calendly");
export const CLI_ENTRY = join(ROOT, "cli/package-main.ts");
export const CLI_OUTFILE = join(PACKAGE_DIR, "dist/cli.js");
const PACKAGE_CLIENT_SOURCE = join(PACKAGE_DIR, "src/calendly");

/** The package's own sources, reached by path through calendly/, become `pulumi-calendly/client`. */
const packageByName: Plugin = {
  name: "pulumi-calendly-by-name",
  setup(b) {
    b.onResolve({ filter: /packages\/pulumi-calendly\/src/ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (target === PACKAGE_CLIENT_SOURCE || target === join(PACKAGE_CLIENT_SOURCE, "index")) {
        return { path: "pulumi-calendly/client", external: true };
      }
      return {
        errors: [
          {
            text: `${args.path} (from ${args.importer}) reaches into the package's sources; import it through its client face`,
          },
        ],
      };
    });
  },
};

const BANNER = `#!/usr/bin/env node
"use strict";
// pulumi-calendly's command line (built by tools/package/build-cli.ts from cli/package-main.ts).
try {
  require("./node-version.js");
} catch (error) {
  process.stderr.write(\`\${error instanceof Error ? error.message : String(error)}\\n\`);
  process.exit(1);
}`;

export async function buildCli(): Promise<void> {
  const result = await build({
    entryPoints: [CLI_ENTRY],
    outfile: CLI_OUTFILE,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["pulumi-calendly", "pulumi-calendly/*", "undici", "zod", "zod/*", "@pulumi/pulumi"],
    plugins: [packageByName],
    banner: { js: BANNER },
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  chmodSync(CLI_OUTFILE, 0o755);
  const inputs = Object.keys(result.metafile.inputs);
  const outside = inputs.filter((input) => input.includes("node_modules"));
  if (outside.length > 0) {
    throw new Error(
      `the package's CLI bundled installed modules it should leave external: ${outside.join(", ")}`,
    );
  }
  process.stderr.write(
    `pulumi-calendly: built ${join(dirname(CLI_OUTFILE), "cli.js")} from ${inputs.length} files\n`,
  );
}

if (require.main === module) {
  buildCli().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
