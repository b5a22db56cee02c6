/**
 * `npm run emulator`: the Calendly API emulator as a long-running process for offline work.
 *
 *   npm run emulator -- --port 4010 --seed my-seed.json --retry-window 60
 *
 * Prints the base URL (first line, `Calendly emulator listening on <url>`, so scripts and tests
 * can read it when `--port 0` picks a free port), the seed's tokens, and how to point the CLI and
 * the provider at it. Logs one line per request and per delivery attempt unless `--quiet`.
 */
import {
  type CommandLine,
  oneOf,
  port,
  positiveInteger,
  runProgram,
  secondsInMs,
} from "../tools/command-line";
import { DUPLICATE_URL_RULES } from "./api/context";
import { RETRY_STARTED_AT_READINGS } from "./retry-started-at";
import { loadSeedFile, SeedError, type SeedInput } from "./seed";
import { type EmulatorOptions, startEmulator } from "./server";

const program = {
  name: "npm run emulator",
  help: `Usage: npm run emulator -- [options]

  --port <n>                 TCP port (default 4010; 0 picks a free one)
  --host <address>           interface to listen on (default 127.0.0.1)
  --seed <file>              seed JSON (default emulator/seed.default.json)
  --connect-timeout <s>      delivery connect timeout (default 10)
  --response-timeout <s>     delivery response timeout (default 15)
  --retry-initial <s>        first retry delay, doubling after each failure (default 5)
  --retry-max <s>            longest retry delay (default 600)
  --retry-window <s>         retry for this long, then disable the subscription (default 86400)
  --retry-started-at <r>     how retry_started_at moves: run (default), run-cleared, message,
                             message-cleared, attempt, attempt-cleared or first (docs/emulator.md)
  --rate-limit-paid <n>      requests per window on paid plans (default 500)
  --rate-limit-free <n>      requests per window on the Free plan (default 50)
  --rate-limit-window <s>    rate-limit window (default 60)
  --retry-after              also send Retry-After on rate-limit 429s
  --duplicate-url <rule>     "owner" (default: same scope and owner, as documented) or "organization"
                             (any in the organization): which same-URL subscription is a 409
  --public-urls-only         refuse callback URLs on localhost and private, link-local or reserved addresses
  --quiet                    no per-request log lines
  --help                     this text

Seconds may have fractions (--retry-initial 0.2). See docs/emulator.md.`,
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string" },
    "connect-timeout": { type: "string" },
    "response-timeout": { type: "string" },
    "retry-initial": { type: "string" },
    "retry-max": { type: "string" },
    "retry-window": { type: "string" },
    "retry-started-at": { type: "string", default: "run" },
    "rate-limit-paid": { type: "string" },
    "rate-limit-free": { type: "string" },
    "rate-limit-window": { type: "string" },
    "retry-after": { type: "boolean", default: false },
    "duplicate-url": { type: "string", default: "owner" },
    "public-urls-only": { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
} as const;

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function optionsFrom({ values }: CommandLine<typeof program.options>): EmulatorOptions {
  const windowMs = secondsInMs("rate-limit-window", values["rate-limit-window"]);
  return {
    port: port("port", values.port),
    host: values.host,
    delivery: withoutUndefined({
      connectTimeoutMs: secondsInMs("connect-timeout", values["connect-timeout"]),
      responseTimeoutMs: secondsInMs("response-timeout", values["response-timeout"]),
      retryInitialMs: secondsInMs("retry-initial", values["retry-initial"]),
      retryMaxMs: secondsInMs("retry-max", values["retry-max"]),
      retryWindowMs: secondsInMs("retry-window", values["retry-window"]),
    }),
    rateLimits: withoutUndefined({
      paid: positiveInteger("rate-limit-paid", values["rate-limit-paid"]),
      free: positiveInteger("rate-limit-free", values["rate-limit-free"]),
      windowSeconds: windowMs === undefined ? undefined : windowMs / 1000,
    }),
    retryStartedAt: oneOf("retry-started-at", values["retry-started-at"], RETRY_STARTED_AT_READINGS),
    retryAfterOn429: values["retry-after"],
    duplicateUrlRule: oneOf("duplicate-url", values["duplicate-url"], DUPLICATE_URL_RULES),
    publicCallbackUrlsOnly: values["public-urls-only"],
    log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
  };
}

async function main(commandLine: CommandLine<typeof program.options>): Promise<number> {
  const options = optionsFrom(commandLine);
  const seedPath = commandLine.values.seed;
  try {
    if (seedPath !== undefined) options.seed = loadSeedFile(seedPath) as SeedInput;
  } catch (error) {
    console.error(error instanceof SeedError ? error.message : String(error));
    return 1;
  }

  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    console.error(`cannot start the emulator: ${(error as Error).message}`);
    return 1;
  }
  const { url, control } = emulator;
  const seed = control.seed();
  const owner = seed.tokens.find((t) => t.role === "owner" && t.plan === "paid" && t.state === "active");
  const lines = [
    `Calendly emulator listening on ${url}`,
    "",
    "Tokens (Authorization: Bearer <token>):",
    ...seed.tokens.map((t) => {
      const user = seed.users.find((u) => u.uri === t.user);
      const scopes = t.scopes ? ` scopes=${t.scopes.join(",")}` : "";
      const state = t.state === "active" ? "" : ` (${t.state})`;
      return `  ${t.token.padEnd(26)} ${t.role.padEnd(6)} ${t.plan.padEnd(4)} ${user?.name ?? t.user}${scopes}${state}`;
    }),
    "",
    "Point the CLI and the provider at it:",
    `  export CALENDLY_API_URL=${url} CALENDLY_TOKEN=${owner?.token ?? "<token>"}`,
    "",
    `Control API: ${url}/__emulator (e.g. curl -s -X POST ${url}/__emulator/events -d '{"event":"invitee.created"}')`,
    "",
  ];
  console.log(lines.join("\n"));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await emulator.close();
  return 0;
}

runProgram(program, main);
