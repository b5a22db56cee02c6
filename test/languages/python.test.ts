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
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createWorkspace } from "../engine/support/pulumi";
import { PYTHON_SDK_DIR, type PythonEnvironment, pythonEnvironment } from "./support/python";
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

describe("the SDK's README", () => {
  it("its Python example runs: a preview of it, as written, plans the subscription", async () => {
    const env = environmentOnce();
    const readme = readFileSync(join(PYTHON_SDK_DIR, "README.md"), "utf8");
    const example = /```python\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), "calendly-python-readme-"));
    copies.push(dir);
    writeFileSync(join(dir, "__main__.py"), example!);
    writeFileSync(join(dir, "Pulumi.yaml"), "name: readme-example\nruntime: python\n");
    const ws = await createWorkspace({
      programDir: dir,
      stack: "readme",
      env: { VIRTUAL_ENV: env.venv },
      extraPath: [env.bin, PLUGIN_DIR],
    });
    try {
      await ws.setConfig("receiverUrl", "https://hooks.example.com/calendly");
      await ws.setConfig("signingKey", "readme-example-signing-key-0123456789", { secret: true });
      // A preview calls no Calendly API (a create is planned; markedUrl runs in the plugin).
      const preview = await ws.preview();
      expect(preview.output).toMatch(/\+ 2 to create/);
      expect(preview.output).toMatch(/calendly:index:WebhookSubscription\s+bookings/);
    } finally {
      ws.dispose();
    }
  });
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
