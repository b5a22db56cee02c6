/**
 * `npm run test:fuzz`: the receiver's properties (test/lambda/properties.ts) over hostile headers,
 * bodies, encodings and timestamps, 100,000 cases in all by default.
 *
 *   npm run test:fuzz                                    # 100,000 cases, random seed
 *   npm run test:fuzz -- --runs 1000000 --seed 42        # more, reproducibly
 *   npm run test:fuzz -- --property oddJsonIsJudged --seed 42 --path "17:3:0"   # replay a failure
 *
 * The receiver is `createReceiver()` with one key, forwarding through the real AWS SDK to the
 * EventBridge and S3 stubs on loopback (no faults: the properties judge the receiver's answers to
 * its input, not to outages). Logs and metrics are produced as on Lambda and dropped.
 *
 * Prints, per property, the cases run, skips, time and verdict, then the seed. A failing property
 * prints its shrunk counterexample and the command replaying it; the exit code is then 1.
 */
import fc from "fast-check";
import { table } from "../../bench/stats";
import { createReceiver } from "../../lambda/handler";
import { startAwsStubs } from "../../tools/aws-stubs";
import { type CommandLine, oneOf, positiveInteger, runProgram, wholeNumber } from "../../tools/command-line";
import { type PropertyContext, receiverProperties } from "../lambda/properties";
import { captureStdout, KEY, keptOracle } from "../lambda/support";

type Properties = ReturnType<typeof receiverProperties>;
type PropertyName = keyof Properties;

/**
 * Share of the cases per property. The verifier alone is cheap, so it gets no more than its share;
 * deep nesting builds bodies up to 120 KB, so it gets fewer.
 */
const WEIGHTS: Record<PropertyName, number> = {
  neverGoneRedirectOrServerError: 15,
  neverAcceptsAnInvalidSignature: 15,
  signedDeliveriesAreJudgedOnTheirBody: 12,
  verifierNeverThrows: 10,
  encodingDoesNotChangeTheVerdict: 10,
  signatureHeaderCasingAndRepeats: 10,
  timestampTextsAreTakenAsSent: 10,
  oddJsonIsJudged: 10,
  deeplyNestedSignedBodiesAreJudged: 3,
  anyEventShapeIsAnswered: 5,
};

interface Outcome {
  name: PropertyName;
  runs: number;
  skips: number;
  seconds: number;
  failure?: { counterexample: string; path: string; error: string; shrinks: number };
}

function truncate(text: string, max = 600): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Bodies are Buffers: show them as text, which is what a reader needs to see. */
function show(value: unknown): string {
  return truncate(
    fc
      .stringify(value)
      .replace(/Buffer\.from\(\[([0-9,]+)\]\)/g, (_, bytes: string) =>
        JSON.stringify(Buffer.from(bytes.split(",").map(Number)).toString("utf8")),
      ),
  );
}

const program = {
  name: "npm run test:fuzz",
  help: `Usage: npm run test:fuzz -- [--runs <n>] [--seed <n>] [--property <name> --path <path>]

The receiver's properties over hostile headers, bodies, encodings and timestamps; exits 1 with the
shrunk counterexample and the command replaying it if a property fails.

  --runs <n>          cases in all, shared among the properties (default 100000)
  --seed <n>          fast-check's seed, to replay a run (default: random)
  --property <name>   one property only (its name as the failure printed it)
  --path <path>       replay one failing case (with --property and --seed)
  --help              this text`,
  options: {
    runs: { type: "string", default: "100000" },
    seed: { type: "string" },
    property: { type: "string" },
    path: { type: "string" },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>): Promise<number> {
  const total = positiveInteger("runs", values.runs);
  const seed = wholeNumber("seed", values.seed) ?? Math.floor(Math.random() * 2 ** 31);
  const names = Object.keys(WEIGHTS) as PropertyName[];
  const only = oneOf("property", values.property, names);

  const stubs = await startAwsStubs();
  const receiver = createReceiver({
    env: { ...stubs.env, EVENT_BUS_NAME: "fuzz", CLAIM_CHECK_BUCKET: "fuzz", CALENDLY_SIGNING_KEYS: KEY },
  });
  const ctx: PropertyContext = {
    key: KEY,
    handle: async (event) => {
      // Accepted events and claim checks pile up in the stubs; only the last one is read.
      if (stubs.eventBridge.entries.length > 1000) stubs.eventBridge.reset();
      if (stubs.s3.objects.size > 1000) stubs.s3.objects.clear();
      return (await captureStdout(() => receiver.handle(event))).result;
    },
    kept: keptOracle(stubs),
  };
  const properties = receiverProperties(ctx);
  const unknown = Object.keys(properties).filter((name) => !(name in WEIGHTS));
  if (unknown.length > 0)
    throw new Error(`properties without a weight in test/fuzz/run.ts: ${unknown.join(", ")}`);
  const selected = only === undefined ? names : [only];
  const weightSum = selected.reduce((sum, name) => sum + WEIGHTS[name], 0);

  console.error(`fuzz: ${total} cases over ${selected.length} properties, seed ${seed}`);
  const started = performance.now();
  const outcomes: Outcome[] = [];
  try {
    for (const name of selected) {
      const numRuns = Math.max(1, Math.round((total * WEIGHTS[name]) / weightSum));
      const begun = performance.now();
      const details = await fc.check(properties[name] as fc.IAsyncProperty<unknown[]>, {
        numRuns,
        seed,
        ...(values.path !== undefined ? { path: values.path, endOnFailure: true } : {}),
      });
      const outcome: Outcome = {
        name,
        runs: details.numRuns,
        skips: details.numSkips,
        seconds: (performance.now() - begun) / 1000,
      };
      if (details.failed && details.counterexamplePath !== null) {
        const error =
          details.errorInstance instanceof Error
            ? details.errorInstance.message
            : String(details.errorInstance);
        outcome.failure = {
          counterexample: show(details.counterexample),
          path: details.counterexamplePath,
          error: truncate(error, 300),
          shrinks: details.numShrinks,
        };
      } else if (details.failed) {
        outcome.failure = {
          counterexample: "-",
          path: "-",
          error: "too many skipped cases or interrupted",
          shrinks: 0,
        };
      }
      outcomes.push(outcome);
      console.error(
        `  ${name}: ${outcome.runs} cases, ${outcome.seconds.toFixed(1)} s${outcome.failure ? ", FAILED" : ""}`,
      );
    }
  } finally {
    await stubs.close();
  }

  const seconds = (performance.now() - started) / 1000;
  const cases = outcomes.reduce((sum, o) => sum + o.runs, 0);
  console.log(`\nReceiver fuzzing (fast-check ${fc.__version}), seed ${seed}\n`);
  console.log(
    table([
      ["property", "cases", "skipped", "seconds", "verdict"],
      ...outcomes.map((o) => [
        o.name,
        String(o.runs),
        String(o.skips),
        o.seconds.toFixed(1),
        o.failure ? "FAILED" : "held",
      ]),
      ["total", String(cases), "", seconds.toFixed(1), outcomes.some((o) => o.failure) ? "FAILED" : "held"],
    ]),
  );
  const failures = outcomes.filter((o) => o.failure);
  for (const o of failures) {
    console.log(
      `\n${o.name} FAILED after ${o.runs} cases (${o.failure!.shrinks} shrinks): ${o.failure!.error}`,
    );
    console.log(`  counterexample: ${o.failure!.counterexample}`);
    console.log(
      `  replay: npm run test:fuzz -- --property ${o.name} --seed ${seed} --path "${o.failure!.path}"`,
    );
  }
  return failures.length > 0 ? 1 : 0;
}

runProgram(program, main);
