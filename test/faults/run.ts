/**
 * `npm run test:faults`: the provider under seeded random Calendly faults, through Pulumi's host.
 *
 *   npm run test:faults                 # 200 schedules (seeds 1..200)
 *   npm run test:faults -- --ci         # 25 schedules, for CI
 *   npm run test:faults -- --seeds 500  # more
 *   npm run test:faults -- --seed 137   # replay one schedule, with its faults printed
 *
 * Prints a summary table; exits 1 if any schedule left a duplicate, an orphan, a lost
 * subscription or a step that never succeeded, naming the seeds to replay.
 */
import { startEmulator } from "../../emulator/server";
import { type CommandLine, positiveInteger, runProgram, wholeNumber } from "../../tools/command-line";
import { createEngine } from "../../tools/pulumi-host/engine";
import { startDynamicProviderHost } from "../../tools/pulumi-host/host";
import { PROJECT_ROOT, serializeWebhookSubscriptionProvider } from "../../tools/pulumi-host/serialize";
import { startReceiver } from "../support/receiver";
import { runScenario, type ScenarioResult } from "./scenario";
import { FAULT_KINDS } from "./schedule";

const program = {
  name: "npm run test:faults",
  help: `Usage: npm run test:faults -- [--ci | --seeds <n> | --seed <n>] [--first <n>] [--workers <n>]

The provider under seeded random Calendly faults, through Pulumi's host; exits 1 naming the seeds
of any schedule that left a duplicate, an orphan, a lost subscription or a step that never succeeded.

  --seeds <n>       how many schedules, seeds --first onwards (default 200)
  --ci              25 schedules, for CI
  --seed <n>        replay one schedule, with its faults printed
  --first <n>       the first seed (default 1)
  --workers <n>     schedules run side by side, each with its own emulator and host (default 4)
  --help            this text`,
  options: {
    ci: { type: "boolean", default: false },
    seeds: { type: "string" },
    seed: { type: "string" },
    first: { type: "string", default: "1" },
    // Schedules mostly wait (back-off, rate-limit resets), so several run side by side, each
    // with its own emulator, receiver and provider host.
    workers: { type: "string", default: "4" },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const first = wholeNumber("first", values.first);
  const one = wholeNumber("seed", values.seed);
  const count = positiveInteger("seeds", values.seeds) ?? (values.ci ? 25 : 200);
  const seeds = one !== undefined ? [one] : Array.from({ length: count }, (_, i) => first + i);
  const requestedWorkers = positiveInteger("workers", values.workers);

  const started = Date.now();
  const { provider } = await serializeWebhookSubscriptionProvider();
  const results: ScenarioResult[] = [];
  const queue = [...seeds];

  async function worker() {
    const emulator = await startEmulator({
      delivery: { retryInitialMs: 20, retryMaxMs: 50, retryWindowMs: 5_000 },
    });
    const receiver = await startReceiver();
    try {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
        // A fresh host per schedule, as each `pulumi up` starts one (and asks /users/me again).
        const host = await startDynamicProviderHost({ cwd: PROJECT_ROOT });
        try {
          await host.configure({ "calendly:token": "emu-owner-token", "calendly:apiUrl": emulator.url });
          const result = await runScenario(seed, {
            engine: createEngine(host, provider),
            emulator,
            receiver,
            trace: seeds.length === 1 ? (line: string) => console.log(`  ${line}`) : undefined,
          });
          results.push(result);
          if (seeds.length === 1) console.log(JSON.stringify(result, null, 2));
          else if (results.length % 25 === 0) console.error(`… ${results.length}/${seeds.length} schedules`);
        } finally {
          await host.close();
        }
      }
    } finally {
      await receiver.close();
      await emulator.close();
    }
  }
  const workers = Math.min(requestedWorkers, seeds.length);
  await Promise.all(Array.from({ length: workers }, worker));
  results.sort((a, b) => a.seed - b.seed);

  const sum = (pick: (r: ScenarioResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const faultCounts = FAULT_KINDS.map((k) => `${k}: ${sum((r) => r.fired.filter((f) => f === k).length)}`);
  const bad = results.filter((r) => r.duplicates + r.orphans + r.lost > 0 || r.stuck.length > 0);
  const rows: [string, string | number][] = [
    ["schedules", results.length],
    ["fault rules injected", sum((r) => r.faults.length)],
    ["faults that hit a call", `${sum((r) => r.fired.length)} (${faultCounts.join(", ")})`],
    ["steps re-run after a failure", sum((r) => r.reruns)],
    ["Calendly calls", sum((r) => r.calls)],
    ["duplicates", sum((r) => r.duplicates)],
    ["orphans", sum((r) => r.orphans)],
    ["lost subscriptions", sum((r) => r.lost)],
    ["steps that never succeeded", sum((r) => r.stuck.length)],
    ["duration", `${((Date.now() - started) / 1000).toFixed(1)} s with ${workers} workers`],
  ];
  console.log("\nProvider under faults (through Pulumi's dynamic-provider host, against the emulator)\n");
  for (const [name, value] of rows) console.log(`  ${name.padEnd(30)} ${value}`);
  if (bad.length > 0) {
    console.log(`\nFAILED seeds (replay with \`npm run test:faults -- --seed N\`):`);
    for (const r of bad) {
      console.log(
        `  ${r.seed}: duplicates ${r.duplicates}, orphans ${r.orphans}, lost ${r.lost}${r.stuck.length ? `, stuck: ${r.stuck.join("; ")}` : ""}`,
      );
    }
    return 1;
  }
  console.log("\n  target met: zero duplicates, zero orphans, zero lost subscriptions");
  return 0;
}

runProgram(program, main);
