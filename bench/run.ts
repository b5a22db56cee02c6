/**
 * `npm run bench`: every benchmark of issue 7, each figure a ratio against a baseline measured in
 * the same run (rounds alternate; medians with min–max over rounds).
 *
 *   npm run bench                                 # all, about 3 minutes on 2 cores
 *   npm run bench -- --quick                      # fewer rounds, for a smoke test
 *   npm run bench -- --only peer                  # some: handler, peer, profile, parts, throughput,
 *                                                 #   sizes, calls
 *   npm run bench -- --only peer --sdk-external   # both bundles on the runtime's SDK (left out)
 *   npm run bench -- --json bench-results.json    # raw figures too
 *   npm run bench -- --write-docs                 # each area's table into docs/benchmarks.md
 *
 * 1. handler:    warm per-event handler in-process vs HMAC + JSON.parse, with its breakdown
 *                (bench/handler.ts)
 * 2. peer:       the receiver vs the minimal hand-written peer (bench/peer/handler.ts), bundled the
 *                same way: bundle size (bench/bundles.ts), cold start in a fresh process (with an
 *                empty process as the floor; bench/cold-start.ts), warm per event over the same
 *                loopback EventBridge stub (bench/warm.ts)
 *    profile:    where the receiver's time goes next to the peer's: CPU profiles of both bundles,
 *                warm and cold, summed by source file through the source maps (bench/profile.ts)
 *    parts:      what each library (S3 and SSM clients, Powertools, zod) adds to the bundle and to
 *                require() on top of the EventBridge client (bench/parts.ts)
 * 3. throughput: local receiver vs the peer behind the same HTTP adapter, same load
 *                (bench/throughput.ts)
 * 4. sizes:      bundle vs its sources; `__provider` vs the rest of a resource's state (bench/sizes.ts)
 * 5. calls:      Calendly calls per provider operation vs the minimum (bench/calendly-calls.ts)
 * 6. scale:      a stack of 200 subscriptions through the real Pulumi CLI (npm run pulumi:install)
 *                against the emulator, three ways: the native plugin, the dynamic resource, and
 *                200 stand-in RandomStrings (the engine's floor): up, state size, preview, refresh,
 *                destroy, each a ratio to the floor, and against what Calendly's rate limit allows
 *                (bench/scale.ts). Only with `--only scale`:
 *                  npm run bench -- --only scale [--subscriptions 200] [--rate-limit 500/60,50/60]
 *                                  [--variants floor,dynamic,native] [--rounds 3]
 *                                  [--program <a copy of test/engine/programs/subscriptions>]
 * Numbers go to stdout; nothing asserts on them, except that the work itself succeeded. With
 * `--write-docs`, each area's rows also replace its generated block in docs/benchmarks.md
 * (bench/doc-blocks.ts), with the date, the machine and its load.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import {
  type CommandLine,
  CommandLineError,
  positiveInteger,
  runProgram,
  someOf,
} from "../tools/command-line";
import { type Bundles, buildBundles } from "./bundles";
import { type CallsResult, measureCalendlyCalls } from "./calendly-calls";
import { type ColdStartResult, measureColdStart } from "./cold-start";
import { markdownTable, writeDocBlocks } from "./doc-blocks";
import { measureWarmHandler, type WarmHandlerResult } from "./handler";
import { measureParts, type PartFigure } from "./parts";
import { measureProfiles, type ProfileResult } from "./profile";
import {
  DEFAULT_SCALE_PROGRAM,
  measureScale,
  parseRateLimit,
  SCALE_VARIANTS,
  type ScaleResult,
} from "./scale";
import { type BundleSize, measureBundle, measureProvider, type ProviderSize } from "./sizes";
import { formatSpread, median, type Spread, spread, table } from "./stats";
import { measureThroughput, type ThroughputResult } from "./throughput";
import { measureWarm, type WarmResult } from "./warm";

const AREAS = ["handler", "peer", "profile", "parts", "throughput", "sizes", "calls", "scale"] as const;
type Area = (typeof AREAS)[number];
/** What `npm run bench` runs without `--only`: scale needs the Pulumi CLI and takes minutes. */
const DEFAULT_AREAS: readonly Area[] = AREAS.filter((area) => area !== "scale");

const COMMANDS: Record<Area, string> = {
  handler: "npm run bench -- --only handler",
  throughput: "npm run bench -- --only throughput",
  peer: "npm run bench -- --only peer",
  profile: "npm run bench -- --only profile",
  parts: "npm run bench -- --only parts",
  sizes: "npm run bench -- --only sizes,calls",
  calls: "npm run bench -- --only calls",
  scale: "npm run bench -- --only scale",
};

export interface Machine {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeGiB: number;
  loadAverage: number[];
}

function machine(): Machine {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    // Not Linux: the os module's name will do.
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: model.trim(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const us = (s: Spread) =>
  formatSpread({ ...s, median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 }, 1, " µs");
const ratio = (s: Spread) => `${formatSpread(s, 2)}×`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

type Row = [area: string, figure: string, value: string, baseline: string, ratio: string, command: string];

function handlerRows(r: WarmHandlerResult): Row[] {
  const c = COMMANDS.handler;
  return [
    [
      "1 warm handler",
      `per event (${r.bodyBytes} B invitee.created, network excluded), ${r.iterations} calls in ${r.rounds} rounds`,
      us(r.handlerNs),
      `HMAC + compare + JSON.parse ${us(r.baselineNs)}`,
      ratio(r.ratio),
      c,
    ],
    ["", "  of which the SDK's PutEvents call alone", us(r.sdkOnlyNs), "", "", c],
    [
      "",
      `  handler + EventBridge stub over loopback HTTP (${r.loopbackIterations} calls)`,
      us(r.loopbackNs),
      "",
      "",
      c,
    ],
  ];
}

function partRows(parts: PartFigure[]): Row[] {
  const c = COMMANDS.parts;
  return parts.map((p, index) => [
    index === 0 ? "2b parts" : "",
    p.part,
    `require ${formatSpread(p.requireMs, 1, " ms")}, ${p.bytes} B`,
    index === 0 ? "" : `+${p.addedMs.toFixed(1)} ms, +${(p.addedBytes / 1024).toFixed(1)} KiB`,
    "",
    c,
  ]);
}

/** The sources that make most of the difference, then everything else in one row. */
function profileRows(r: ProfileResult, top = 12): Row[] {
  const c = COMMANDS.profile;
  const rows: Row[] = [];
  const part = (title: string, unit: string, digits: number, p: ProfileResult["warm" | "cold"]) => {
    const n = (v: number) => `${v.toFixed(digits)} ${unit}`;
    const d = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(digits)} ${unit}`;
    rows.push([
      rows.length === 0 ? "2c profile" : "",
      title,
      `ours ${n(p.oursTotal)}`,
      `peer ${n(p.peerTotal)}`,
      d(p.oursTotal - p.peerTotal),
      c,
    ]);
    for (const row of p.rows.slice(0, top)) {
      rows.push(["", `  ${row.source}`, n(row.ours), n(row.peer), d(row.ours - row.peer), c]);
    }
    const rest = p.rows.slice(top);
    const restOurs = rest.reduce((a, row) => a + row.ours, 0);
    const restPeer = rest.reduce((a, row) => a + row.peer, 0);
    rows.push(["", `  ${rest.length} other sources`, n(restOurs), n(restPeer), d(restOurs - restPeer), c]);
  };
  part(
    `warm, CPU self time per event by source (profiled, ${r.warm.events} events, ${r.intervalUs} µs sampling)`,
    "µs",
    1,
    r.warm,
  );
  part(
    `cold start, CPU self time per process by source (${r.cold.runs} processes, ${r.intervalUs} µs sampling)`,
    "ms",
    2,
    r.cold,
  );
  return rows;
}

function throughputRows(r: ThroughputResult): Row[] {
  const c = COMMANDS.throughput;
  const rps = (s: Spread) => formatSpread(s, 0, " req/s");
  const ms = (s: Spread) => formatSpread(s, 1, " ms");
  return [
    [
      "3 throughput",
      `local receiver, ${r.connections} connections, ${r.rounds} × ${r.seconds} s alternating`,
      rps(r.receiver.rps),
      `peer behind the same adapter ${rps(r.baseline.rps)}`,
      ratio(r.ratio),
      c,
    ],
    ["", "  latency p50", ms(r.receiver.p50Ms), ms(r.baseline.p50Ms), "", c],
    ["", "  latency p99", ms(r.receiver.p99Ms), ms(r.baseline.p99Ms), "", c],
    [
      "",
      "  server CPU per answer",
      formatSpread(r.receiver.cpuMsPerAnswer, 3, " ms"),
      formatSpread(r.baseline.cpuMsPerAnswer, 3, " ms"),
      ratio(r.cpuRatio),
      c,
    ],
  ];
}

function peerRows(bundles: Bundles, cold: ColdStartResult, warm: WarmResult, sdkExternal: boolean): Row[] {
  const c = COMMANDS.peer + (sdkExternal ? " --sdk-external" : "");
  const ms = (s: Spread) => formatSpread(s, 1, " ms");
  const part = (name: string, pick: (f: ColdStartResult["sides"]["ours"]) => Spread | undefined): Row => [
    "",
    `  inside: ${name}`,
    ms(pick(cold.sides.ours)!),
    `${ms(pick(cold.sides.peer)!)}; with SSM keys ${ms(pick(cold.sides.oursSsm)!)}`,
    "",
    c,
  ];
  const sdk = sdkExternal ? "SDK left to the runtime" : "SDK bundled";
  return [
    [
      "2 vs peer",
      `bundle handler.js (minified, ${sdk})`,
      `${bundles.ours.bytes} B (${kib(bundles.ours.bytes)})`,
      `peer ${bundles.peer.bytes} B (${kib(bundles.peer.bytes)})`,
      `${(bundles.ours.bytes / bundles.peer.bytes).toFixed(2)}×`,
      c,
    ],
    [
      "",
      "  gzip -9",
      `${bundles.ours.gzipBytes} B (${kib(bundles.ours.gzipBytes)})`,
      `peer ${bundles.peer.gzipBytes} B (${kib(bundles.peer.gzipBytes)})`,
      `${(bundles.ours.gzipBytes / bundles.peer.gzipBytes).toFixed(2)}×`,
      c,
    ],
    [
      "",
      `cold start: new process, load bundle + 1 event forwarded, keys from env, ${cold.runs} runs`,
      ms(cold.sides.ours.wallMs),
      `peer ${ms(cold.sides.peer.wallMs)}`,
      ratio(cold.ratio),
      c,
    ],
    [
      "",
      "  the same with keys read from SSM (as deployed: one more round trip)",
      ms(cold.sides.oursSsm.wallMs),
      `peer ${ms(cold.sides.peer.wallMs)}`,
      ratio(cold.ratioSsm),
      c,
    ],
    [
      "",
      "  added to an empty process start",
      ms(cold.addedMs),
      `peer ${ms(cold.peerAddedMs)}; empty process ${ms(cold.sides.empty.wallMs)}`,
      "",
      c,
    ],
    [
      "",
      "  CPU time until the answer (sturdier on a loaded machine)",
      ms(cold.sides.ours.cpuMs!),
      `peer ${ms(cold.sides.peer.cpuMs!)}; with SSM keys ${ms(cold.sides.oursSsm.cpuMs!)}`,
      `${ratio(cold.cpuRatio)}; SSM ${ratio(cold.cpuRatioSsm)}`,
      c,
    ],
    part("node bootstrap, until the script runs", (f) => f.begunMs),
    part("require(bundle)", (f) => f.requireMs),
    part("first handler() call", (f) => f.firstHandleMs),
    [
      "",
      `warm per event over loopback (${warm.bodyBytes} B event, ${warm.processes} processes × ${warm.rounds} × ${warm.events} calls each)`,
      us(warm.oursNs),
      `peer ${us(warm.peerNs)}`,
      ratio(warm.ratio),
      c,
    ],
    ["", "  CPU time per event", us(warm.oursCpuNs), `peer ${us(warm.peerCpuNs)}`, ratio(warm.cpuRatio), c],
  ];
}

function sizeRows(bundle: BundleSize, provider: ProviderSize, calls: CallsResult | undefined): Row[] {
  const c = COMMANDS.sizes;
  const rows: Row[] = [
    [
      "4 sizes",
      "Lambda bundle handler.js (minified)",
      `${bundle.bytes} B (${kib(bundle.bytes)})`,
      `${bundle.sourceFiles} source files ${bundle.sourceBytes} B (${kib(bundle.sourceBytes)})`,
      `${(bundle.bytes / bundle.sourceBytes).toFixed(3)}×`,
      c,
    ],
    [
      "",
      "  gzip -9 (about the deployed zip)",
      `${bundle.gzipBytes} B (${kib(bundle.gzipBytes)})`,
      "Lambda's 50 MB zip upload limit",
      `${(bundle.gzipBytes / (50 * 2 ** 20)).toFixed(4)}×`,
      c,
    ],
    [
      "",
      "serialized __provider (the shim)",
      `${provider.bytes} B (${kib(provider.bytes)}), gzip ${provider.gzipBytes} B`,
      "goal ≤ 4 KB; 74,458 B in release 0.1.0",
      `${(provider.bytes / 4096).toFixed(3)}×`,
      c,
    ],
  ];
  if (calls) {
    rows.push([
      "",
      "  one resource's state, with __provider (in inputs and outputs)",
      `${calls.stateBytes} B`,
      `without __provider ${calls.stateBytesWithoutProvider} B; 154,665 B in release 0.1.0`,
      `${(calls.stateBytes / calls.stateBytesWithoutProvider).toFixed(1)}×`,
      c,
    ]);
  }
  return rows;
}

/** One variant's rounds under one rate limit. */
interface ScaleRounds {
  variant: ScaleResult["variant"];
  runs: ScaleResult[];
}

const SCALE_STEPS = ["up", "preview", "refresh", "destroy"] as const;
const SCALE_STEP_NAMES = {
  up: "up from empty",
  preview: "preview, no changes",
  refresh: "refresh",
  destroy: "destroy",
};

/** One rate limit's rows: each variant's steps (wall and CPU time) and state as ratios to the floor's. */
function scaleRows(floor: ScaleRounds | undefined, all: ScaleRounds[], command: string): Row[] {
  const sec = (s: Spread) =>
    formatSpread({ ...s, median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 }, 1, " s");
  const x = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}×` : "");
  const rows: Row[] = [];
  for (const { variant, runs } of all) {
    const first = runs[0]!;
    const { subscriptions, limit, windowSeconds } = first.options;
    const area = rows.length === 0 ? `6 scale, ${limit}/${windowSeconds} s` : "";
    for (const name of SCALE_STEPS) {
      const wall = spread(runs.map((r) => r[name].ms));
      const cpu = spread(runs.map((r) => r[name].cpuMs));
      const base = floor && {
        wall: spread(floor.runs.map((r) => r[name].ms)),
        cpu: spread(floor.runs.map((r) => r[name].cpuMs)),
      };
      const f = first[name];
      const bound =
        f.lowerBoundMs > 0 ? `; the limit allows it in ${(f.lowerBoundMs / 1000).toFixed(1)} s` : "";
      const calendly = median(runs.map((r) => r[name].calendlyMs));
      const calls = `${f.calls} Calendly calls${f.rateLimited > 0 ? `, ${f.rateLimited} answered 429` : ""}${
        f.calls > 0 ? `, answered in ${(calendly / 1000).toFixed(1)} s summed` : ""
      }`;
      rows.push([
        name === "up" ? area : "",
        `${name === "up" ? `${variant}, ${subscriptions}, limit ${limit}/${windowSeconds} s, ${runs.length} rounds: ` : "  "}${SCALE_STEP_NAMES[name]} (${calls})`,
        `${sec(wall)}; CPU ${sec(cpu)}`,
        variant === "floor" || !base
          ? `the floor${bound}`
          : `floor ${sec(base.wall)}; CPU ${sec(base.cpu)}${bound}`,
        variant === "floor" || !base
          ? "1.00×"
          : `${x(wall.median, base.wall.median)}; CPU ${x(cpu.median, base.cpu.median)}`,
        command,
      ]);
    }
    const ref = floor?.runs[0];
    rows.push([
      "",
      "  one resource in state, less Pulumi's stackTrace and sourcePosition",
      `${first.resourceBytesOwn} B`,
      `${ref ? `floor ${ref.resourceBytesOwn} B; ` : ""}goal ≤ 2 KB (native)`,
      x(first.resourceBytesOwn, ref?.resourceBytesOwn),
      command,
    ]);
    rows.push([
      "",
      "  the same whole, as the checkpoint holds it (compact JSON)",
      `${first.resourceBytesCompact} B`,
      ref ? `floor ${ref.resourceBytesCompact} B` : "",
      x(first.resourceBytesCompact, ref?.resourceBytesCompact),
      command,
    ]);
    if (first.providerBytes > 0) {
      rows.push([
        "",
        "  of which __provider (stored twice: inputs and outputs)",
        `${first.providerBytes} B`,
        "",
        "",
        command,
      ]);
    }
    rows.push([
      "",
      "  the whole pulumi stack export, per subscription",
      `${first.exportBytesPerSubscription} B`,
      ref ? `floor ${ref.exportBytesPerSubscription} B` : "",
      x(first.exportBytesPerSubscription, ref?.exportBytesPerSubscription),
      command,
    ]);
  }
  return rows;
}

function callRows(r: CallsResult): Row[] {
  return r.rows.map((row, index) => [
    index === 0 ? "5 Calendly calls" : "",
    row.operation,
    `${row.total} (${
      Object.entries(row.calls)
        .map(([op, n]) => `${op} ${n}`)
        .join(", ") || "none"
    }), ${row.ms.toFixed(0)} ms`,
    `minimum ${row.minimum}: ${row.expected}`,
    row.minimum === 0
      ? row.total === 0
        ? "= (0 = 0)"
        : `+${row.total}`
      : `${(row.total / row.minimum).toFixed(2)}×`,
    COMMANDS.calls,
  ]);
}

const BENCHMARKS_DOC = join(__dirname, "..", "docs", "benchmarks.md");

/** One area's rows as docs/benchmarks.md's generated block shows them: the run, then its table. */
function docBlock(command: string, rows: readonly Row[], before: Machine, after: Machine): string {
  const load = `load average ${before.loadAverage.join(" ")} before, ${after.loadAverage.join(" ")} after`;
  return [
    `Measured ${before.date.slice(0, 16).replace("T", " ")} UTC by \`${command}\`: Node ${before.node}, ` +
      `${before.cpus} × ${before.cpuModel}, ${before.memoryGiB} GiB; ${load}.`,
    "",
    markdownTable(
      ["figure", "value: median (min–max)", "baseline", "ratio"],
      rows.map(([, figure, value, baseline, ratio]) => [figure.trim(), value, baseline, ratio]),
    ),
  ].join("\n");
}

const program = {
  name: "npm run bench",
  help: `Usage: npm run bench -- [--quick] [--only <areas>] [--json <file>] [--sdk-external] [--write-docs]
                       [--subscriptions <n>] [--rate-limit <requests>/<s>[,...]]
                       [--variants floor,dynamic,native] [--program <folder>]

Every benchmark, each figure a ratio against a baseline measured in the same run (see bench/run.ts
and docs/benchmarks.md).

  --quick                       fewer rounds, for a smoke test
  --only <areas>                some of ${AREAS.join(", ")}, comma-separated
                                (default: all but scale)
  --json <file>                 write the raw figures there too
  --write-docs                  write each area's table into its generated block in
                                docs/benchmarks.md (not with --quick)
  --sdk-external                both bundles on the runtime's SDK (left out of the bundle)
  --subscriptions <n>           scale: subscriptions in the stack (default 200)
  --rate-limit <requests>/<s>   scale: the emulator's rate limit (default 500/60); several,
                                comma-separated, run the stack under each (500/60,50/60)
  --variants <list>             scale: some of ${SCALE_VARIANTS.join(", ")} (default all; ratios
                                are to the floor)
  --rounds <n>                  scale: rounds of each variant, in a rotating order (default 3;
                                --quick: 1); figures are medians (min–max)
  --program <folder>            scale: the dynamic variant's Pulumi program
                                (default: test/engine/programs/subscriptions)
  --help                        this text`,
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    json: { type: "string" },
    "write-docs": { type: "boolean", default: false },
    "sdk-external": { type: "boolean", default: false },
    subscriptions: { type: "string", default: "200" },
    "rate-limit": { type: "string", default: "500/60" },
    variants: { type: "string", default: SCALE_VARIANTS.join(",") },
    rounds: { type: "string", default: "3" },
    program: { type: "string", default: DEFAULT_SCALE_PROGRAM },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const only = someOf("only", values.only, AREAS) ?? [...DEFAULT_AREAS];
  const subscriptions = positiveInteger("subscriptions", values.subscriptions);
  const rateLimits = values["rate-limit"].split(",").map(parseRateLimit);
  const want = (area: Area) => only.includes(area);
  const quick = values.quick;
  if (quick && values["write-docs"]) {
    throw new CommandLineError(
      "--write-docs takes a full run: a --quick run's figures are too rough for the docs",
      "ERR_INVALID_VALUE",
      "--write-docs",
    );
  }

  const before = machine();
  const results: Record<string, unknown> = { machine: before };
  const rows: Row[] = [];
  /** Each area's rows under the command that makes them (the command column of its first row). */
  const byCommand = new Map<string, Row[]>();
  const add = (area: Row[]) => {
    rows.push(...area);
    for (const row of area) byCommand.set(row[5], [...(byCommand.get(row[5]) ?? []), row]);
  };
  const step = (name: string) => process.stderr.write(`bench: ${name}…\n`);

  if (want("handler")) {
    step("warm handler");
    const r = await measureWarmHandler({ iterations: quick ? 3000 : 20_000, rounds: quick ? 3 : 7 });
    results.handler = r;
    add(handlerRows(r));
  }
  if (want("profile")) {
    step("profile: where the time goes, receiver vs peer");
    const bundles = await buildBundles({ sdkExternal: values["sdk-external"] });
    try {
      const r = await measureProfiles(bundles, {
        warmup: quick ? 300 : 1000,
        events: quick ? 1000 : 5000,
        runs: quick ? 3 : 10,
        intervalUs: 50,
      });
      results.profile = r;
      add(profileRows(r));
    } finally {
      await bundles.remove();
    }
  }
  if (want("parts")) {
    step("parts: what each library adds to require()");
    const r = await measureParts(quick ? 5 : 15);
    results.parts = r;
    add(partRows(r));
  }
  if (want("throughput")) {
    step("throughput");
    const r = await measureThroughput({ rounds: quick ? 2 : 5, seconds: quick ? 3 : 8, connections: 32 });
    results.throughput = r;
    add(throughputRows(r));
  }
  if (want("peer")) {
    const sdkExternal = values["sdk-external"];
    step(`receiver vs peer: bundles${sdkExternal ? " (SDK left to the runtime)" : ""}`);
    const bundles = await buildBundles({ sdkExternal });
    try {
      step("receiver vs peer: cold start");
      const cold = await measureColdStart(bundles, quick ? 3 : 15);
      step("receiver vs peer: warm per event");
      const warm = await measureWarm(bundles, {
        processes: quick ? 2 : 4,
        rounds: quick ? 3 : 5,
        events: quick ? 300 : 1000,
        warmup: quick ? 300 : 1000,
      });
      results.peer = { bundles: { ours: bundles.ours, peer: bundles.peer }, cold, warm, sdkExternal };
      add(peerRows(bundles, cold, warm, sdkExternal));
    } finally {
      await bundles.remove();
    }
  }
  let calls: CallsResult | undefined;
  if (want("calls")) {
    step("Calendly calls per provider operation");
    calls = await measureCalendlyCalls();
    results.calls = calls;
  }
  if (want("sizes")) {
    step("sizes");
    const [bundle, provider] = await Promise.all([measureBundle(), measureProvider()]);
    results.sizes = { bundle, provider };
    add(sizeRows(bundle, provider, calls));
  }
  if (calls) add(callRows(calls));
  if (want("scale")) {
    const variants = someOf("variants", values.variants, SCALE_VARIANTS);
    const rounds = quick ? 1 : positiveInteger("rounds", values.rounds);
    const chosen = SCALE_VARIANTS.filter((v) => variants.includes(v));
    const scale: ScaleResult[] = [];
    // The floor has no Calendly behind it, so the floor of the first rate limit serves them all.
    let floor: ScaleRounds | undefined;
    for (const [index, rateLimit] of rateLimits.entries()) {
      const options = { subscriptions, program: values.program, ...rateLimit };
      const here = chosen.filter((v) => v !== "floor" || index === 0);
      const byVariant = new Map(here.map((v) => [v, [] as ScaleResult[]]));
      for (let round = 0; round < rounds; round++) {
        // A different order each round, so a drift in the machine's load hits every variant.
        const order = here.map((_, i) => here[(i + round) % here.length]!);
        for (const variant of order) {
          step(
            `scale: round ${round + 1}/${rounds}, ${variant}, ${options.subscriptions} through the real Pulumi CLI, limit ${rateLimit.limit}/${rateLimit.windowSeconds} s`,
          );
          const r = await measureScale(options, variant, (line) => step(`scale: ${line}`));
          byVariant.get(variant)!.push(r);
          scale.push(r);
        }
      }
      const all = [...byVariant].map(([variant, runs]) => ({ variant, runs }));
      floor ??= all.find((r) => r.variant === "floor");
      const flags = [
        options.subscriptions === 200 ? "" : ` --subscriptions ${options.subscriptions}`,
        values["rate-limit"] === "500/60" ? "" : ` --rate-limit ${values["rate-limit"]}`,
        values.variants === SCALE_VARIANTS.join(",") ? "" : ` --variants ${values.variants}`,
        values.rounds === "3" ? "" : ` --rounds ${values.rounds}`,
        options.program === DEFAULT_SCALE_PROGRAM ? "" : ` --program ${options.program}`,
      ].join("");
      add(scaleRows(floor, all, `${COMMANDS.scale}${flags}`));
    }
    results.scale = scale;
  }

  const after = machine();
  results.loadAverageAfter = after.loadAverage;
  console.log(
    `\nBenchmarks, ${before.date}: node ${before.node}, ${before.cpus} × ${before.cpuModel}, ${before.memoryGiB} GiB; ` +
      `load average ${before.loadAverage.join(" ")} before, ${after.loadAverage.join(" ")} after\n`,
  );
  // Each area's command once, on its first row.
  const shown = rows.map(
    (row, i): Row =>
      i > 0 && rows[i - 1]![5] === row[5] ? [row[0], row[1], row[2], row[3], row[4], ""] : row,
  );
  console.log(
    table([["area", "figure", "value: median (min–max)", "baseline", "ratio", "command"], ...shown]),
  );
  if (values.json) {
    await writeFile(values.json, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nraw figures: ${values.json}`);
  }
  if (values["write-docs"]) {
    const blocks = new Map(
      [...byCommand].map(([command, areaRows]) => [
        `${command} --write-docs`,
        docBlock(`${command} --write-docs`, areaRows, before, after),
      ]),
    );
    writeDocBlocks(BENCHMARKS_DOC, blocks);
    console.log(`\nwrote ${[...blocks.keys()].map((c) => `\`${c}\``).join(", ")} into ${BENCHMARKS_DOC}`);
  }
  return 0;
}

runProgram(program, main);
