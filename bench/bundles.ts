/**
 * The two Lambda bundles the peer comparison needs, built the same way (lambda/build.ts) into a
 * temporary folder: the receiver and the minimal peer (bench/peer/handler.ts). `sdkExternal`
 * builds both with `@aws-sdk/*` left out, as they would run on the `nodejs22.x` runtime's own SDK
 * (here resolved from the project's node_modules, which is what the runtime does from its own).
 * `BENCH_OURS_BUNDLE=<handler.js>` measures that file as the receiver instead (an older commit's
 * build, for before/after figures in the same conditions).
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildLambdaBundle, ENTRY_POINT, PROJECT_ROOT } from "../lambda/build";

export const PEER_ENTRY_POINT = "bench/peer/handler.ts";

export interface BuiltBundle {
  /** Absolute path of handler.js. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface Bundles {
  ours: BuiltBundle;
  peer: BuiltBundle;
  /** Removes the temporary folder. */
  remove(): Promise<void>;
}

export async function buildBundles(options: { sdkExternal?: boolean } = {}): Promise<Bundles> {
  const dir = await mkdtemp(join(tmpdir(), "receiver-peer-"));
  // The externalized build must resolve the SDK from the project's node_modules.
  if (options.sdkExternal) await mkdir(join(PROJECT_ROOT, "dist"), { recursive: true });
  const root = options.sdkExternal ? await mkdtemp(join(PROJECT_ROOT, "dist", "bench-")) : dir;
  const external = options.sdkExternal ? ["@aws-sdk/*"] : [];
  const one = async (entryPoint: string, name: string): Promise<BuiltBundle> => {
    const built = await buildLambdaBundle({ entryPoint, outdir: join(root, name), external });
    const js = await readFile(built.entryFile);
    return { file: built.entryFile, bytes: built.bytes, gzipBytes: gzipSync(js, { level: 9 }).byteLength };
  };
  // Another build of the receiver (e.g. an older commit's, for before/after), measured as "ours".
  const other = process.env.BENCH_OURS_BUNDLE;
  const given = async (file: string): Promise<BuiltBundle> => {
    const js = await readFile(file);
    return { file, bytes: js.byteLength, gzipBytes: gzipSync(js, { level: 9 }).byteLength };
  };
  try {
    const ours = other ? await given(other) : await one(ENTRY_POINT, "ours");
    const peer = await one(PEER_ENTRY_POINT, "peer");
    return {
      ours,
      peer,
      remove: async () => {
        await rm(dir, { recursive: true, force: true });
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
