/**
 * `npm run bench:native`: what the native provider (pulumi-resource-calendly) costs, next to the
 * dynamic resource, through the real Pulumi CLI (npm run pulumi:install) against the emulator.
 *
 *   npm run bench:native [-- --subscriptions 10] [--rounds 5] [--starts 20]
 *
 * 1. state: bytes per subscription in the stack's state (the resource as the backend's checkpoint
 *    holds it, compact JSON), with and without Pulumi's own `stackTrace` and `sourcePosition`, and
 *    the `__provider` a dynamic resource stores; `subscriptions` of each, from a YAML program
 *    (native) and test/engine/programs/subscriptions (dynamic, the TypeScript program);
 * 2. start-up: the plugin from spawn to the port on its first stdout line, as the CLI waits for it,
 *    next to an empty `node` process and to Pulumi's dynamic-provider host;
 * 3. preview: `pulumi preview` of an unchanged YAML program with one native subscription, and of
 *    the same program without it (no plugin started), rounds alternating; and how many plugin
 *    processes one preview starts (counted by a wrapper around the plugin).
 * Numbers go to stdout, medians with min–max; nothing asserts on them.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { WEBHOOK_SUBSCRIPTION_TOKEN as NATIVE_TYPE } from "pulumi-calendly/plugin";
import { stringify } from "yaml";
import { type Emulator, startEmulator } from "../emulator/server";
import { OWNER_TOKEN } from "../test/engine/support/emulator";
import {
  createWorkspace,
  REPO_ROOT,
  type StateResource,
  type Workspace,
} from "../test/engine/support/pulumi";
import { ensurePackageBuilt } from "../tools/package/build";
import { alternate, formatSpread, type Spread, spread, table } from "./stats";

/** Where `npm ci` puts the plugin. */
const PLUGIN_DIR = join(REPO_ROOT, "node_modules", ".bin");
const PLUGIN = join(PLUGIN_DIR, "pulumi-resource-calendly");
const DYNAMIC_PROGRAM = join(REPO_ROOT, "test", "engine", "programs", "subscriptions");
const DYNAMIC_HOST = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");

interface StateFigures {
  /** Mean bytes of one subscription's resource, compact JSON. */
  total: number;
  /** The same without `stackTrace` and `sourcePosition`. */
  withoutTrace: number;
  stackTrace: number;
  inputs: number;
  outputs: number;
  /** `__provider`, once (a dynamic resource stores it in inputs and outputs). */
  provider: number;
}

const bytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);

function stateFigures(resources: StateResource[]): StateFigures {
  const each = resources.map((r) => {
    const { stackTrace, sourcePosition, ...rest } = r as StateResource & {
      stackTrace?: unknown;
      sourcePosition?: unknown;
    };
    return {
      total: bytes(r),
      withoutTrace: bytes(rest),
      stackTrace: bytes(stackTrace) + bytes(sourcePosition),
      inputs: bytes(r.inputs),
      outputs: bytes(r.outputs),
      provider: Buffer.byteLength(String(r.outputs?.__provider ?? "")),
    };
  });
  const field = (key: keyof StateFigures) => mean(each.map((e) => e[key]));
  return {
    total: field("total"),
    withoutTrace: field("withoutTrace"),
    stackTrace: field("stackTrace"),
    inputs: field("inputs"),
    outputs: field("outputs"),
    provider: field("provider"),
  };
}

function yamlProgram(count: number): string {
  const resources = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `s${i + 1}`,
      {
        type: "calendly:WebhookSubscription",
        properties: {
          url: `https://receiver.example.com/calendly/webhooks?subscription=s${i + 1}`,
          events: ["invitee.created"],
          scope: "user",
        },
      },
    ]),
  );
  return stringify({ name: "bench-native", runtime: "yaml", resources }, { aliasDuplicateObjects: false });
}

async function stackOf(programDir: string, stack: string, emulator: Emulator, extraPath: string[] = []) {
  const ws = await createWorkspace({ programDir, stack, extraPath });
  await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
  await ws.setConfig("calendly:apiUrl", emulator.url);
  return ws;
}

async function measureState(emulator: Emulator, count: number, dir: string) {
  writeFileSync(join(dir, "Pulumi.yaml"), yamlProgram(count));
  const native = await stackOf(dir, "state-native", emulator, [PLUGIN_DIR]);
  const dynamic = await stackOf(DYNAMIC_PROGRAM, "state-dynamic", emulator);
  try {
    await dynamic.setConfig(
      "subscriptions",
      JSON.stringify(
        Array.from({ length: count }, (_, i) => ({
          name: `s${i + 1}`,
          url: `https://receiver.example.com/calendly/webhooks?subscription=d${i + 1}`,
          events: ["invitee.created"],
        })),
      ),
    );
    await native.up();
    await dynamic.up();
    const of = async (ws: Workspace, type: string) =>
      stateFigures((await ws.exportState()).deployment.resources!.filter((r) => r.type === type));
    const figures = {
      native: await of(native, NATIVE_TYPE),
      dynamic: await of(dynamic, WEBHOOK_SUBSCRIPTION_TYPE),
    };
    await native.destroy();
    await dynamic.destroy();
    return figures;
  } finally {
    native.dispose();
    dynamic.dispose();
  }
}

/** Milliseconds from spawn to the first stdout line (the port), then the process is ended. */
function timeToPort(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, [...args, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "ignore"] });
    child.once("error", reject);
    child.stdout.once("data", () => {
      resolve(performance.now() - started);
      child.kill("SIGKILL");
    });
  });
}

async function measureStartup(starts: number) {
  const plugin: number[] = [];
  const floor: number[] = [];
  const dynamicHost: number[] = [];
  for (let i = 0; i < starts; i++) {
    plugin.push(await timeToPort(PLUGIN, []));
    floor.push(await timeToPort(process.execPath, ["-e", "console.log(0)"]));
    dynamicHost.push(await timeToPort(process.execPath, [DYNAMIC_HOST]));
  }
  return { plugin: spread(plugin), floor: spread(floor), dynamicHost: spread(dynamicHost) };
}

async function measurePreview(emulator: Emulator, rounds: number, dir: string) {
  // A wrapper on PATH that counts the plugin's starts, then runs it.
  const wrapperDir = join(dir, "wrapper");
  const starts = join(dir, "starts.log");
  rmSync(wrapperDir, { recursive: true, force: true });
  mkdirSync(wrapperDir);
  const wrapper = join(wrapperDir, "pulumi-resource-calendly");
  writeFileSync(wrapper, `#!/bin/sh\necho start >> "${starts}"\nexec "${PLUGIN}" "$@"\n`);
  chmodSync(wrapper, 0o755);

  const withDir = join(dir, "with");
  const withoutDir = join(dir, "without");
  for (const d of [withDir, withoutDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(withDir, "Pulumi.yaml"), yamlProgram(1));
  writeFileSync(
    join(withoutDir, "Pulumi.yaml"),
    stringify({ name: "bench-native", runtime: "yaml", outputs: { nothing: "here" } }),
  );
  const withPlugin = await stackOf(withDir, "preview-with", emulator, [wrapperDir]);
  const without = await stackOf(withoutDir, "preview-without", emulator, [wrapperDir]);
  try {
    await withPlugin.up();
    await without.up();
    writeFileSync(starts, "");
    const seq = emulator.control.requests().at(-1)?.seq ?? 0;
    const timed = (ws: Workspace) => async () => {
      const started = performance.now();
      await ws.preview(["--expect-no-changes"]);
      return performance.now() - started;
    };
    const { a, b } = await alternate(rounds, timed(withPlugin), timed(without));
    const pluginStarts = readFileSync(starts, "utf8").split("\n").filter(Boolean).length;
    const calls = emulator.control.requests().filter((r) => r.seq > seq).length;
    await withPlugin.destroy();
    return {
      with: spread(a),
      without: spread(b),
      pluginStartsPerPreview: pluginStarts / rounds,
      calendlyCallsPerPreview: calls / (2 * rounds),
    };
  } finally {
    withPlugin.dispose();
    without.dispose();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      subscriptions: { type: "string", default: "10" },
      rounds: { type: "string", default: "5" },
      starts: { type: "string", default: "20" },
    },
  });
  const count = Number(values.subscriptions);
  const rounds = Number(values.rounds);
  const starts = Number(values.starts);
  ensurePackageBuilt();
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "calendly-bench-native-"));
  const ms = (s: Spread) => formatSpread(s, 0, " ms");
  try {
    console.error(`state: ${count} subscriptions each, native and dynamic`);
    const state = await measureState(emulator, count, dir);
    console.error(`start-up: ${starts} starts each`);
    const startup = await measureStartup(starts);
    console.error(`preview: ${rounds} rounds each, alternating`);
    const preview = await measurePreview(emulator, rounds, dir);

    const date = new Date().toISOString().slice(0, 10);
    console.log(
      `npm run bench:native -- --subscriptions ${count} --rounds ${rounds} --starts ${starts}, ${date}\n`,
    );
    console.log("State per subscription (bytes, compact JSON as the checkpoint holds it)");
    console.log(
      table([
        ["", "total", "without stackTrace/sourcePosition", "of which inputs", "outputs", "__provider"],
        ...(["native", "dynamic"] as const).map((kind) => [
          kind,
          String(state[kind].total),
          String(state[kind].withoutTrace),
          String(state[kind].inputs),
          String(state[kind].outputs),
          state[kind].provider === 0 ? "none" : `${state[kind].provider} (×2)`,
        ]),
      ]),
    );
    console.log("\nStart-up: spawn to the port line (median, min–max)");
    console.log(
      table([
        ["process", "ms"],
        ["pulumi-resource-calendly", ms(startup.plugin)],
        ["@pulumi/pulumi/cmd/dynamic-provider", ms(startup.dynamicHost)],
        ["node printing a line (floor)", ms(startup.floor)],
      ]),
    );
    console.log("\npulumi preview --expect-no-changes of a YAML program (median, min–max)");
    console.log(
      table([
        ["program", "ms"],
        ["one native subscription", ms(preview.with)],
        ["no calendly resource (no plugin)", ms(preview.without)],
      ]),
    );
    console.log(
      `plugin processes per preview: ${preview.pluginStartsPerPreview}; Calendly calls per preview: ${preview.calendlyCallsPerPreview}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
