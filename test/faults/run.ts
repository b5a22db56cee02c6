/**
 * `npm run test:faults`: the provider under seeded random Calendly faults, through Pulumi's host
 * driven by our model of the engine, or through the real Pulumi CLI.
 *
 *   npm run test:faults                          # 200 schedules (seeds 1..200), on both paths
 *   npm run test:faults -- --ci                  # 25 schedules, for CI
 *   npm run test:faults -- --seeds 500           # more
 *   npm run test:faults -- --seed 137            # replay one schedule, with its faults printed
 *   npm run test:faults -- --urls marked         # only the create-first path (the stack's)
 *   npm run test:faults -- --engine real --seeds 25 --urls marked   # the real Pulumi CLI
 *
 * Each schedule runs on both replacement paths unless `--urls` picks one: `fixed` URLs (the old
 * subscription deleted first) and `marked` URLs, as the stack declares them (the new one created
 * first). Prints a summary table per path; exits 1 if any schedule left a duplicate, an orphan, a
 * lost subscription or a step that never succeeded, naming the seeds to replay.
 */
import { startEmulator } from "../../emulator/server";
import { type CommandLine, oneOf, positiveInteger, runProgram, wholeNumber } from "../../tools/command-line";
import { serializeWebhookSubscriptionProvider } from "../../tools/pulumi-host/serialize";
import { startReceiver } from "../support/receiver";
import { runScenario, type ScenarioResult, URL_MODES, type UrlMode } from "./scenario";
import { FAULT_KINDS } from "./schedule";
import { type EngineKind, type FaultStack, modelStack, realStack } from "./stacks";

const program = {
  name: "npm run test:faults",
  help: `Usage: npm run test:faults -- [--ci | --seeds <n> | --seed <n>] [--first <n>] [--workers <n>]
                             [--urls fixed|marked|both] [--engine model|real]

The provider under seeded random Calendly faults; exits 1 naming the seeds of any schedule that
left a duplicate, an orphan, a lost subscription or a step that never succeeded.

  --seeds <n>       how many schedules, seeds --first onwards (default 200)
  --ci              25 schedules, for CI
  --seed <n>        replay one schedule, with its faults printed
  --first <n>       the first seed (default 1)
  --urls <paths>    fixed (delete first), marked (create first, as the stack) or both (default)
  --engine <e>      model: our model of the engine over Pulumi's dynamic-provider host (default);
                    real: the Pulumi CLI (npm run pulumi:install), seconds per step
  --workers <n>     schedules run side by side, each with its own emulator and engine
                    (default 4 with the model, 1 with the real CLI)
  --help            this text`,
  options: {
    ci: { type: "boolean", default: false },
    seeds: { type: "string" },
    seed: { type: "string" },
    first: { type: "string", default: "1" },
    urls: { type: "string", default: "both" },
    engine: { type: "string", default: "model" },
    // Schedules mostly wait (back-off, rate-limit resets), so several run side by side, each
    // with its own emulator, receiver and provider host.
    workers: { type: "string" },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const first = wholeNumber("first", values.first);
  const one = wholeNumber("seed", values.seed);
  const count = positiveInteger("seeds", values.seeds) ?? (values.ci ? 25 : 200);
  const seeds = one !== undefined ? [one] : Array.from({ length: count }, (_, i) => first + i);
  const urlChoice = oneOf("urls", values.urls, ["fixed", "marked", "both"] as const);
  const paths: readonly UrlMode[] = urlChoice === "both" ? URL_MODES : [urlChoice];
  const engine: EngineKind = oneOf("engine", values.engine, ["model", "real"] as const);
  // A real `pulumi up` keeps a core busy for seconds: one at a time unless asked.
  const requestedWorkers = positiveInteger("workers", values.workers) ?? (engine === "real" ? 1 : 4);

  const started = Date.now();
  const provider = engine === "model" ? (await serializeWebhookSubscriptionProvider()).provider : "";
  const results: ScenarioResult[] = [];
  const queue = seeds.flatMap((seed) => paths.map((urls) => ({ seed, urls })));
  const total = queue.length;

  async function worker() {
    const emulator = await startEmulator({
      delivery: { retryInitialMs: 20, retryMaxMs: 50, retryWindowMs: 5_000 },
    });
    const receiver = await startReceiver();
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const { seed, urls } = next;
        const stack: FaultStack =
          engine === "model"
            ? await modelStack(emulator, provider)
            : await realStack(emulator, `faults-${seed}-${urls}`);
        try {
          const result = await runScenario(seed, {
            stack,
            urls,
            emulator,
            receiver,
            trace: seeds.length === 1 ? (line: string) => console.log(`  ${line}`) : undefined,
          });
          results.push(result);
          if (seeds.length === 1) console.log(JSON.stringify(result, null, 2));
          else if (results.length % (engine === "real" ? 5 : 25) === 0) {
            console.error(`… ${results.length}/${total} schedules`);
          }
        } finally {
          await stack.close();
        }
      }
    } finally {
      await receiver.close();
      await emulator.close();
    }
  }
  const workers = Math.min(requestedWorkers, total);
  await Promise.all(Array.from({ length: workers }, worker));
  results.sort((a, b) => a.seed - b.seed || a.urls.localeCompare(b.urls));

  const bad = results.filter((r) => r.duplicates + r.orphans + r.lost > 0 || r.stuck.length > 0);
  const through =
    engine === "model" ? "our model of the engine, Pulumi's dynamic-provider host" : "the real Pulumi CLI";
  console.log(`\nProvider under faults (through ${through}, against the emulator)\n`);
  const columns = paths.map((urls) => summary(results.filter((r) => r.urls === urls)));
  const rows = [
    [
      "",
      ...paths.map((urls) =>
        urls === "marked" ? "marked URLs (create first)" : "fixed URLs (delete first)",
      ),
    ],
    ...columns[0]!.map(([name], index) => [name, ...columns.map((c) => String(c[index]![1]))]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}`.trimEnd());
  console.log(`\n  ${((Date.now() - started) / 1000).toFixed(1)} s with ${workers} workers`);
  if (bad.length > 0) {
    console.log(
      `\nFAILED seeds (replay with \`npm run test:faults -- --engine ${engine} --urls <urls> --seed N\`):`,
    );
    for (const r of bad) {
      console.log(
        `  ${r.seed} (${r.urls}): duplicates ${r.duplicates}, orphans ${r.orphans}, lost ${r.lost}${r.stuck.length ? `, stuck: ${r.stuck.join("; ")}` : ""}`,
      );
    }
    return 1;
  }
  console.log("\n  target met: zero duplicates, zero orphans, zero lost subscriptions, no stuck step");
  return 0;
}

/** One path's figures, as [name, value] rows. */
function summary(results: ScenarioResult[]): [string, string | number][] {
  const sum = (pick: (r: ScenarioResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const faultCounts = FAULT_KINDS.map((k) => `${k}: ${sum((r) => r.fired.filter((f) => f === k).length)}`);
  return [
    ["schedules", results.length],
    ["fault rules injected", sum((r) => r.faults.length)],
    ["faults that hit a call", `${sum((r) => r.fired.length)} (${faultCounts.join(", ")})`],
    ["steps re-run after a failure", sum((r) => r.reruns)],
    ["Calendly calls", sum((r) => r.calls)],
    ["duplicates", sum((r) => r.duplicates)],
    ["orphans", sum((r) => r.orphans)],
    ["lost subscriptions", sum((r) => r.lost)],
    ["steps that never succeeded", sum((r) => r.stuck.length)],
  ];
}

runProgram(program, main);
