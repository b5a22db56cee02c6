/**
 * `npm run test:python`: a Python program (test/languages/programs/python) declares subscriptions
 * through the generated Python SDK (sdk/python, installed with pip from its folder) and runs on
 * the real Pulumi CLI v3.276.0 with Pulumi's Python language host v3.68.0 (npm run
 * pulumi:install), the `pulumi` package from PyPI and the native plugin, against the emulator:
 * the scenarios of support/scenarios.ts.
 *
 * The v3.68.0 host ignores `runtime.options.virtualenv` when this CLI starts it (it reads the
 * option from a command-line flag that today's CLI no longer passes): the environment is activated
 * instead, its bin first on PATH and VIRTUAL_ENV set. The last test shows the trap.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createWorkspace } from "../engine/support/pulumi";
import { type PythonEnvironment, pythonEnvironment } from "./support/python";
import { languageScenarios, PLUGIN_DIR } from "./support/scenarios";

const PROGRAM = join(__dirname, "programs", "python");
const copies: string[] = [];
let environment: PythonEnvironment | undefined;

/** The program in a folder of its own (the host writes __pycache__ beside it). */
function programCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "calendly-python-program-"));
  cpSync(PROGRAM, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

function environmentOnce(): PythonEnvironment {
  environment ??= pythonEnvironment(join(PROGRAM, "requirements.txt"));
  return environment;
}

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

languageScenarios("python", () => {
  const env = environmentOnce();
  console.log(`python environment: ${env.packages.filter((p) => /^pulumi/i.test(p)).join(", ")}`);
  return { programDir: programCopy(), env: { VIRTUAL_ENV: env.venv }, path: [env.bin] };
});

describe("Pulumi's Python language host v3.68.0 under CLI v3.276.0", () => {
  it("ignores runtime.options.virtualenv: with the environment named there but not activated, the program finds no pulumi", async () => {
    const env = environmentOnce();
    const dir = programCopy();
    symlinkSync(env.venv, join(dir, "venv"));
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      "name: language-subscriptions\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n",
    );
    const ws = await createWorkspace({
      programDir: dir,
      stack: "virtualenv-option",
      extraPath: [PLUGIN_DIR],
    });
    try {
      await ws.setConfig("subscriptions", "[]");
      const preview = await ws.preview([], { allowFailure: true });
      expect(preview.code).not.toBe(0);
      expect(preview.output).toMatch(/No module named 'pulumi'/);
    } finally {
      ws.dispose();
    }
  });
});
