/**
 * A stack of many WebhookSubscriptions (200 by default) through the real Pulumi CLI against the
 * emulator: `up` from empty, the state's size (`pulumi stack export`), a preview without changes,
 * a refresh, and a destroy; Calendly calls and 429s counted by the emulator.
 *
 * `up` is compared with what Calendly's rate limit allows: a fixed window of `limit` requests per
 * `windowSeconds` per user (500 per 60 s on paid plans), so `calls` requests need at least
 * floor((calls - 1) / limit) windows after the first. Lower the emulator's limit (`--rate-limit
 * 50/10`) and `up` follows that bound, not our code.
 *
 * The program is test/engine/programs/subscriptions, or another copy of it (`--program`), e.g. one
 * in a worktree of an earlier commit, to measure that release's provider ("before").
 */
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
import { CommandLineError } from "../tools/command-line";
import { ensurePackageBuilt } from "../tools/package/build";

export const DEFAULT_SCALE_PROGRAM = join(REPO_ROOT, "test", "engine", "programs", "subscriptions");

export interface ScaleOptions {
  subscriptions: number;
  /** A Pulumi program that declares WebhookSubscriptions from `subscriptions` config. */
  program: string;
  /** The emulator's paid-plan budget: requests per window. Calendly: 500. */
  limit: number;
  /** Its window. Calendly: 60 s. */
  windowSeconds: number;
}

export interface StepFigure {
  ms: number;
  /** Calendly calls the step made. */
  calls: number;
  /** Of which the emulator answered 429 (rate limited). */
  rateLimited: number;
  /** The least time Calendly's rate limit allows for the step's answered calls (0: within one window). */
  lowerBoundMs: number;
}

export interface ScaleResult {
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
  /** The same as `pulumi stack export` prints it, in place (its four-space indent at depth 3). */
  resourceBytesInExport: number;
  /** `__provider` of one subscription (it is stored twice: inputs and outputs). */
  providerBytes: number;
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
  await run();
  const ms = performance.now() - started;
  const made = emulator.control.requests().filter((r) => r.seq > seq);
  const rateLimited = made.filter((r) => r.status === 429).length;
  const answered = made.length - rateLimited;
  const windows = Math.floor(Math.max(0, answered - 1) / options.limit);
  return { ms, calls: made.length, rateLimited, lowerBoundMs: windows * options.windowSeconds * 1000 };
}

/** Bytes of a resource as `pulumi stack export` prints it: four-space indent, at depth 3, then ",\n". */
export function exportedResourceBytes(resource: object): number {
  const lines = JSON.stringify(resource, null, 4).split("\n");
  return Buffer.byteLength(lines.map((line) => `${" ".repeat(12)}${line}`).join("\n")) + 2;
}

const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);

export async function measureScale(options: ScaleOptions, log: (line: string) => void): Promise<ScaleResult> {
  ensurePackageBuilt();
  const emulator = await startEmulator({
    rateLimits: { paid: options.limit, windowSeconds: options.windowSeconds },
  });
  let ws: Workspace | undefined;
  try {
    ws = await createWorkspace({ programDir: options.program, stack: "scale" });
    await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
    await ws.setConfig("calendly:apiUrl", emulator.url);
    await ws.setConfig("subscriptions", JSON.stringify(declared(options.subscriptions)));
    const workspace = ws;

    log(`up: ${options.subscriptions} subscriptions from empty`);
    const up = await timed(emulator, options, () => workspace.up());
    const atCalendly = emulator.control.subscriptions().length;
    if (atCalendly !== options.subscriptions) {
      throw new Error(`scale: Calendly holds ${atCalendly} subscriptions, not ${options.subscriptions}`);
    }
    const exported = (await workspace.run(["stack", "export"])).stdout;
    const resources = (
      JSON.parse(exported) as { deployment: { resources: StateResource[] } }
    ).deployment.resources.filter((r) => r.type === WEBHOOK_SUBSCRIPTION_TYPE);

    log("preview (no changes)");
    const preview = await timed(emulator, options, () => workspace.preview(["--expect-no-changes"]));
    log("refresh");
    const refresh = await timed(emulator, options, () => workspace.refresh());
    log("destroy");
    const destroy = await timed(emulator, options, () => workspace.destroy());
    if (emulator.control.subscriptions().length !== 0) throw new Error("scale: destroy left subscriptions");

    return {
      options,
      up,
      preview,
      refresh,
      destroy,
      exportBytes: Buffer.byteLength(exported),
      exportBytesPerSubscription: Math.round(Buffer.byteLength(exported) / options.subscriptions),
      resourceBytesCompact: mean(resources.map((r) => Buffer.byteLength(JSON.stringify(r)))),
      resourceBytesInExport: mean(resources.map(exportedResourceBytes)),
      providerBytes: Buffer.byteLength(String(resources[0]?.outputs?.__provider ?? "")),
    };
  } finally {
    ws?.dispose();
    await emulator.close();
  }
}
