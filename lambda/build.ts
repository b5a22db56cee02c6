/**
 * Builds the Lambda bundle: one minified CommonJS file plus its source map, for Node 22 (arm64 or
 * x86_64 alike: no native code), with the AWS SDK v3 clients and Powertools bundled at the versions
 * pinned in package-lock.json rather than taken from the runtime, whose SDK changes under us.
 *
 * Deterministic byte for byte: esbuild's output depends only on its inputs; we build in memory as
 * if into `<project>/dist/lambda` whatever the real output folder is, so source map paths are the
 * same relative paths everywhere (no machine path), and nothing adds a timestamp.
 *
 * `npm run build:lambda [-- <outdir>]` prints size and hash; the Pulumi program calls
 * `buildReceiverBundle()` (and `buildWatchdogBundle()`, the same build of lambda/watchdog.ts) to
 * produce the assets it archives.
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { type BuildOptions, build } from "esbuild";

export const PROJECT_ROOT = resolve(__dirname, "..");
export const ENTRY_POINT = "lambda/handler.ts";
/** The Lambda handler setting for this bundle. */
export const LAMBDA_HANDLER = "handler.handler";
export const WATCHDOG_ENTRY_POINT = "lambda/watchdog.ts";
/** The Lambda handler setting for the watchdog's bundle. */
export const WATCHDOG_HANDLER = "watchdog.handler";

export interface ReceiverBundle {
  /** Absolute path of `handler.js`. */
  entryFile: string;
  /** Absolute path of `handler.js.map`. */
  mapFile: string;
  /** Size of `handler.js` in bytes. */
  bytes: number;
  /** SHA-256 (hex) of `handler.js`. */
  sha256: string;
}

/** How a Lambda function of this project is bundled; the entry point and output are the caller's. */
export const LAMBDA_BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  // ESM builds first: they tree-shake (the SDK ships both, CJS is the default for node).
  mainFields: ["module", "main"],
  minify: true,
  sourcemap: "linked",
  // Stack traces only need the mappings; leaving sources out keeps the map small.
  sourcesContent: false,
  // Licenses stay in node_modules and package-lock.json; the bundle is deployed to our own
  // account, not redistributed, and the comments would be most of its size.
  legalComments: "none",
  logLevel: "silent",
} as const satisfies BuildOptions;

export interface BundleOptions {
  /** Source file, relative to the project root. */
  entryPoint: string;
  /** Output folder (relative to the project root, or absolute). */
  outdir: string;
  /** Output file name without `.js`; default `handler`. */
  name?: string;
  /** Packages left to the runtime instead of bundled (e.g. `@aws-sdk/*`, which nodejs22.x ships). */
  external?: string[];
}

/** Builds the receiver; `npm run bench` builds its minimal peer with the same settings. */
export function buildReceiverBundle(outdir = "dist/lambda"): Promise<ReceiverBundle> {
  return buildLambdaBundle({ entryPoint: ENTRY_POINT, outdir });
}

/** The watchdog: `watchdog.js` and its map, built exactly as the receiver is. */
export function buildWatchdogBundle(outdir = "dist/lambda"): Promise<ReceiverBundle> {
  return buildLambdaBundle({ name: "watchdog", entryPoint: WATCHDOG_ENTRY_POINT, outdir });
}

/** One Lambda entry point bundled into `<outdir>/<name>.js` (+ map), deterministically. */
export async function buildLambdaBundle(options: BundleOptions): Promise<ReceiverBundle> {
  const target = resolve(PROJECT_ROOT, options.outdir);
  const name = options.name ?? "handler";
  const result = await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { [name]: options.entryPoint },
    external: options.external ?? [],
    // Fixed virtual location: paths in the map are relative to it, so they never name this machine.
    outdir: join(PROJECT_ROOT, "dist/lambda"),
    write: false,
  });
  const js = result.outputFiles.find((file) => file.path.endsWith(".js"));
  const map = result.outputFiles.find((file) => file.path.endsWith(".js.map"));
  if (js === undefined || map === undefined) throw new Error(`esbuild produced no ${name}.js and map`);

  await mkdir(target, { recursive: true });
  const entryFile = join(target, basename(js.path));
  const mapFile = join(target, basename(map.path));
  await writeFile(entryFile, js.contents);
  await writeFile(mapFile, map.contents);
  return {
    entryFile,
    mapFile,
    bytes: js.contents.byteLength,
    sha256: createHash("sha256").update(js.contents).digest("hex"),
  };
}

if (require.main === module) {
  buildReceiverBundle(process.argv[2])
    .then((bundle) => {
      process.stdout.write(
        `${bundle.entryFile}\n  ${bundle.bytes} bytes (${(bundle.bytes / 1024).toFixed(1)} KiB), sha256 ${bundle.sha256}\n` +
          `  Lambda: runtime nodejs22.x, architecture arm64, handler ${LAMBDA_HANDLER}, NODE_OPTIONS=--enable-source-maps\n`,
      );
    })
    .catch((error: unknown) => {
      process.stderr.write(`build:lambda: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
