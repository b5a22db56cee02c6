/**
 * A stack of many WebhookSubscriptions (200 by default) through the real Pulumi CLI against the
 * emulator, three ways, each on a fresh emulator and stack:
 *
 *   floor    one RandomString of the stand-in `random` plugin (tools/pulumi-standins) per
 *            subscription: the engine, the Node.js language host and a Node plugin with nothing
 *            behind them (bench/programs/floor);
 *   dynamic  the dynamic resource, pulumi-nodejs:dynamic/calendly:WebhookSubscription
 *            (test/engine/programs/subscriptions, or `--program`);
 *   native   the native plugin, calendly:index:WebhookSubscription, through the generated Node.js
 *            SDK compiled as a user installs it (bench/programs/native; pulumi-resource-calendly on
 *            PATH).
 *
 * Each measures `up` from empty, the state's size (`pulumi stack export`), a preview without
 * changes, a refresh and a destroy, with Calendly calls and 429s counted by the emulator; run.ts
 * reports each as a ratio to the floor. All three programs are TypeScript on the same language
 * host, so the differences are the providers'.
 *
 * Each step is compared with what Calendly's rate limit allows: a fixed window of `limit` requests
 * per `windowSeconds` per user (500 per 60 s on paid plans, 50 on the Free plan), so `calls`
 * requests need at least floor((calls - 1) / limit) windows after the first.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { type Emulator, startEmulator } from "../emulator/server";
import { OWNER_TOKEN } from "../test/engine/support/emulator";
import {
  createWorkspace,
  REPO_ROOT,
  type StateResource,
  type Workspace,
} from "../test/engine/support/pulumi";
import { installStandinsFor } from "../test/engine/support/standins";
import { CommandLineError } from "../tools/command-line";
import { ensurePackageBuilt } from "../tools/package/build";

export const DEFAULT_SCALE_PROGRAM = join(REPO_ROOT, "test", "engine", "programs", "subscriptions");
const NATIVE_PROGRAM = join(__dirname, "programs", "native");
const FLOOR_PROGRAM = join(__dirname, "programs", "floor");
/** The folder holding pulumi-resource-calendly (the package's bin). */
const PLUGIN_DIR = join(REPO_ROOT, "packages", "pulumi-calendly", "bin");

export const SCALE_VARIANTS = ["floor", "dynamic", "native"] as const;
export type ScaleVariant = (typeof SCALE_VARIANTS)[number];

export interface ScaleOptions {
  subscriptions: number;
  /** The dynamic variant's program: declares WebhookSubscriptions from `subscriptions` config. */
  program: string;
  /** The emulator's paid-plan budget: requests per window. Calendly: 500 (paid), 50 (Free). */
  limit: number;
  /** Its window. Calendly: 60 s. */
  windowSeconds: number;
}

export interface StepFigure {
  ms: number;
  /**
   * CPU time of the step's processes: the CLI and what it started and waited for (language host,
   * program, plugins), from this process's reaped children (/proc/self/stat). Sturdier than `ms`
   * on a shared machine; the in-process emulator's time is not in it.
   */
  cpuMs: number;
  /** Calendly calls the step made. */
  calls: number;
  /** Of which the emulator answered 429 (rate limited). */
  rateLimited: number;
  /** The emulator's own time answering them, summed (Calendly's share, not the provider's). */
  calendlyMs: number;
  /** The least time Calendly's rate limit allows for the step's answered calls (0: within one window). */
  lowerBoundMs: number;
}

export interface ScaleResult {
  variant: ScaleVariant;
  options: ScaleOptions;
  up: StepFigure;
  preview: StepFigure;
  refresh: StepFigure;
  destroy: StepFigure;
  /** `pulumi stack export`, as printed. */
  exportBytes: number;
  /** The same per subscription (everything divided by their number). */
  exportBytesPerSubscription: number;
  /** One subscription's resource as JSON without whitespace, as the backend's checkpoint holds it. */
  resourceBytesCompact: number;
  /** The same without Pulumi's own `stackTrace` and `sourcePosition` (the goal's measure: ≤ 2 KB). */
  resourceBytesOwn: number;
  /** The same as `pulumi stack export` prints it, in place (its four-space indent at depth 3). */
  resourceBytesInExport: number;
  /** `__provider` of one subscription (the dynamic resource stores it twice: inputs and outputs). */
  providerBytes: number;
}

/**
 * The generated Node.js SDK compiled with its own tsconfig.json into .cache/bench/nodejs-sdk (with
 * its package.json, which it reads its version from), for the native program: a user's program
 * runs the SDK's JavaScript, not its TypeScript.
 */
function compiledNodejsSdk(): string {
  const source = join(REPO_ROOT, "sdk", "nodejs");
  const out = join(REPO_ROOT, ".cache", "bench", "nodejs-sdk");
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", source, "--outDir", out], {
    stdio: "inherit",
  });
  copyFileSync(join(source, "package.json"), join(out, "package.json"));
  return out;
}

interface VariantSetup {
  program: string;
  env?: Record<string, string>;
  /** The resource type the stack holds one of per subscription. */
  type: string;
  extraPath?: string[];
  /** Whether the resources live at Calendly (the floor's live nowhere). */
  calendly: boolean;
}

function setupOf(variant: ScaleVariant, options: ScaleOptions): VariantSetup {
  switch (variant) {
    case "floor":
      return { program: FLOOR_PROGRAM, type: "random:index/randomString:RandomString", calendly: false };
    case "dynamic":
      return { program: options.program, type: WEBHOOK_SUBSCRIPTION_TYPE, calendly: true };
    case "native":
      return {
        program: NATIVE_PROGRAM,
        env: { CALENDLY_NODEJS_SDK: compiledNodejsSdk() },
        type: "calendly:index:WebhookSubscription",
        extraPath: [PLUGIN_DIR],
        calendly: true,
      };
  }
}

/** "50/10" → 50 requests per 10 s. */
export function parseRateLimit(text: string): { limit: number; windowSeconds: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) {
    throw new CommandLineError(
      `--rate-limit must be <requests>/<seconds>, e.g. 500/60, got "${text}"`,
      "ERR_INVALID_VALUE",
      "--rate-limit",
    );
  }
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

function declared(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `s${String(i + 1).padStart(3, "0")}`,
    url: `https://receiver.example.com/calendly/webhooks?subscription=s${i + 1}`,
    events: ["invitee.created"],
  }));
}

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux everywhere that matters). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of this process's terminated, waited-for children (and theirs), in ms. */
export function childrenCpuMs(): number {
  // /proc/self/stat: "pid (comm) state ..." — fields after the comm's closing parenthesis, from
  // field 3 on; cutime and cstime are fields 16 and 17.
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

/**
 * One step, from a fresh rate-limit window (as if it ran a minute after the previous one). A 429
 * does not count against the window, so the answered calls need floor((answered - 1) / limit)
 * windows after the first.
 */
async function timed(
  emulator: Emulator,
  options: ScaleOptions,
  run: () => Promise<unknown>,
): Promise<StepFigure> {
  emulator.control.resetRateLimits();
  const seq = emulator.control.requests().at(-1)?.seq ?? 0;
  const started = performance.now();
  const cpuBefore = childrenCpuMs();
  await run();
  const ms = performance.now() - started;
  const cpuMs = childrenCpuMs() - cpuBefore;
  const made = emulator.control.requests().filter((r) => r.seq > seq);
  const rateLimited = made.filter((r) => r.status === 429).length;
  const answered = made.length - rateLimited;
  const windows = Math.floor(Math.max(0, answered - 1) / options.limit);
  const calendlyMs = made.reduce((sum, r) => sum + r.duration_ms, 0);
  return {
    ms,
    cpuMs,
    calls: made.length,
    rateLimited,
    calendlyMs,
    lowerBoundMs: windows * options.windowSeconds * 1000,
  };
}

/** Bytes of a resource as `pulumi stack export` prints it: four-space indent, at depth 3, then ",\n". */
export function exportedResourceBytes(resource: object): number {
  const lines = JSON.stringify(resource, null, 4).split("\n");
  return Buffer.byteLength(lines.map((line) => `${" ".repeat(12)}${line}`).join("\n")) + 2;
}

const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);

/** Bytes of a resource without Pulumi's own registration trace. */
function ownBytes(resource: StateResource): number {
  const {
    stackTrace: _trace,
    sourcePosition: _position,
    ...own
  } = resource as StateResource & {
    stackTrace?: unknown;
    sourcePosition?: unknown;
  };
  return Buffer.byteLength(JSON.stringify(own));
}

/** One variant: a fresh emulator (rate-limited as `options` says) and stack, through up, preview, refresh, destroy. */
export async function measureScale(
  options: ScaleOptions,
  variant: ScaleVariant,
  log: (line: string) => void,
): Promise<ScaleResult> {
  ensurePackageBuilt();
  const setup = setupOf(variant, options);
  const emulator = await startEmulator({
    rateLimits: { paid: options.limit, windowSeconds: options.windowSeconds },
  });
  let ws: Workspace | undefined;
  try {
    ws = await createWorkspace({
      programDir: setup.program,
      stack: "scale",
      env: setup.env,
      extraPath: setup.extraPath,
    });
    const standins = variant === "floor" ? installStandinsFor(ws) : undefined;
    await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
    await ws.setConfig("calendly:apiUrl", emulator.url);
    await ws.setConfig("subscriptions", JSON.stringify(declared(options.subscriptions)));
    const workspace = ws;
    const held = () =>
      setup.calendly ? emulator.control.subscriptions().length : (standins?.existing().length ?? 0);

    log(`${variant}: up, ${options.subscriptions} from empty`);
    const up = await timed(emulator, options, () => workspace.up());
    if (held() !== options.subscriptions) {
      throw new Error(`scale (${variant}): ${held()} resources exist after up, not ${options.subscriptions}`);
    }
    const exported = (await workspace.run(["stack", "export"])).stdout;
    const resources = (
      JSON.parse(exported) as { deployment: { resources: StateResource[] } }
    ).deployment.resources.filter((r) => r.type === setup.type);
    if (resources.length !== options.subscriptions) {
      throw new Error(`scale (${variant}): the state holds ${resources.length} of ${setup.type}`);
    }

    log(`${variant}: preview (no changes)`);
    const preview = await timed(emulator, options, () => workspace.preview(["--expect-no-changes"]));
    log(`${variant}: refresh`);
    const refresh = await timed(emulator, options, () => workspace.refresh());
    log(`${variant}: destroy`);
    const destroy = await timed(emulator, options, () => workspace.destroy());
    if (held() !== 0) throw new Error(`scale (${variant}): destroy left ${held()} resources`);

    return {
      variant,
      options,
      up,
      preview,
      refresh,
      destroy,
      exportBytes: Buffer.byteLength(exported),
      exportBytesPerSubscription: Math.round(Buffer.byteLength(exported) / options.subscriptions),
      resourceBytesCompact: mean(resources.map((r) => Buffer.byteLength(JSON.stringify(r)))),
      resourceBytesOwn: mean(resources.map(ownBytes)),
      resourceBytesInExport: mean(resources.map(exportedResourceBytes)),
      providerBytes: Buffer.byteLength(String(resources[0]?.outputs?.__provider ?? "")),
    };
  } finally {
    ws?.dispose();
    await emulator.close();
  }
}
