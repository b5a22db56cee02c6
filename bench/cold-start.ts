/**
 * Cold start: a fresh Node process that loads the built Lambda bundle and handles one signed
 * delivery (forwarding to the EventBridge stub on loopback), against a fresh Node process that
 * does nothing, both with `--enable-source-maps` as deployed. Runs alternate; medians.
 *
 * Wall time is spawn to exit. Inside the bundle's process we also read, from its own clock
 * (`performance.now()` counts from process start): when our code began, how long `require` of the
 * bundle took, and how long the first `handler()` call took (clients built, keys parsed, SDK's
 * first request). Lambda's own start-up (sandbox, runtime bootstrap) is not in here.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleEnvelope } from "../calendly/samples";
import { buildReceiverBundle, LAMBDA_HANDLER } from "../lambda/build";
import { delivery, KEY } from "../test/lambda/support";
import { startEventBridgeStub } from "../tools/aws-stubs";
import { type Spread, spread } from "./stats";

const HANDLER_EXPORT = LAMBDA_HANDLER.split(".")[1]!;
const MARK = "COLD-START ";

/** Runs in the fresh process; reports on one line after the marker, then exits at once. */
const SCRIPT = `
const begun = performance.now();
const bundle = require(process.env.BENCH_BUNDLE);
const loaded = performance.now();
bundle[process.env.BENCH_EXPORT](JSON.parse(process.env.BENCH_EVENT)).then((result) => {
  const answered = performance.now();
  process.stdout.write("\\n${MARK}" + JSON.stringify({
    status: result.statusCode, begunMs: begun, requireMs: loaded - begun, handleMs: answered - loaded, answeredMs: answered,
  }) + "\\n", () => process.exit(0));
});
`;

interface Report {
  status: number;
  begunMs: number;
  requireMs: number;
  handleMs: number;
  answeredMs: number;
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
      if (code !== 0) fail(new Error(`node ${args.slice(0, 2).join(" ")} exited ${code}`));
      else done({ wallMs, stdout });
    });
  });
}

export interface ColdStartResult {
  runs: number;
  emptyMs: Spread;
  bundleMs: Spread;
  /** bundle / empty, per pair of runs. */
  ratio: Spread;
  /** bundle − empty, per pair: what loading and one delivery add to a process start. */
  addedMs: Spread;
  begunMs: Spread;
  requireMs: Spread;
  firstHandleMs: Spread;
}

export async function measureColdStart(runs: number): Promise<ColdStartResult> {
  const dir = await mkdtemp(join(tmpdir(), "receiver-cold-"));
  const stub = await startEventBridgeStub();
  try {
    const bundle = await buildReceiverBundle(dir);
    // A Lambda-like environment: only what the function is configured with, nothing of ours.
    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_OPTIONS: "--enable-source-maps" };
    const env = {
      ...base,
      BENCH_BUNDLE: bundle.entryFile,
      BENCH_EXPORT: HANDLER_EXPORT,
      EVENT_BUS_NAME: "bench",
      CLAIM_CHECK_BUCKET: "bench",
      CALENDLY_SIGNING_KEYS: KEY,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_ENDPOINT_URL_EVENTBRIDGE: stub.url,
    };
    const empty: number[] = [];
    const full: number[] = [];
    const reports: Report[] = [];
    const once = async (which: "empty" | "bundle") => {
      if (which === "empty") {
        empty.push((await run(["-e", ""], base)).wallMs);
        return;
      }
      // Signed just before the run, so the signature is fresh.
      const event = JSON.stringify(delivery(sampleEnvelope("invitee.created")));
      const { wallMs, stdout } = await run(["-e", SCRIPT], { ...env, BENCH_EVENT: event });
      const line = stdout.split("\n").find((l) => l.startsWith(MARK));
      if (line === undefined) throw new Error(`cold start: no report in the output:\n${stdout.slice(-500)}`);
      const report = JSON.parse(line.slice(MARK.length)) as Report;
      if (report.status !== 200) throw new Error(`cold start: the handler answered ${report.status}`);
      full.push(wallMs);
      reports.push(report);
    };
    await once("empty"); // warm the file cache for both; not counted
    await once("bundle");
    empty.length = 0;
    full.length = 0;
    reports.length = 0;
    for (let i = 0; i < runs; i++) {
      for (const which of i % 2 === 0 ? (["empty", "bundle"] as const) : (["bundle", "empty"] as const)) {
        await once(which);
      }
    }
    if (stub.entries.length !== runs + 1) {
      throw new Error(`cold start: ${stub.entries.length} events reached the stub, expected ${runs + 1}`);
    }
    return {
      runs,
      emptyMs: spread(empty),
      bundleMs: spread(full),
      ratio: spread(full.map((ms, i) => ms / empty[i]!)),
      addedMs: spread(full.map((ms, i) => ms - empty[i]!)),
      begunMs: spread(reports.map((r) => r.begunMs)),
      requireMs: spread(reports.map((r) => r.requireMs)),
      firstHandleMs: spread(reports.map((r) => r.handleMs)),
    };
  } finally {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
  }
}
