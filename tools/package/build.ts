/**
 * The pulumi-calendly package's build (packages/pulumi-calendly/dist), kept current for whatever
 * runs the installed package: the dynamic-provider host loads `pulumi-calendly/provider` from
 * dist/, and the stack imports `pulumi-calendly` from there. `npm ci` builds it (the root's
 * `prepare`); this rebuilds it when a source file changed since, so a test never runs stale code.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const PACKAGE_DIR = resolve(__dirname, "../../packages/pulumi-calendly");

/** The newest modification time of `path`, or of the .ts files under it (a README is no input). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    0,
    ...readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.name.endsWith(".ts"))
      .map((entry) => newestMtime(join(path, entry.name))),
  );
}

/** The repository's sources the package's CLI bundles (tools/package/build-cli.ts). */
const CLI_SOURCES = ["cli", "calendly", "lambda", "tools/command-line", "tools/package/build-cli.ts"].map(
  (path) => resolve(PACKAGE_DIR, "../..", path),
);

/**
 * Whether dist/ is older than the sources, package.json, tsconfig.json, schema.json or the sources
 * the CLI bundles (or missing).
 */
export function packageBuildIsStale(): boolean {
  let built: number;
  try {
    built = Math.min(
      ...["index.js", "cli.js"].map((file) => statSync(join(PACKAGE_DIR, "dist", file)).mtimeMs),
    );
  } catch {
    return true;
  }
  // schema.json is built into the single-file plugin (scripts/bundle-plugin.js).
  const inputs = [
    ...["src", "package.json", "tsconfig.json", "schema.json"].map((name) =>
      newestMtime(join(PACKAGE_DIR, name)),
    ),
    ...CLI_SOURCES.map(newestMtime),
  ];
  return Math.max(...inputs) > built;
}

/** Builds the package (`npm run build` in it) when its build is stale; returns whether it did. */
export function ensurePackageBuilt(): boolean {
  if (!packageBuildIsStale()) return false;
  process.stderr.write("pulumi-calendly: sources changed since the last build; building dist/\n");
  execFileSync("npm", ["run", "-s", "build"], { cwd: PACKAGE_DIR, stdio: ["ignore", "inherit", "inherit"] });
  return true;
}

/** As a vitest globalSetup: build once before any test file runs. */
export default function setup(): void {
  ensurePackageBuilt();
}
