/**
 * The real Pulumi CLI, isolated per workspace: a file backend and a PULUMI_HOME in a temporary
 * folder, a passphrase secrets provider, no update check and no plugin download. The engine, the
 * language host, the dynamic-provider host, the config and the state are Pulumi's own; only the
 * `aws` and `random` plugins are stand-ins (tools/pulumi-standins), because they cannot be had here.
 *
 * The CLI is the one `npm run pulumi:install` built into .cache/pulumi/bin, or else `pulumi` on PATH.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { type ProcessInfo, processesWith } from "./leftover-processes";

export const REPO_ROOT = join(__dirname, "..", "..", "..");
const INSTALLED_BIN = join(REPO_ROOT, ".cache", "pulumi", "bin");
export const PASSPHRASE = "engine-test-passphrase";
/** The environment variable that marks the processes of one workspace's CLI runs. */
const WORKSPACE_MARKER = "CALENDLY_TEST_WORKSPACE";

export interface PulumiCli {
  /** Folder to put first on PATH (the CLI, the Node.js language host, the dynamic-provider launcher). */
  binDir: string;
  version: string;
}

/** The CLI to run, or an error saying how to get one. */
export function findPulumiCli(): PulumiCli {
  const candidates = [INSTALLED_BIN, ...(process.env.PATH ?? "").split(delimiter)];
  for (const dir of candidates) {
    const exe = join(dir, "pulumi");
    if (!dir || !existsSync(exe)) continue;
    const run = spawnSync(exe, ["version"], { encoding: "utf8" });
    if (run.status === 0) return { binDir: dir, version: run.stdout.trim() };
  }
  throw new Error(
    "No Pulumi CLI: run `npm run pulumi:install` (builds it from the Go module proxy into .cache/pulumi/bin), " +
      "or put a pulumi >= 3.139.0 on PATH.",
  );
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for assertions about anything the CLI printed. */
  output: string;
}

export interface RunOptions {
  /** Text for the CLI's stdin (a secret for `config set`, never a command-line argument). */
  input?: string;
  /** Resolve instead of throwing when the CLI exits non-zero. */
  allowFailure?: boolean;
  /** Extra environment for this one call. */
  env?: Record<string, string | undefined>;
  /** Called with the child once it runs, e.g. to signal it part-way. */
  onSpawn?: (child: import("node:child_process").ChildProcess, output: () => string) => void;
  /** Folder to run in instead of the program's. */
  cwd?: string;
}

export interface WorkspaceOptions {
  /** The Pulumi project folder (holds Pulumi.yaml). */
  programDir: string;
  stack: string;
  /** Extra environment for every call (CALENDLY_* must not leak in from the test process). */
  env?: Record<string, string | undefined>;
  /** Folders to put on PATH after the CLI's (stand-in plugins). */
  extraPath?: string[];
}

export interface Workspace {
  readonly programDir: string;
  readonly stack: string;
  /** The stack's config file (kept outside the repository, passed as --config-file). */
  readonly configFile: string;
  /** The temporary folder holding backend, home and config. */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs `pulumi <args> --stack <stack>` (plus --config-file where the command takes it). */
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  setConfig(key: string, value: string, options?: { secret?: boolean; path?: boolean }): Promise<void>;
  up(extra?: string[], options?: RunOptions): Promise<RunResult>;
  preview(extra?: string[], options?: RunOptions): Promise<RunResult>;
  refresh(extra?: string[], options?: RunOptions): Promise<RunResult>;
  destroy(extra?: string[], options?: RunOptions): Promise<RunResult>;
  /** `pulumi stack export`, parsed. */
  exportState(options?: { showSecrets?: boolean }): Promise<StateExport>;
  /** The raw checkpoint file in the file backend, as stored. */
  stateFileText(): string;
  /** `pulumi stack output --json`. */
  outputs(options?: { showSecrets?: boolean }): Promise<Record<string, unknown>>;
  /**
   * Processes of this workspace's CLI runs still alive: every process a run starts (its language
   * host, plugins, the dynamic-provider host's `node`) inherits WORKSPACE_MARKER from it. A CLI
   * that exited leaves none; one killed with SIGKILL leaves its plugins running, orphaned.
   */
  leftovers(): ProcessInfo[];
  /** Kills every leftover. */
  reap(): void;
  /** Reaps, then removes the workspace's folder. */
  dispose(): void;
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  dependencies?: string[];
  initErrors?: string[];
  parent?: string;
  provider?: string;
  pendingReplacement?: boolean;
  delete?: boolean;
}

export interface StateExport {
  version: number;
  deployment: {
    resources?: StateResource[];
    pending_operations?: { resource: StateResource; type: string }[];
    [key: string]: unknown;
  };
}

/** Commands that read the stack's config and so accept --config-file. */
const TAKES_CONFIG_FILE = new Set(["up", "preview", "refresh", "destroy", "config", "import"]);

export async function createWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const cli = findPulumiCli();
  const root = mkdtempSync(join(tmpdir(), "calendly-engine-"));
  const backend = join(root, "state");
  const home = join(root, "home");
  const configFile = join(root, `Pulumi.${options.stack}.yaml`);
  const nodeDir = dirname(process.execPath);

  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test process's own Calendly settings must not reach the program or the provider.
  delete env.CALENDLY_TOKEN;
  delete env.CALENDLY_API_URL;
  for (const key of Object.keys(env)) if (key.startsWith("PULUMI_")) delete env[key];
  Object.assign(env, {
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_HOME: home,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // Marks every process this workspace's runs start (leftovers()).
    [WORKSPACE_MARKER]: root,
    // The language host and the dynamic-provider launcher run `node`: the same Node 22 as this process.
    PATH: [cli.binDir, ...(options.extraPath ?? []), nodeDir, env.PATH ?? ""].join(delimiter),
    NO_COLOR: "1",
    ...options.env,
  });
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  mkdirSync(backend, { recursive: true });

  function run(args: string[], runOptions: RunOptions = {}): Promise<RunResult> {
    const full = [...args, "--non-interactive", "--color", "never", "--stack", options.stack];
    if (TAKES_CONFIG_FILE.has(args[0]!)) full.push("--config-file", configFile);
    return new Promise((resolve, reject) => {
      const child = spawn(join(cli.binDir, "pulumi"), full, {
        cwd: runOptions.cwd ?? options.programDir,
        env: { ...env, ...runOptions.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
      });
      child.stdin.end(runOptions.input ?? "");
      runOptions.onSpawn?.(child, () => stdout + stderr);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        const result = { code, signal, stdout, stderr, output: `${stdout}\n${stderr}` };
        if (code !== 0 && !runOptions.allowFailure) {
          reject(new Error(`pulumi ${args.join(" ")} exited ${code ?? signal}:\n${result.output}`));
        } else {
          resolve(result);
        }
      });
    });
  }

  // `stack init` writes Pulumi.<stack>.yaml (with the passphrase's salt) beside the Pulumi.yaml it
  // finds, and takes no --config-file. So it runs beside a copy of Pulumi.yaml (same project, same
  // backend), never in the program's folder: a committed stack file there (the repository's
  // Pulumi.dev.yaml) is not touched. Every later call names the file with --config-file.
  const initDir = join(root, "init");
  mkdirSync(initDir);
  copyFileSync(join(options.programDir, "Pulumi.yaml"), join(initDir, "Pulumi.yaml"));
  await run(["stack", "init", "--secrets-provider", "passphrase"], { cwd: initDir });
  const written = join(initDir, `Pulumi.${options.stack}.yaml`);
  if (existsSync(written)) renameSync(written, configFile);

  const workspace: Workspace = {
    programDir: options.programDir,
    stack: options.stack,
    configFile,
    root,
    env,
    run,
    async setConfig(key, value, opts = {}) {
      const args = ["config", "set", key];
      if (opts.secret) args.push("--secret");
      if (opts.path) args.push("--path");
      // The value goes through stdin: a secret never appears on a command line, and a value that
      // starts with "-" is never taken for a flag.
      await run(args, { input: value });
    },
    up: (extra = [], o) => run(["up", "--yes", "--skip-preview", ...extra], o),
    preview: (extra = [], o) => run(["preview", ...extra], o),
    refresh: (extra = [], o) => run(["refresh", "--yes", "--skip-preview", ...extra], o),
    destroy: (extra = [], o) => run(["destroy", "--yes", "--skip-preview", ...extra], o),
    async exportState(opts = {}) {
      const args = ["stack", "export"];
      if (opts.showSecrets) args.push("--show-secrets");
      return JSON.parse((await run(args)).stdout) as StateExport;
    },
    stateFileText() {
      const stacks = join(backend, ".pulumi", "stacks");
      const texts: string[] = [];
      for (const project of readdirSync(stacks)) {
        const file = join(stacks, project, `${options.stack}.json`);
        if (existsSync(file)) texts.push(readFileSync(file, "utf8"));
      }
      return texts.join("\n");
    },
    async outputs(opts = {}) {
      const args = ["stack", "output", "--json"];
      if (opts.showSecrets) args.push("--show-secrets");
      return JSON.parse((await run(args)).stdout) as Record<string, unknown>;
    },
    leftovers: () => processesWith(WORKSPACE_MARKER, root),
    reap() {
      for (const { pid } of workspace.leftovers()) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
    },
    dispose() {
      workspace.reap();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return workspace;
}

/** The resources of one type in an export, e.g. the WebhookSubscriptions. */
export function resourcesOfType(state: StateExport, type: string): StateResource[] {
  return (state.deployment.resources ?? []).filter((r) => r.type === type);
}
