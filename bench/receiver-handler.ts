/**
 * `npm run bench:receiver [-- --iterations 20000 --rounds 7]`: the warm per-event part of the suite
 * (bench/handler.ts) plus the bundle's size (bench/sizes.ts), as quick numbers for one change.
 * `npm run bench` runs everything, this included. Numbers go to stdout; nothing asserts on them.
 */
import { parseArgs } from "node:util";
import { measureWarmHandler } from "./handler";
import { measureBundle } from "./sizes";
import { formatSpread, type Spread } from "./stats";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: "string", default: "20000" },
      rounds: { type: "string", default: "7" },
    },
  });
  const r = await measureWarmHandler({
    iterations: Number(values.iterations),
    rounds: Number(values.rounds),
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
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:receiver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
