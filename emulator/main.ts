/**
 * `npm run emulator`: the Calendly API emulator as a long-running process for offline work.
 *
 *   npm run emulator -- --port 4010 --seed my-seed.json --retry-window 60
 *
 * Prints the base URL (first line, `Calendly emulator listening on <url>`, so scripts and tests
 * can read it when `--port 0` picks a free port), the seed's tokens, and how to point the CLI and
 * the provider at it. Logs one line per request and per delivery attempt unless `--quiet`.
 */
import { parseArgs } from "node:util";
import type { DuplicateUrlRule } from "./api/context";
import { loadSeedFile, SeedError, type SeedInput } from "./seed";
import { type EmulatorOptions, startEmulator } from "./server";

const USAGE = `Usage: npm run emulator -- [options]

  --port <n>                 TCP port (default 4010; 0 picks a free one)
  --host <address>           interface to listen on (default 127.0.0.1)
  --seed <file>              seed JSON (default emulator/seed.default.json)
  --connect-timeout <s>      delivery connect timeout (default 10)
  --response-timeout <s>     delivery response timeout (default 15)
  --retry-initial <s>        first retry delay, doubling after each failure (default 5)
  --retry-max <s>            longest retry delay (default 600)
  --retry-window <s>         retry for this long, then disable the subscription (default 86400)
  --rate-limit-paid <n>      requests per window on paid plans (default 500)
  --rate-limit-free <n>      requests per window on the Free plan (default 50)
  --rate-limit-window <s>    rate-limit window (default 60)
  --retry-after              also send Retry-After on rate-limit 429s
  --duplicate-url <rule>     "owner" (default: same scope and owner, as documented) or "organization"
                             (any in the organization): which same-URL subscription is a 409
  --public-urls-only         refuse callback URLs on localhost and private, link-local or reserved addresses
  --quiet                    no per-request log lines
  --help                     this text

See docs/emulator.md.`;

class UsageError extends Error {}

function seconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`--${name} must be a number of seconds, got "${value}"`);
  return n * 1000;
}

function count(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function optionsFrom(argv: string[]): { options: EmulatorOptions; seedPath: string | undefined } | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "4010" },
      host: { type: "string", default: "127.0.0.1" },
      seed: { type: "string" },
      "connect-timeout": { type: "string" },
      "response-timeout": { type: "string" },
      "retry-initial": { type: "string" },
      "retry-max": { type: "string" },
      "retry-window": { type: "string" },
      "rate-limit-paid": { type: "string" },
      "rate-limit-free": { type: "string" },
      "rate-limit-window": { type: "string" },
      "retry-after": { type: "boolean", default: false },
      "duplicate-url": { type: "string", default: "owner" },
      "public-urls-only": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const port = count("port", values.port, 0)!;
  if (port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const duplicate = values["duplicate-url"];
  if (duplicate !== "organization" && duplicate !== "owner") {
    throw new UsageError(`--duplicate-url must be "organization" or "owner", got "${duplicate}"`);
  }
  const windowMs = seconds("rate-limit-window", values["rate-limit-window"]);
  const options: EmulatorOptions = {
    port,
    host: values.host,
    delivery: withoutUndefined({
      connectTimeoutMs: seconds("connect-timeout", values["connect-timeout"]),
      responseTimeoutMs: seconds("response-timeout", values["response-timeout"]),
      retryInitialMs: seconds("retry-initial", values["retry-initial"]),
      retryMaxMs: seconds("retry-max", values["retry-max"]),
      retryWindowMs: seconds("retry-window", values["retry-window"]),
    }),
    rateLimits: withoutUndefined({
      paid: count("rate-limit-paid", values["rate-limit-paid"], 1),
      free: count("rate-limit-free", values["rate-limit-free"], 1),
      windowSeconds: windowMs === undefined ? undefined : windowMs / 1000,
    }),
    retryAfterOn429: values["retry-after"],
    duplicateUrlRule: duplicate as DuplicateUrlRule,
    publicCallbackUrlsOnly: values["public-urls-only"],
    log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
  };
  return { options, seedPath: values.seed };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof optionsFrom>;
  try {
    parsed = optionsFrom(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const { options, seedPath } = parsed;
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
