/**
 * The plugin as one executable file, dist/pulumi-resource-calendly.js (part of `npm run build`):
 * the compiled plugin (dist/plugin) with everything it requires (grpc-js, Pulumi's protos, zod,
 * undici) bundled by esbuild, and schema.json built in. What `pulumi plugin install resource
 * calendly <version> --file node_modules/pulumi-calendly/dist/pulumi-resource-calendly.js` installs
 * (the package README), since the CLI copies a single-file plugin without its node_modules.
 * It needs only `node` (>= 22) on PATH.
 */
const { chmodSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { buildSync } = require("esbuild");

const root = join(__dirname, "..");
const outfile = join(root, "dist", "pulumi-resource-calendly.js");

buildSync({
  stdin: {
    // main.js starts serving only when it is the process's main module, which a bundled module is not.
    // Loading it may stop at once, on a Node.js too old for the package: its one line, alone.
    contents: `let plugin;
try {
  plugin = require("./main");
} catch (error) {
  process.stderr.write(\`pulumi-resource-calendly: \${error instanceof Error ? error.message : String(error)}\\n\`);
  process.exit(1);
}
plugin.main().catch((error) => {
  process.stderr.write(\`pulumi-resource-calendly: \${error instanceof Error ? error.stack : String(error)}\\n\`);
  process.exit(1);
});
`,
    resolveDir: join(root, "dist", "plugin"),
    sourcefile: "pulumi-resource-calendly.js",
  },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  outfile,
  banner: { js: "#!/usr/bin/env node" },
  define: { PULUMI_CALENDLY_SCHEMA: JSON.stringify(readFileSync(join(root, "schema.json"), "utf8")) },
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
chmodSync(outfile, 0o755);
