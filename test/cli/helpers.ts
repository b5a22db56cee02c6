/**
 * Test scaffolding for the CLI: run it as users do (a child process through bin/, for exit codes
 * and output) or in-process through `main()` (for seams such as a short retry policy).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { verifySignature } from "../../calendly";
import type { CliDeps } from "../../cli/command";
import { main } from "../../cli/main";
import type { SeedInput } from "../../emulator/seed";
import { type Receiver, startReceiver } from "../emulator/helpers";

export const ROOT = join(__dirname, "..", "..");
export const BIN = join(ROOT, "bin", "calendly-webhooks.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment without any CALENDLY_* of the developer's shell: each test says what it wants. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("CALENDLY_")) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Spawns the real CLI (node bin/calendly-webhooks.js) and collects its exit code and output;
 * `input` is piped to its stdin (which is otherwise left open), `cwd` is where it runs (default
 * the repository, a Pulumi project).
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  options: { input?: string; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: cleanEnv(env), cwd: options.cwd ?? ROOT, timeout: 25_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== "number") {
          reject(error);
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs `main()` in this process with captured output (and, optionally, another clock). */
export async function runInProcess(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  deps: CliDeps = {},
  now?: () => number,
  /** `input` as its (piped, not terminal) stdin; `cwd` where it runs (default: the repository). */
  options: { input?: string; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(
    args,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
      env: cleanEnv(env),
      cwd: options.cwd ?? ROOT,
      ...(options.input !== undefined ? { stdin: Readable.from([options.input]) } : {}),
      ...(now ? { now } : {}),
    },
    deps,
  );
  return { code, stdout, stderr };
}

/** The emulator's default seed plus extra tokens (e.g. a recognisable one for leak tests). */
export function seedWithTokens(
  tokens: { token: string; role: "owner" | "admin" | "member"; slug: string }[],
): SeedInput {
  const seed = JSON.parse(readFileSync(join(ROOT, "emulator", "seed.default.json"), "utf8")) as SeedInput;
  for (const t of tokens) {
    const user = seed.users.find((u) => u.slug === t.slug)!;
    seed.tokens.push({ token: t.token, user: user.id, plan: "paid", role: t.role });
  }
  return seed;
}

/** A receiver that verifies signatures as ours does: 200 when valid, 401 otherwise. */
export function startVerifyingReceiver(key: string): Promise<Receiver> {
  return startReceiver((_n, webhook) => {
    const header = webhook.headers["calendly-webhook-signature"];
    const check = verifySignature({
      header: typeof header === "string" ? header : undefined,
      body: webhook.raw,
      keys: [key],
    });
    return { status: check.ok ? 200 : 401 };
  });
}
