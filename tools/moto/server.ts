/**
 * moto, the AWS emulator (PyPI `moto[server]`), as a server on loopback for tests: the real AWS SDK
 * talks to it over HTTP like to AWS, and moto validates requests as AWS documents them, where our
 * stubs (tools/aws-stubs) only accept what we taught them.
 *
 * `.ci/moto.sh` installs it into `.cache/moto-venv` (git-ignored); `npm run test:moto` starts one
 * server and passes its URL in `MOTO_URL` to the tests, which reset it between files. A test file
 * run on its own starts its own server when moto is installed, and skips (saying why) when not,
 * unless `REQUIRE_MOTO=1` (set by `npm run test:moto`) makes that a failure.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "../..");
export const MOTO_SERVER_BIN = resolve(PROJECT_ROOT, ".cache/moto-venv/bin/moto_server");

/** Why moto tests cannot run here, or `undefined` when they can. */
export function motoUnavailableReason(): string | undefined {
  if (process.env.MOTO_URL || existsSync(MOTO_SERVER_BIN)) return undefined;
  return `moto is not installed (${MOTO_SERVER_BIN} is missing): run \`bash .ci/moto.sh\`, then \`npm run test:moto\``;
}

/** For `describe.skipIf`: true when moto is absent and absence is allowed. */
export function skipWithoutMoto(): boolean {
  const reason = motoUnavailableReason();
  if (reason === undefined) return false;
  if (process.env.REQUIRE_MOTO === "1") throw new Error(reason);
  process.stderr.write(`skipped: ${reason}\n`);
  return true;
}

export interface MotoServer {
  url: string;
  /** Forgets every resource (moto's `/moto-api/reset`). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}) at start`);
    try {
      const answer = await fetch(`${url}/moto-api/`);
      await answer.body?.cancel();
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto_server did not answer at ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The server in `MOTO_URL` (reset first), or a new one on a free loopback port. */
export async function startMoto(): Promise<MotoServer> {
  const reset = async (url: string) => {
    const answer = await fetch(`${url}/moto-api/reset`, { method: "POST" });
    await answer.body?.cancel();
    if (!answer.ok) throw new Error(`moto reset answered ${answer.status}`);
  };
  const shared = process.env.MOTO_URL;
  if (shared) {
    await reset(shared);
    return { url: shared, reset: () => reset(shared), close: async () => undefined };
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_SERVER_BIN, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr.push(chunk.toString("utf8"));
    if (stderr.length > 40) stderr.shift();
  });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  try {
    await waitUntilUp(url, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}: ${stderr.join("").slice(-1500)}`);
  }
  return {
    url,
    reset: () => reset(url),
    close: async () => {
      process.off("exit", kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
