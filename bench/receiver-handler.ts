/**
 * `npm run bench:receiver [-- --iterations 20000 --rounds 7]`: the warm per-event part of the suite
 * (bench/handler.ts) plus the bundle's size (bench/sizes.ts), as quick numbers for one change.
 * `npm run bench` runs everything, this included. Numbers go to stdout; nothing asserts on them.
 */

import { type CommandLine, positiveInteger, runProgram } from "../tools/command-line";
import { measureWarmHandler } from "./handler";
import { measureBundle } from "./sizes";
import { formatSpread, type Spread } from "./stats";

const program = {
  name: "npm run bench:receiver",
  help: `Usage: npm run bench:receiver -- [--iterations <n>] [--rounds <n>]

The warm per-event handler against its baseline, and the bundle's size.

  --iterations <n>   deliveries per round (default 20000)
  --rounds <n>       alternating rounds (default 7)
  --help             this text`,
  options: {
    iterations: { type: "string", default: "20000" },
    rounds: { type: "string", default: "7" },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const r = await measureWarmHandler({
    iterations: positiveInteger("iterations", values.iterations),
    rounds: positiveInteger("rounds", values.rounds),
  });
  const bundle = await measureBundle();
  const us = (s: Spread) =>
    formatSpread({ ...s, median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 }, 1, " µs/op");
  const lines = [
    `receiver benchmark: node ${process.version}, ${r.iterations} iterations in ${r.rounds} alternating rounds, body ${r.bodyBytes} bytes (invitee.created); medians (min–max)`,
    `  baseline (HMAC-SHA256 + compare + JSON.parse)      ${us(r.baselineNs)}`,
    `  handler, in-process transport (network excluded)   ${us(r.handlerNs)}  = ${formatSpread(r.ratio, 1)}x baseline`,
    `    of which the SDK's PutEvents call alone             ${us(r.sdkOnlyNs)}`,
    `  handler + EventBridge stub over loopback HTTP      ${us(r.loopbackNs)}  (${r.loopbackIterations} iterations)`,
    `  bundle handler.js: ${bundle.bytes} bytes (${(bundle.bytes / 1024).toFixed(1)} KiB), gzip -9 ${bundle.gzipBytes} bytes (${(bundle.gzipBytes / 1024).toFixed(1)} KiB), sha256 ${bundle.sha256.slice(0, 16)}…`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

runProgram(program, main);
