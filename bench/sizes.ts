/**
 * What gets deployed, by size:
 * - the Lambda bundle (lambda/build.ts), raw and gzip -9 (about what Lambda's zip holds), against
 *   the source files it was built from (the source map's `sources`, read from disk): how much of
 *   the SDK, Powertools and zod tree-shaking and minification leave;
 * - `__provider`, what Pulumi serializes and stores in state for a WebhookSubscription (the shim of
 *   pulumi-calendly, since 0.2.0), against the rest of a resource's state (measured by the
 *   Calendly-calls benchmark). `npm run bench -- --only scale` measures the same through the real
 *   engine, for a stack of 200.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { buildReceiverBundle, PROJECT_ROOT } from "../lambda/build";
import { serializeWebhookSubscriptionProvider } from "../tools/pulumi-host/serialize";

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
  sha256: string;
  /** Files the bundle was built from, and their total size on disk. */
  sourceFiles: number;
  sourceBytes: number;
}

export async function measureBundle(): Promise<BundleSize> {
  const dir = await mkdtemp(join(tmpdir(), "receiver-bench-"));
  try {
    const bundle = await buildReceiverBundle(dir);
    const js = await readFile(bundle.entryFile);
    const map = JSON.parse(await readFile(bundle.mapFile, "utf8")) as { sources: string[] };
    // Paths in the map are relative to the bundle's fixed virtual home, dist/lambda.
    const sizes = await Promise.all(
      map.sources.map((source) =>
        stat(resolve(PROJECT_ROOT, "dist/lambda", source)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    return {
      bytes: bundle.bytes,
      gzipBytes: gzipSync(js, { level: 9 }).byteLength,
      sha256: bundle.sha256,
      sourceFiles: map.sources.length,
      sourceBytes: sizes.reduce((sum, size) => sum + size, 0),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ProviderSize {
  bytes: number;
  gzipBytes: number;
}

export async function measureProvider(): Promise<ProviderSize> {
  const { provider } = await serializeWebhookSubscriptionProvider();
  return {
    bytes: Buffer.byteLength(provider, "utf8"),
    gzipBytes: gzipSync(provider, { level: 9 }).byteLength,
  };
}
