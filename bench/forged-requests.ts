/**
 * `npx tsx bench/forged-requests.ts [-- --containers 20 --flood-seconds 3.5]`: what forged requests
 * cost in SSM GetParameter calls. Each receiver built here is one cold Lambda container (a fresh
 * key cache), reading its keys from the SSM stub (tools/aws-stubs) through the receiver's own
 * signed request. Every forged request has a well-formed header with a fresh `t=` (the only kind
 * that reaches the keys; anything else is refused before) and a signature made with a wrong key.
 *
 * Scenarios:
 *   cold       one forged request on each of N cold containers (defaults: 60 s refresh, 300 s age);
 *   flood      one container, a forged request every 50 ms for T seconds, with
 *              SIGNING_KEYS_REFRESH_SECONDS=1 so that the budget renews several times;
 *   throttled  one forged request on each of N cold containers while SSM throttles every call.
 * Numbers go to stdout; docs/receiver.md ("What a forged request costs") quotes them with the date.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { signatureHeader } from "../calendly";
import { createReceiver } from "../lambda/handler";
import { formatSigningKeys } from "../lambda/signing-key-list";
import { apiGatewayEvent, captureStdout, envelope, KEY } from "../test/lambda/support";
import { type AwsStubs, startAwsStubs } from "../tools/aws-stubs";
import { type CommandLine, positiveInteger, runProgram } from "../tools/command-line";

const program = {
  name: "npx tsx bench/forged-requests.ts",
  help: `Usage: npx tsx bench/forged-requests.ts [-- --containers <n>] [--flood-seconds <s>]

SSM GetParameter calls caused by forged requests (fresh t=, wrong key), per scenario.

  --containers <n>       cold containers in the cold and throttled scenarios (default 20)
  --flood-seconds <s>    length of the flood on one container, refresh interval 1 s (default 3.5)
  --help                 this text`,
  options: {
    containers: { type: "string", default: "20" },
    "flood-seconds": { type: "string", default: "3.5" },
  },
} as const;

const PARAMETER = "/bench/forged/keys";

function forged(body: string) {
  return apiGatewayEvent({
    body,
    headers: {
      "calendly-webhook-signature": signatureHeader("not-the-key", body, Math.floor(Date.now() / 1000)),
    },
  });
}

function receiver(stubs: AwsStubs, env: Record<string, string> = {}) {
  return createReceiver({
    env: {
      ...stubs.env,
      EVENT_BUS_NAME: "bench",
      CLAIM_CHECK_BUCKET: "bench",
      CALENDLY_SIGNING_KEY_PARAMETER: PARAMETER,
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
      ...env,
    },
  });
}

interface Row {
  scenario: string;
  requests: number;
  containers: number;
  calls: number;
  statuses: string;
}

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const containers = positiveInteger("containers", values.containers);
  const floodSeconds = Number(values["flood-seconds"]);
  if (!(floodSeconds > 0)) throw new Error("--flood-seconds must be a positive number");
  const stubs = await startAwsStubs();
  const body = JSON.stringify(envelope());
  const rows: Row[] = [];
  const calls = () => stubs.ssm.getCount(PARAMETER);
  const statusesOf = (codes: number[]) => {
    const counts = new Map<number, number>();
    for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
    return [...counts].map(([code, n]) => `${n}× ${code}`).join(", ");
  };
  try {
    stubs.ssm.putParameter(PARAMETER, formatSigningKeys([KEY]));

    let before = calls();
    const cold: number[] = [];
    for (let i = 0; i < containers; i++) {
      const { result } = await captureStdout(() => receiver(stubs).handle(forged(body)));
      cold.push(result.statusCode);
    }
    rows.push({
      scenario: "cold",
      requests: containers,
      containers,
      calls: calls() - before,
      statuses: statusesOf(cold),
    });

    before = calls();
    const flood: number[] = [];
    const r = receiver(stubs, { SIGNING_KEYS_REFRESH_SECONDS: "1" });
    const end = Date.now() + floodSeconds * 1000;
    while (Date.now() < end) {
      const { result } = await captureStdout(() => r.handle(forged(body)));
      flood.push(result.statusCode);
      await sleep(50);
    }
    rows.push({
      scenario: `flood ${floodSeconds} s, refresh 1 s`,
      requests: flood.length,
      containers: 1,
      calls: calls() - before,
      statuses: statusesOf(flood),
    });

    before = calls();
    stubs.ssm.injectFaults({ type: "throttle" }, Number.POSITIVE_INFINITY);
    const throttled: number[] = [];
    for (let i = 0; i < containers; i++) {
      const { result } = await captureStdout(() => receiver(stubs).handle(forged(body)));
      throttled.push(result.statusCode);
    }
    stubs.ssm.clearFaults();
    rows.push({
      scenario: "cold, SSM throttling",
      requests: containers,
      containers,
      calls: calls() - before,
      statuses: statusesOf(throttled),
    });
  } finally {
    await stubs.close();
  }

  const lines = [
    `forged requests (fresh t=, wrong key) against the SSM stub: node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    `  ${"scenario".padEnd(28)} ${"requests".padStart(8)} ${"containers".padStart(10)} ${"SSM calls".padStart(9)}  answers`,
    ...rows.map(
      (row) =>
        `  ${row.scenario.padEnd(28)} ${String(row.requests).padStart(8)} ${String(row.containers).padStart(10)} ${String(row.calls).padStart(9)}  ${row.statuses}`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

runProgram(program, main);
