/**
 * `npm run test:load`: the local receiver under sustained concurrent deliveries while the
 * EventBridge stub injects failures.
 *
 *   npm run test:load                                   # 20 s, 32 connections, random seed
 *   npm run test:load -- --duration 60 --connections 64 --seed 7
 *
 * The receiver (tools/local/receiver/server.ts: the Lambda handler behind the HTTP adapter) runs in
 * its own process, keys from `CALENDLY_SIGNING_KEYS`, forwarding to the EventBridge stub in this
 * one. autocannon sends a different, freshly signed event with every request (1 in 20 forged); the
 * stub queues partial failures, throttling, 5xx and latency bursts, one outage longer than the
 * forwarding deadline and one latency burst past it (see faults.ts).
 *
 * Then every request is checked against the stub, by `detail.id` (SHA-256 of the body):
 * - answered 2xx: on the bus exactly once;
 * - any other answer to a genuine delivery: retryable (5xx or 429: never 410, 3xx or another 4xx);
 *   such a delivery may still be on the bus (at most once), if PutEvents landed after the deadline:
 *   counted apart, as Calendly's retry will make it a duplicate that consumers drop by `detail.id`;
 * - a forgery: 401, and never on the bus;
 * - nothing on the bus that was not sent; no request left without an answer for 15 s.
 * Prints throughput, latency and the mix of answers; exits 1 if any check fails.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_DELIVERY_DEADLINE_MS } from "../../lambda/config";
import type { CalendlyEventDetail } from "../../lambda/detail";
import { startAwsStubs } from "../../tools/aws-stubs";
import { type CommandLine, positiveInteger, runProgram, wholeNumber } from "../../tools/command-line";
import { KEY, OTHER_KEY } from "../lambda/support";
import { startFaultSchedule } from "./faults";
import { runLoad } from "./load";
import { spawnServer } from "./spawn";

const isRetryable = (status: number) => status >= 500 || status === 429;

const program = {
  name: "npm run test:load",
  help: `Usage: npm run test:load -- [--duration <s>] [--connections <n>] [--seed <n>] [--forged-every <n>] [--no-faults]

The local receiver under sustained concurrent deliveries while the EventBridge stub injects failures;
exits 1 if any delivery was lost, duplicated, wrongly answered or a forgery accepted.

  --duration <s>        seconds of load, 1 to 600 (default 20)
  --connections <n>     concurrent connections, 1 to 1000 (default 32)
  --seed <n>            the fault schedule's seed, to replay a run (default: random)
  --forged-every <n>    one request in n carries a forged signature (default 20)
  --no-faults           no faults from the EventBridge stub
  --help                this text`,
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "32" },
    seed: { type: "string" },
    "forged-every": { type: "string", default: "20" },
    "no-faults": { type: "boolean", default: false },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const duration = positiveInteger("duration", values.duration, { max: 600 });
  const connections = positiveInteger("connections", values.connections, { max: 1000 });
  const forgedEvery = positiveInteger("forged-every", values["forged-every"]);
  const seed = wholeNumber("seed", values.seed) ?? Math.floor(Math.random() * 2 ** 31);

  const stubs = await startAwsStubs();
  const receiver = await spawnServer("test/load/receiver-process.ts", {
    ...stubs.env,
    EVENT_BUS_NAME: "calendly-load",
    CLAIM_CHECK_BUCKET: "calendly-load",
    CALENDLY_SIGNING_KEYS: KEY,
  }).catch(async (error: unknown) => {
    await stubs.close();
    throw error;
  });
  const faults = values["no-faults"]
    ? undefined
    : startFaultSchedule(stubs.eventBridge, {
        seed,
        durationMs: duration * 1000,
        deadlineMs: DEFAULT_DELIVERY_DEADLINE_MS,
      });
  console.error(
    `load: ${duration} s, ${connections} connections, seed ${seed}${faults ? "" : ", no faults"}, receiver pid ${receiver.pid}`,
  );

  let failed = false;
  try {
    const cpuBefore = await receiver.cpuMicros();
    const load = await runLoad({
      url: receiver.url,
      connections,
      duration,
      key: KEY,
      forgedEvery,
      forgeryKey: OTHER_KEY,
    });
    const summary = faults?.stop();
    // Deliveries answered 503 while PutEvents still waited in the stub land late; so may those in
    // flight when autocannon stopped. Give them time before counting.
    await sleep((faults?.maxLatencyMs ?? 0) + 2000);
    const cpuMicros = (await receiver.cpuMicros()) - cpuBefore;

    const onBus = new Map<string, number>();
    for (const accepted of stubs.eventBridge.entries) {
      const id = (accepted.detail as CalendlyEventDetail).id;
      onBus.set(id, (onBus.get(id) ?? 0) + 1);
    }
    const counts = {
      sent: 0,
      genuine2xx: 0,
      missing: 0,
      duplicated: 0,
      retryable: 0,
      landedAfterRetryable: 0,
      nonRetryable: 0,
      forged: 0,
      forged401: 0,
      forgedNot401: 0,
      forgedOnBus: 0,
      unanswered: 0,
      landedUnanswered: 0,
      foreign: 0,
    };
    const problems: string[] = [];
    const byStatus = new Map<string, number>();
    for (const [id, outcome] of load.deliveries.outcomes) {
      counts.sent += 1;
      const copies = onBus.get(id) ?? 0;
      onBus.delete(id);
      const label = `${outcome.forged ? "forged" : "genuine"} ${outcome.status ?? "no answer"}`;
      byStatus.set(label, (byStatus.get(label) ?? 0) + 1);
      if (outcome.forged) {
        counts.forged += 1;
        if (outcome.status === 401) counts.forged401 += 1;
        else if (outcome.status !== undefined) counts.forgedNot401 += 1;
        if (copies > 0) counts.forgedOnBus += 1;
        continue;
      }
      if (copies > 1) counts.duplicated += 1;
      if (outcome.status === undefined) {
        counts.unanswered += 1;
        if (copies > 0) counts.landedUnanswered += 1;
      } else if (outcome.status >= 200 && outcome.status < 300) {
        counts.genuine2xx += 1;
        if (copies === 0) counts.missing += 1;
      } else if (isRetryable(outcome.status)) {
        counts.retryable += 1;
        if (copies > 0) counts.landedAfterRetryable += 1;
      } else {
        counts.nonRetryable += 1;
      }
    }
    counts.foreign = [...onBus.values()].reduce((n, c) => n + c, 0);

    if (counts.missing) problems.push(`${counts.missing} deliveries answered 2xx are not on the bus`);
    if (counts.duplicated) problems.push(`${counts.duplicated} deliveries are on the bus more than once`);
    if (counts.nonRetryable)
      problems.push(`${counts.nonRetryable} genuine deliveries got a non-retryable answer`);
    if (counts.forgedNot401) problems.push(`${counts.forgedNot401} forgeries were not answered 401`);
    if (counts.forgedOnBus) problems.push(`${counts.forgedOnBus} forgeries reached the bus`);
    if (counts.foreign) problems.push(`${counts.foreign} entries on the bus were never sent`);
    if (load.timeouts)
      problems.push(`${load.timeouts} requests got no answer within 15 s (Calendly's timeout)`);

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const putEvents = stubs.eventBridge.requests.length;
    const percent = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;
    const outcomes = stubs.eventBridge.requests.reduce<Record<string, number>>((acc, r) => {
      acc[r.outcome] = (acc[r.outcome] ?? 0) + 1;
      return acc;
    }, {});
    const rows: [string, string | number][] = [
      ["duration / connections", `${load.seconds.toFixed(1)} s / ${connections}`],
      ["requests sent", counts.sent],
      ["answered", `${load.answered} (${load.throughput.toFixed(0)} req/s)`],
      [
        "latency p50 / p97.5 / p99 / max",
        `${ms(load.latencyMs.p50)} / ${ms(load.latencyMs.p97_5)} / ${ms(load.latencyMs.p99)} / ${ms(load.latencyMs.max)}`,
      ],
      ["receiver CPU per answer", `${(cpuMicros / Math.max(1, load.answered) / 1000).toFixed(2)} ms`],
      ["answers", [...byStatus].map(([k, v]) => `${k}: ${v}`).join(", ")],
      [
        "genuine answered 2xx, on the bus once",
        `${counts.genuine2xx - counts.missing} of ${counts.genuine2xx}`,
      ],
      ["genuine answered 5xx/429 (retryable)", counts.retryable],
      ["  of which on the bus anyway (late PutEvents)", counts.landedAfterRetryable],
      [
        "genuine without an answer at the stop",
        `${counts.unanswered} (${counts.landedUnanswered} on the bus)`,
      ],
      [
        "missing / duplicated / non-retryable",
        `${counts.missing} / ${counts.duplicated} / ${counts.nonRetryable}`,
      ],
      ["forgeries: 401 / on the bus", `${counts.forged401} of ${counts.forged} / ${counts.forgedOnBus}`],
      ["entries on the bus never sent", counts.foreign],
      [
        "PutEvents requests by outcome",
        `${Object.entries(outcomes)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", ")} (${percent(putEvents - (outcomes.accepted ?? 0), putEvents)} failed)`,
      ],
    ];
    if (summary) {
      rows.push(
        [
          "faults queued",
          Object.entries(summary.queued)
            .map(([k, v]) => `${k}: ${v}`)
            .join(", "),
        ],
        [
          "outage window / late latency",
          `${(summary.outageWindow.lengthMs / 1000).toFixed(1)} s from ${(summary.outageWindow.startMs / 1000).toFixed(1)} s / ${summary.lateLatencyMs} ms`,
        ],
      );
    }
    console.log(
      `\nReceiver under load (local HTTP adapter, EventBridge stub${summary ? " injecting faults" : ""}), seed ${seed}\n`,
    );
    for (const [name, value] of rows) console.log(`  ${name.padEnd(46)} ${value}`);
    if (problems.length > 0) {
      failed = true;
      console.log(`\nFAILED (replay the fault schedule with --seed ${seed}):`);
      for (const problem of problems) console.log(`  ${problem}`);
    } else {
      console.log(
        "\n  target met: every 2xx on the bus exactly once, every other answer retryable, no forgery accepted",
      );
    }
  } finally {
    faults?.stop();
    await receiver.close();
    await stubs.close();
  }
  return failed ? 1 : 0;
}

runProgram(program, main);
