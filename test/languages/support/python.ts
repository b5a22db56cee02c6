/**
 * The virtual environment a Python program runs in: `pulumi` from PyPI (the program's
 * requirements.txt) and the generated SDK installed with pip from its folder (sdk/python), as a
 * user installs them. Made once per content: its stamp sums requirements.txt, every file of the
 * SDK and the Python version, and a changed SDK makes a new environment
 * (.cache/languages/python-venv, git-ignored with the rest of .cache).
 *
 * The SDK is installed from a copy of its folder: pip builds in the source tree (build/,
 * *.egg-info), and `npm run codegen:check` would then find files it did not generate.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../../engine/support/pulumi";
import { runWithRegistryRetries } from "../../support/registry-retries";

export const PYTHON_SDK_DIR = join(REPO_ROOT, "sdk", "python");
const VENV_DIR = join(REPO_ROOT, ".cache", "languages", "python-venv");

export interface PythonEnvironment {
  /** The environment's root: VIRTUAL_ENV. */
  venv: string;
  /** Its bin folder, to put first on PATH (the v3.68.0 host runs the first `python3` there). */
  bin: string;
  /** `pip freeze` of the environment: what the program ran with. */
  packages: string[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

function stampOf(requirements: string, python: string): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(requirements));
  hash.update(execFileSync(python, ["--version"], { encoding: "utf8" }));
  for (const name of filesUnder(PYTHON_SDK_DIR)) {
    hash.update(relative(PYTHON_SDK_DIR, join(PYTHON_SDK_DIR, name)));
    hash.update(readFileSync(join(PYTHON_SDK_DIR, name)));
  }
  return hash.digest("hex").slice(0, 16);
}

/** The environment for the program whose requirements.txt is given; made (about a minute) when missing or stale. */
export function pythonEnvironment(requirements: string, python = "python3"): PythonEnvironment {
  const stamp = stampOf(requirements, python);
  const stampFile = join(VENV_DIR, ".stamp");
  const bin = join(VENV_DIR, "bin");
  const pip = (args: string[]) =>
    execFileSync(join(bin, "python"), ["-m", "pip", ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  if (!existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) {
    rmSync(VENV_DIR, { recursive: true, force: true });
    mkdirSync(VENV_DIR, { recursive: true });
    execFileSync(python, ["-m", "venv", VENV_DIR], { stdio: "inherit" });
    // From PyPI: retried, so that a registry that stalls once does not fail the run.
    runWithRegistryRetries("pip install of the program's requirements (PyPI)", join(bin, "python"), [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "-r",
      requirements,
    ]);
    const copy = mkdtempSync(join(tmpdir(), "calendly-python-sdk-"));
    try {
      cpSync(PYTHON_SDK_DIR, copy, { recursive: true });
      pip(["install", "--quiet", "--disable-pip-version-check", copy]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    writeFileSync(stampFile, stamp);
  }
  const packages = pip(["freeze", "--disable-pip-version-check"]).trim().split("\n");
  return { venv: VENV_DIR, bin, packages };
}
