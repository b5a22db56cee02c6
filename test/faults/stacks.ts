/**
 * The two engines a fault schedule can run through, behind one face: our model of Pulumi's engine
 * over Pulumi's own dynamic-provider host (tools/pulumi-host: fast, the 200-schedule run), and the
 * real Pulumi CLI on a stack of the engine scenarios' subscriptions program (`--engine real`:
 * seconds per step, so fewer schedules). Either way a failed step keeps the state it left, as
 * Pulumi's does, pending deletes included.
 */
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import type { Emulator } from "../../emulator/server";
import { createEngine } from "../../tools/pulumi-host/engine";
import { startDynamicProviderHost } from "../../tools/pulumi-host/host";
import { PROJECT_ROOT } from "../../tools/pulumi-host/serialize";
import { createStatefulEngine } from "../../tools/pulumi-host/state";
import { createWorkspace, resourcesOfType, type Workspace } from "../engine/support/pulumi";

export type EngineKind = "model" | "real";

export interface SubscriptionInputs {
  url: string;
  events: string[];
  scope: string;
}

/** What the state holds for the subscription: the live resource and the pending deletes. */
export interface HeldState {
  live: { id: string; signingKey: string } | undefined;
  pendingDeletes: string[];
}

export interface FaultStack {
  /** `pulumi up` with these inputs; rejects when it fails. */
  up(inputs: SubscriptionInputs): Promise<void>;
  refresh(): Promise<void>;
  destroy(): Promise<void>;
  state(): Promise<HeldState>;
  close(): Promise<void>;
}

const TOKEN = "emu-owner-token";
const PROGRAM = join(__dirname, "..", "engine", "programs", "subscriptions");

/** The model engine over a fresh host, as each `pulumi up` starts one (and asks /users/me again). */
export async function modelStack(emulator: Emulator, provider: string): Promise<FaultStack> {
  const host = await startDynamicProviderHost({ cwd: PROJECT_ROOT });
  await host.configure({ "calendly:token": TOKEN, "calendly:apiUrl": emulator.url });
  const engine = createStatefulEngine(createEngine(host, provider));
  return {
    async up(inputs) {
      await engine.up({ ...inputs });
    },
    refresh: () => engine.refresh(),
    destroy: () => engine.destroy(),
    async state() {
      const { live, pendingDeletes } = engine.state;
      return {
        live: live && { id: live.id, signingKey: String(live.outputs.signingKey) },
        pendingDeletes: pendingDeletes.map((r) => r.id),
      };
    },
    close: () => host.close(),
  };
}

/** A stack of its own (file backend, passphrase) run by the real Pulumi CLI. */
export async function realStack(emulator: Emulator, stack: string): Promise<FaultStack> {
  const ws: Workspace = await createWorkspace({ programDir: PROGRAM, stack });
  await ws.setConfig("calendly:token", TOKEN, { secret: true });
  await ws.setConfig("calendly:apiUrl", emulator.url);
  const succeeded = async (run: Promise<{ code: number | null; output: string }>) => {
    const result = await run;
    if (result.code !== 0) {
      const error = result.output.split("\n").find((line) => /error:/.test(line)) ?? "";
      throw new Error(`pulumi exited ${result.code}: ${error.trim()}`);
    }
  };
  return {
    async up(inputs) {
      const declared = [{ name: "bookings", url: inputs.url, events: inputs.events, scope: inputs.scope }];
      await ws.setConfig("subscriptions", JSON.stringify(declared));
      await succeeded(ws.up([], { allowFailure: true }));
    },
    refresh: () => succeeded(ws.refresh([], { allowFailure: true })),
    destroy: () => succeeded(ws.destroy([], { allowFailure: true })),
    async state() {
      const held = resourcesOfType(await ws.exportState({ showSecrets: true }), WEBHOOK_SUBSCRIPTION_TYPE);
      const live = held.find((r) => !r.delete);
      // `--show-secrets` writes a secret as {<sig>: …, plaintext: "<JSON>"}.
      const key = live?.outputs?.signingKey as { plaintext?: string } | string | undefined;
      const signingKey = typeof key === "object" && key?.plaintext ? JSON.parse(key.plaintext) : key;
      return {
        live: live && { id: live.id ?? "", signingKey: String(signingKey) },
        pendingDeletes: held.filter((r) => r.delete).map((r) => r.id ?? ""),
      };
    },
    async close() {
      ws.dispose();
    },
  };
}
