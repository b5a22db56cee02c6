/**
 * Warm per-event time of the receiver against the minimal peer, both as built bundles (bench/bundles.ts)
 * in processes of their own, handling the same signed invitee.created event over and over and
 * forwarding each to the same EventBridge stub over loopback HTTP (the stub runs in this process).
 * Processes alternate (peer, ours, ours, peer, ...); each warms up, then times `rounds` rounds of
 * `events` calls. Their stdout is a pipe that this process reads and drops, as on Lambda, where
 * stdout is a pipe read by the runtime's log collector: the receiver writes its log line and EMF
 * document there (one write per delivery); the peer, as the issue defines it, writes nothing.
 */
import { spawn } from "node:child_process";
import { sampleEnvelope } from "../calendly";
import { delivery, KEY } from "../test/lambda/support";
import { startEventBridgeStub } from "../tools/aws-stubs";
import type { Bundles } from "./bundles";
import { functionProcessEnv } from "./function-env";
import { type Spread, spread } from "./stats";

const SCRIPT = `
const handler = require(process.env.BENCH_BUNDLE)[process.env.BENCH_EXPORT];
const event = JSON.parse(process.env.BENCH_EVENT);
const [warmup, rounds, events] = [process.env.BENCH_WARMUP, process.env.BENCH_ROUNDS, process.env.BENCH_EVENTS].map(Number);
const call = async () => {
  const result = await handler(event);
  if (result.statusCode !== 200) throw new Error("handler answered " + result.statusCode);
};
(async () => {
  for (let i = 0; i < warmup; i++) await call();
  const ns = [];
  const cpuNs = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (let i = 0; i < events; i++) await call();
    ns.push(Number(process.hrtime.bigint() - start) / events);
    const used = process.cpuUsage(cpu);
    cpuNs.push(((used.user + used.system) * 1000) / events);
  }
  process.send({ ns, cpuNs }, () => process.exit(0));
})().catch((error) => { process.send({ error: String(error) }, () => process.exit(1)); });
`;

export interface WarmOptions {
  /** Processes per side. */
  processes: number;
  rounds: number;
  events: number;
  warmup: number;
}

export interface WarmResult extends WarmOptions {
  bodyBytes: number;
  /** Nanoseconds per event: each process's median round. */
  peerNs: Spread;
  oursNs: Spread;
  /** ours / peer, per pair of processes. */
  ratio: Spread;
  /** CPU time per event of the handler's process: the sturdier figure on a loaded machine. */
  peerCpuNs: Spread;
  oursCpuNs: Spread;
  cpuRatio: Spread;
}

interface ProcessReport {
  ns: number[];
  cpuNs: number[];
}

function runProcess(env: NodeJS.ProcessEnv): Promise<ProcessReport> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["-e", SCRIPT], {
      env,
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    child.stdout?.resume();
    let answer: (Partial<ProcessReport> & { error?: string }) | undefined;
    child.on("message", (message: Partial<ProcessReport> & { error?: string }) => {
      answer = message;
    });
    child.once("error", fail);
    child.once("exit", (code) => {
      if (answer?.ns && answer.cpuNs && code === 0) done({ ns: answer.ns, cpuNs: answer.cpuNs });
      else fail(new Error(`warm: process exited ${code}: ${answer?.error ?? "no report"}`));
    });
  });
}

export async function measureWarm(bundles: Bundles, options: WarmOptions): Promise<WarmResult> {
  const stub = await startEventBridgeStub();
  try {
    const sample = JSON.stringify(sampleEnvelope("invitee.created"));
    // One signature for the whole run: well inside the 180 s tolerance.
    const event = JSON.stringify(delivery(sample));
    const env = functionProcessEnv({
      BENCH_EVENT: event,
      BENCH_WARMUP: String(options.warmup),
      BENCH_ROUNDS: String(options.rounds),
      BENCH_EVENTS: String(options.events),
      CALENDLY_SIGNING_KEYS: KEY,
      AWS_ENDPOINT_URL_EVENTBRIDGE: stub.url,
    });
    const medianOf = (ns: number[]) => spread(ns).median;
    const peer: number[] = [];
    const ours: number[] = [];
    const peerCpu: number[] = [];
    const oursCpu: number[] = [];
    for (let i = 0; i < options.processes; i++) {
      const order = i % 2 === 0 ? (["peer", "ours"] as const) : (["ours", "peer"] as const);
      for (const side of order) {
        const report = await runProcess({ ...env, BENCH_BUNDLE: bundles[side].file });
        const expected = options.warmup + options.rounds * options.events;
        if (stub.entries.length !== expected) {
          throw new Error(
            `warm (${side}): ${stub.entries.length} events reached the stub, expected ${expected}`,
          );
        }
        stub.reset();
        (side === "peer" ? peer : ours).push(medianOf(report.ns));
        (side === "peer" ? peerCpu : oursCpu).push(medianOf(report.cpuNs));
      }
    }
    return {
      ...options,
      bodyBytes: Buffer.byteLength(sample),
      peerNs: spread(peer),
      oursNs: spread(ours),
      ratio: spread(ours.map((ns, i) => ns / peer[i]!)),
      peerCpuNs: spread(peerCpu),
      oursCpuNs: spread(oursCpu),
      cpuRatio: spread(oursCpu.map((ns, i) => ns / peerCpu[i]!)),
    };
  } finally {
    await stub.close();
  }
}
