/**
 * `npm run test:moto`: one moto server on a free loopback port for the whole run, then the
 * receiver's integration tests and the end-to-end test against it (test/moto), with moto required
 * (a missing install fails instead of skipping). Install moto first with `bash .ci/moto.sh`.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { motoUnavailableReason, PROJECT_ROOT, startMoto } from "./server";

async function main(): Promise<number> {
  const reason = motoUnavailableReason();
  if (reason !== undefined) throw new Error(reason);
  const moto = await startMoto();
  process.stderr.write(`test:moto: moto at ${moto.url}\n`);
  try {
    const vitest = spawn(
      process.execPath,
      // One file at a time: files share the server, and each starts by resetting it.
      [
        resolve(PROJECT_ROOT, "node_modules/vitest/vitest.mjs"),
        "run",
        "test/moto",
        "--no-file-parallelism",
        ...process.argv.slice(2),
      ],
      {
        cwd: PROJECT_ROOT,
        stdio: "inherit",
        env: { ...process.env, MOTO_URL: moto.url, REQUIRE_MOTO: "1" },
      },
    );
    return await new Promise<number>((resolve) => vitest.once("exit", (code) => resolve(code ?? 1)));
  } finally {
    await moto.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:moto: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
