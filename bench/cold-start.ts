/**
 * Cold start: a fresh Node process that loads a built Lambda bundle and handles one signed
 * delivery, forwarded to the EventBridge stub on loopback. Measured in one alternating loop for:
 * - an empty Node process (`node -e ""`), the floor;
 * - the minimal peer (bench/peer/handler.ts), the yardstick: keys from the environment;
 * - the receiver with keys from the environment, like the peer;
 * - the receiver as deployed: keys read from an SSM parameter (the SSM stub, one more round trip).
 * All with `NODE_OPTIONS=--enable-source-maps` as deployed; medians, ratios per round.
 *
 * Wall time is spawn to exit. Inside each process we also read, from its own clock
 * (`performance.now()` counts from process start): when the script began, how long `require` of
 * the bundle took, and how long the first `handler()` call took (clients built, keys read, the
 * SDK's first request). Lambda's own start-up (sandbox, runtime bootstrap) is not in here.
 */
import { spawn } from "node:child_process";
import { sampleEnvelope } from "../calendly";
import { formatSigningKeys } from "../lambda/signing-key-list";
import { delivery, KEY } from "../test/lambda/support";
import { startAwsStubs } from "../tools/aws-stubs";
import type { Bundles } from "./bundles";
import { functionProcessEnv } from "./function-env";
import { type Spread, spread } from "./stats";

const MARK = "COLD-START ";
const KEY_PARAMETER = "/bench/signing-keys";

/** Runs in the fresh process; reports on one line after the marker, then exits at once. */
const SCRIPT = `
const begun = performance.now();
const bundle = require(process.env.BENCH_BUNDLE);
const loaded = performance.now();
bundle[process.env.BENCH_EXPORT](JSON.parse(process.env.BENCH_EVENT)).then((result) => {
  const answered = performance.now();
  process.stdout.write("\\n${MARK}" + JSON.stringify({
    status: result.statusCode, begunMs: begun, requireMs: loaded - begun, handleMs: answered - loaded, answeredMs: answered,
    cpuMs: (() => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; })(),
  }) + "\\n", () => process.exit(0));
});
`;

interface Report {
  status: number;
  begunMs: number;
  requireMs: number;
  handleMs: number;
  answeredMs: number;
  /** CPU time (user + system) of the whole process until the answer: what a loaded machine barely changes. */
  cpuMs: number;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ wallMs: number; stdout: string }> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.once("error", fail);
    child.once("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0)
        fail(new Error(`node ${args.slice(0, 2).join(" ")} exited ${code}: ${stdout.slice(-500)}`));
      else done({ wallMs, stdout });
    });
  });
}

export const COLD_SIDES = ["empty", "peer", "ours", "oursSsm"] as const;
export type ColdSide = (typeof COLD_SIDES)[number];

export interface ColdSideFigures {
  wallMs: Spread;
  /** Not for `empty`. */
  begunMs?: Spread;
  requireMs?: Spread;
  firstHandleMs?: Spread;
  cpuMs?: Spread;
}

export interface ColdStartResult {
  runs: number;
  sides: Record<ColdSide, ColdSideFigures>;
  /** ours / peer, per round (keys from the environment on both sides). */
  ratio: Spread;
  /** ours with SSM keys / peer, per round. */
  ratioSsm: Spread;
  /** CPU time until the answer, ours / peer and ours with SSM keys / peer, per round. */
  cpuRatio: Spread;
  cpuRatioSsm: Spread;
  /** ours − empty process, per round: what loading and one delivery add to a process start. */
  addedMs: Spread;
  /** peer − empty process, per round. */
  peerAddedMs: Spread;
}

export async function measureColdStart(bundles: Bundles, runs: number): Promise<ColdStartResult> {
  const stubs = await startAwsStubs();
  stubs.ssm.putParameter(KEY_PARAMETER, formatSigningKeys([KEY]));
  try {
    // A Lambda-like environment: only what the function is configured with, nothing of ours.
    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_OPTIONS: "--enable-source-maps" };
    const lambdaEnv = functionProcessEnv({
      AWS_ENDPOINT_URL_EVENTBRIDGE: stubs.eventBridge.url,
      AWS_ENDPOINT_URL_SSM: stubs.ssm.url,
      AWS_ENDPOINT_URL_S3: stubs.s3.url,
    });
    const envOf: Record<Exclude<ColdSide, "empty">, NodeJS.ProcessEnv> = {
      peer: { ...lambdaEnv, BENCH_BUNDLE: bundles.peer.file, CALENDLY_SIGNING_KEYS: KEY },
      ours: { ...lambdaEnv, BENCH_BUNDLE: bundles.ours.file, CALENDLY_SIGNING_KEYS: KEY },
      oursSsm: {
        ...lambdaEnv,
        BENCH_BUNDLE: bundles.ours.file,
        CALENDLY_SIGNING_KEY_PARAMETER: KEY_PARAMETER,
      },
    };
    const wall: Record<ColdSide, number[]> = { empty: [], peer: [], ours: [], oursSsm: [] };
    const reports: Record<ColdSide, Report[]> = { empty: [], peer: [], ours: [], oursSsm: [] };
    let forwarded = 0;
    const once = async (side: ColdSide) => {
      if (side === "empty") {
        wall.empty.push((await run(["-e", ""], base)).wallMs);
        return;
      }
      // Signed just before the run, so the signature is fresh.
      const event = JSON.stringify(delivery(sampleEnvelope("invitee.created")));
      const { wallMs, stdout } = await run(["-e", SCRIPT], { ...envOf[side], BENCH_EVENT: event });
      const line = stdout.split("\n").find((l) => l.startsWith(MARK));
      if (line === undefined) throw new Error(`cold start: no report in the output:\n${stdout.slice(-500)}`);
      const report = JSON.parse(line.slice(MARK.length)) as Report;
      if (report.status !== 200)
        throw new Error(`cold start (${side}): the handler answered ${report.status}`);
      forwarded += 1;
      wall[side].push(wallMs);
      reports[side].push(report);
    };
    // Warm the file cache for every side; not counted.
    for (const side of COLD_SIDES) await once(side);
    for (const side of COLD_SIDES) {
      wall[side].length = 0;
      reports[side].length = 0;
    }
    for (let i = 0; i < runs; i++) {
      // Rotate the order, so no side always runs right after another.
      const order = COLD_SIDES.map((_, k) => COLD_SIDES[(k + i) % COLD_SIDES.length]!);
      for (const side of i % 2 === 0 ? order : order.reverse()) await once(side);
    }
    if (stubs.eventBridge.entries.length !== forwarded) {
      throw new Error(
        `cold start: ${stubs.eventBridge.entries.length} events reached the stub, expected ${forwarded}`,
      );
    }
    const figures = (side: ColdSide): ColdSideFigures =>
      side === "empty"
        ? { wallMs: spread(wall.empty) }
        : {
            wallMs: spread(wall[side]),
            begunMs: spread(reports[side].map((r) => r.begunMs)),
            requireMs: spread(reports[side].map((r) => r.requireMs)),
            firstHandleMs: spread(reports[side].map((r) => r.handleMs)),
            cpuMs: spread(reports[side].map((r) => r.cpuMs)),
          };
    const per = (a: ColdSide, b: ColdSide, f: (x: number, y: number) => number) =>
      spread(wall[a].map((ms, i) => f(ms, wall[b][i]!)));
    return {
      runs,
      sides: {
        empty: figures("empty"),
        peer: figures("peer"),
        ours: figures("ours"),
        oursSsm: figures("oursSsm"),
      },
      ratio: per("ours", "peer", (x, y) => x / y),
      ratioSsm: per("oursSsm", "peer", (x, y) => x / y),
      cpuRatio: spread(reports.ours.map((r, i) => r.cpuMs / reports.peer[i]!.cpuMs)),
      cpuRatioSsm: spread(reports.oursSsm.map((r, i) => r.cpuMs / reports.peer[i]!.cpuMs)),
      addedMs: per("ours", "empty", (x, y) => x - y),
      peerAddedMs: per("peer", "empty", (x, y) => x - y),
    };
  } finally {
    await stubs.close();
  }
}
