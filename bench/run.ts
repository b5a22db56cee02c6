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
 *                against the emulator: up, state size, preview, refresh, destroy; up against what
 *                Calendly's rate limit allows (bench/scale.ts). Only with `--only scale`:
 *                  npm run bench -- --only scale [--subscriptions 200] [--rate-limit 500/60]
 *                                  [--program <a copy of test/engine/programs/subscriptions>]
 * Numbers go to stdout; nothing asserts on them, except that the work itself succeeded. With
 * `--write-docs`, each area's rows also replace its generated block in docs/benchmarks.md
 * (bench/doc-blocks.ts), with the date, the machine and its load.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { type CommandLine, CommandLineError, positiveInteger, runProgram } from "../tools/command-line";
import { type Bundles, buildBundles } from "./bundles";
import { type CallsResult, measureCalendlyCalls } from "./calendly-calls";
import { type ColdStartResult, measureColdStart } from "./cold-start";
import { markdownTable, writeDocBlocks } from "./doc-blocks";
import { measureWarmHandler, type WarmHandlerResult } from "./handler";
import { measureParts, type PartFigure } from "./parts";
import { measureProfiles, type ProfileResult } from "./profile";
import { DEFAULT_SCALE_PROGRAM, measureScale, parseRateLimit, type ScaleResult } from "./scale";
import { type BundleSize, measureBundle, measureProvider, type ProviderSize } from "./sizes";
import { formatSpread, type Spread, table } from "./stats";
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

function scaleRows(r: ScaleResult, command: string): Row[] {
  const { subscriptions, limit, windowSeconds } = r.options;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const step = (area: string, name: string, f: ScaleResult["up"]): Row => [
    area,
    `${name} (${f.calls} Calendly calls${f.rateLimited > 0 ? `, ${f.rateLimited} answered 429` : ""})`,
    s(f.ms),
    `the limit (${limit} per ${windowSeconds} s) allows it in ${s(f.lowerBoundMs)}`,
    f.lowerBoundMs > 0 ? `${(f.ms / f.lowerBoundMs).toFixed(2)}×` : "",
    command,
  ];
  const size = (name: string, bytes: number, goal: number): Row => [
    "",
    name,
    `${bytes} B`,
    `goal ≤ ${goal / 1024} KB`,
    `${(bytes / goal).toFixed(3)}×`,
    command,
  ];
  return [
    step("6 scale", `up from empty, ${subscriptions} subscriptions`, r.up),
    step("", "  preview, no changes", r.preview),
    step("", "  refresh", r.refresh),
    step("", "  destroy", r.destroy),
    size(
      "  one subscription in state (its resource, compact JSON as the checkpoint holds it)",
      r.resourceBytesCompact,
      8192,
    ),
    size("  the same as pulumi stack export prints it (indented, in place)", r.resourceBytesInExport, 8192),
    size("  __provider (stored twice: inputs and outputs)", r.providerBytes, 4096),
    [
      "",
      "  the whole pulumi stack export (with the program's outputs and config)",
      `${r.exportBytes} B, ${r.exportBytesPerSubscription} B per subscription`,
      "",
      "",
      command,
    ],
  ];
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
                       [--subscriptions <n>] [--rate-limit <requests>/<s>] [--program <folder>]

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
  --rate-limit <requests>/<s>   scale: the emulator's rate limit (default 500/60)
  --program <folder>            scale: the Pulumi program (default: test/engine/programs/subscriptions)
  --help                        this text`,
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    json: { type: "string" },
    "write-docs": { type: "boolean", default: false },
    "sdk-external": { type: "boolean", default: false },
    subscriptions: { type: "string", default: "200" },
    "rate-limit": { type: "string", default: "500/60" },
    program: { type: "string", default: DEFAULT_SCALE_PROGRAM },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const only = values.only?.split(",").map((s) => s.trim()) ?? [...DEFAULT_AREAS];
  const bad = only.filter((area) => !(AREAS as readonly string[]).includes(area));
  if (bad.length > 0) {
    throw new CommandLineError(
      `--only takes ${AREAS.join(", ")}, got "${bad.join(", ")}"`,
      "ERR_INVALID_VALUE",
      "--only",
    );
  }
  const subscriptions = positiveInteger("subscriptions", values.subscriptions);
  const rateLimit = parseRateLimit(values["rate-limit"]);
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
    const options = { subscriptions, program: values.program, ...rateLimit };
    step(
      `scale: ${options.subscriptions} subscriptions through the real Pulumi CLI, limit ${values["rate-limit"]}`,
    );
    const r = await measureScale(options, (line) => step(`scale: ${line}`));
    results.scale = r;
    const flags = [
      options.subscriptions === 200 ? "" : ` --subscriptions ${options.subscriptions}`,
      values["rate-limit"] === "500/60" ? "" : ` --rate-limit ${values["rate-limit"]}`,
      options.program === DEFAULT_SCALE_PROGRAM ? "" : ` --program ${options.program}`,
    ].join("");
    add(scaleRows(r, `${COMMANDS.scale}${flags}`));
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
