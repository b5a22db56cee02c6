/**
 * Where the receiver's time goes, next to the minimal peer's: V8's sampling profiler on both
 * bundles (bench/bundles.ts), every sample mapped through the bundle's source map to the source
 * file it ran in, and summed by source (each of our files, zod, each SDK package, each Node.js
 * module, the garbage collector). Built-ins such as `JSON.parse` count for the function that called
 * them.
 *
 * - warm: two processes per side each handle `warmup` events, then profile `events` more;
 *   microseconds per event;
 * - cold: `runs` fresh processes per side (`node --cpu-prof`), each loading the bundle and handling
 *   one event, as bench/cold-start.ts does; milliseconds per process.
 *
 * Both against the loopback EventBridge stub, with the environment of bench/warm.ts. The profiler
 * adds its own overhead (times are higher than in the timed benchmarks): read the differences,
 * not the totals. `npm run bench -- --only profile`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sampleEnvelope } from "../calendly";
import { delivery, KEY } from "../test/lambda/support";
import { startEventBridgeStub } from "../tools/aws-stubs";
import type { Bundles } from "./bundles";
import { functionProcessEnv } from "./function-env";

const WARM_SCRIPT = `
const { Session } = require("node:inspector");
const { writeFileSync } = require("node:fs");
const handler = require(process.env.BENCH_BUNDLE)[process.env.BENCH_EXPORT];
const event = JSON.parse(process.env.BENCH_EVENT);
const [warmup, events, interval] = [process.env.BENCH_WARMUP, process.env.BENCH_EVENTS, process.env.BENCH_INTERVAL].map(Number);
const session = new Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) =>
  session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
(async () => {
  for (let i = 0; i < warmup; i++) await handler(event);
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval });
  await post("Profiler.start");
  for (let i = 0; i < events; i++) {
    const result = await handler(event);
    if (result.statusCode !== 200) throw new Error("handler answered " + result.statusCode);
  }
  const { profile } = await post("Profiler.stop");
  writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

const COLD_SCRIPT = `
require(process.env.BENCH_BUNDLE)[process.env.BENCH_EXPORT](JSON.parse(process.env.BENCH_EVENT)).then((result) => {
  if (result.statusCode !== 200) throw new Error("handler answered " + result.statusCode);
  process.exit(0);
});
`;

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  /** A source file of ours, a package, a Node.js module, or V8's own (GC, program). */
  source: string;
  peer: number;
  ours: number;
}

export interface ProfileResult {
  intervalUs: number;
  warm: { events: number; rows: ProfileRow[]; peerTotal: number; oursTotal: number };
  cold: { runs: number; rows: ProfileRow[]; peerTotal: number; oursTotal: number };
}

/** Where a bundle's source file belongs: our own files by path, dependencies by package. */
function sourceGroup(original: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(original);
  if (inPackage) return inPackage[1]!;
  const ours = /(?:^|\/)((?:lambda|calendly|bench)\/.+)$/.exec(original);
  return ours ? ours[1]! : original;
}

/** Self time (µs) by source, summed over `profiles`; idle time (waiting for the stub) left out. */
async function selfTimeBySource(files: string[], bundleFile: string): Promise<Map<string, number>> {
  const map = new SourceMap(JSON.parse(await readFile(`${bundleFile}.map`, "utf8")));
  const bundleUrl = pathToFileURL(bundleFile).href;
  const totals = new Map<string, number>();
  for (const file of files) {
    const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
    const groupOf = new Map<number, string>();
    for (const { id, callFrame: frame } of profile.nodes) {
      let group: string;
      if (frame.url === bundleFile || frame.url === bundleUrl) {
        const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
        // esbuild hoists every module's top-level statements into the bundle's own top level,
        // which maps to no single source.
        group = entry.originalSource ? sourceGroup(entry.originalSource) : "(bundle top level: module init)";
      } else if (frame.url.startsWith("node:")) {
        group = frame.url;
      } else {
        // V8's and native frames: (garbage collector), (program), writev, ...
        group = frame.url || frame.functionName || "(anonymous)";
      }
      groupOf.set(id, group);
    }
    profile.samples.forEach((id, i) => {
      const group = groupOf.get(id)!;
      if (group === "(idle)") return;
      totals.set(group, (totals.get(group) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
  }
  return totals;
}

function rowsOf(peer: Map<string, number>, ours: Map<string, number>, divisor: number): ProfileRow[] {
  const sources = new Set([...peer.keys(), ...ours.keys()]);
  return [...sources]
    .map((source) => ({
      source,
      peer: (peer.get(source) ?? 0) / divisor,
      ours: (ours.get(source) ?? 0) / divisor,
    }))
    .sort((a, b) => Math.abs(b.ours - b.peer) - Math.abs(a.ours - a.peer));
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.resume();
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`profile: node exited ${code}`))));
  });
}

export async function measureProfiles(
  bundles: Bundles,
  options: { warmup: number; events: number; runs: number; intervalUs: number },
): Promise<ProfileResult> {
  const stub = await startEventBridgeStub();
  const dir = await mkdtemp(join(tmpdir(), "receiver-profile-"));
  try {
    const body = JSON.stringify(sampleEnvelope("invitee.created"));
    const env = functionProcessEnv({
      CALENDLY_SIGNING_KEYS: KEY,
      AWS_ENDPOINT_URL_EVENTBRIDGE: stub.url,
    });
    const sides = ["peer", "ours"] as const;
    const warmFiles = { peer: [] as string[], ours: [] as string[] };
    const coldDirs = { peer: join(dir, "cold-peer"), ours: join(dir, "cold-ours") };
    // Two processes per side, alternating (peer, ours, ours, peer): one is at the mercy of the
    // machine's load.
    const warmOrder: ("peer" | "ours")[] = ["peer", "ours", "ours", "peer"];
    for (const [index, side] of warmOrder.entries()) {
      const profile = join(dir, `warm-${side}-${index}.cpuprofile`);
      await runNode(["-e", WARM_SCRIPT], {
        ...env,
        BENCH_BUNDLE: bundles[side].file,
        BENCH_EVENT: JSON.stringify(delivery(body)),
        BENCH_WARMUP: String(options.warmup),
        BENCH_EVENTS: String(options.events),
        BENCH_INTERVAL: String(options.intervalUs),
        BENCH_PROFILE: profile,
      });
      warmFiles[side].push(profile);
      stub.reset();
    }
    for (let run = 0; run < options.runs; run++) {
      for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
        const args = [
          "--cpu-prof",
          `--cpu-prof-dir=${coldDirs[side]}`,
          `--cpu-prof-interval=${options.intervalUs}`,
          "-e",
          COLD_SCRIPT,
        ];
        await runNode(args, {
          ...env,
          BENCH_BUNDLE: bundles[side].file,
          BENCH_EVENT: JSON.stringify(delivery(body)),
        });
      }
    }
    const coldFiles = async (side: "peer" | "ours") =>
      (await readdir(coldDirs[side])).map((name) => join(coldDirs[side], name));
    const warm = {
      peer: await selfTimeBySource(warmFiles.peer, bundles.peer.file),
      ours: await selfTimeBySource(warmFiles.ours, bundles.ours.file),
    };
    const cold = {
      peer: await selfTimeBySource(await coldFiles("peer"), bundles.peer.file),
      ours: await selfTimeBySource(await coldFiles("ours"), bundles.ours.file),
    };
    // Warm: µs per event. Cold: ms per process.
    const perEvent = options.events * 2;
    const perProcess = options.runs * 1000;
    return {
      intervalUs: options.intervalUs,
      warm: {
        events: options.events,
        rows: rowsOf(warm.peer, warm.ours, perEvent),
        peerTotal: sum(warm.peer) / perEvent,
        oursTotal: sum(warm.ours) / perEvent,
      },
      cold: {
        runs: options.runs,
        rows: rowsOf(cold.peer, cold.ours, perProcess),
        peerTotal: sum(cold.peer) / perProcess,
        oursTotal: sum(cold.ours) / perProcess,
      },
    };
  } finally {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
  }
}
