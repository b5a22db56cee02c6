/**
 * What the real-engine scenario files share: one Calendly emulator per file, stacks of a program
 * whose provider reaches it, and their cleanup.
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { SubscriptionView } from "../../../emulator/control";
import type { Emulator, EmulatorOptions } from "../../../emulator/server";
import { OWNER_TOKEN, startEngineEmulator } from "./emulator";
import { createWorkspace, type Workspace } from "./pulumi";

/** The small program most scenarios run: subscriptions declared from stack config. */
export const SUBSCRIPTIONS_PROGRAM = join(__dirname, "..", "programs", "subscriptions");

/** One subscription as that program reads it from the `subscriptions` config key. */
export interface DeclaredSubscription {
  name: string;
  url: string;
  events: string[];
  scope?: string;
  /** The key comes from the secret `signingKeys` config, by name. */
  explicitKey?: boolean;
  adoptExisting?: boolean;
  signingKeyGeneration?: number;
}

export interface StackSetup {
  /** Default: the subscriptions program. */
  programDir?: string;
  /** `calendly:token`, stored as a secret. Default: the emulator owner's; `null`: none in config. */
  token?: string | null;
  subscriptions?: DeclaredSubscription[];
  /** The secret `signingKeys` config: name → key. */
  signingKeys?: Record<string, string>;
  /** Extra environment for every CLI call (e.g. a PATH without the native plugin). */
  env?: Record<string, string | undefined>;
  /** Folders to put on PATH after the CLI's (e.g. the native plugin's). */
  extraPath?: string[];
}

/** A new stack (its own backend) whose provider reaches `emulator` as Calendly's API. */
export async function emulatorWorkspace(
  emulator: Emulator,
  stack: string,
  setup: StackSetup = {},
): Promise<Workspace> {
  const ws = await createWorkspace({
    programDir: setup.programDir ?? SUBSCRIPTIONS_PROGRAM,
    stack,
    env: setup.env,
    extraPath: setup.extraPath,
  });
  const token = setup.token === undefined ? OWNER_TOKEN : setup.token;
  if (token !== null) await ws.setConfig("calendly:token", token, { secret: true });
  await ws.setConfig("calendly:apiUrl", emulator.url);
  if (setup.subscriptions) await ws.setConfig("subscriptions", JSON.stringify(setup.subscriptions));
  if (setup.signingKeys)
    await ws.setConfig("signingKeys", JSON.stringify(setup.signingKeys), { secret: true });
  return ws;
}

export interface EngineScenario {
  /** The file's emulator (from its first `beforeAll` on). */
  readonly emulator: Emulator;
  /** `emulatorWorkspace` on the file's emulator, disposed after the file. */
  workspace(stack: string, setup?: StackSetup): Promise<Workspace>;
  /** The subscriptions Calendly holds for `url`. */
  atCalendly(url: string): SubscriptionView[];
}

/**
 * Registers the file's hooks: the emulator starts before its tests (with `options()`, read then),
 * its faults are cleared after each test, and every workspace and the emulator go after them.
 */
export function engineScenario(options: () => EmulatorOptions = () => ({})): EngineScenario {
  let emulator: Emulator | undefined;
  const workspaces: Workspace[] = [];
  const started = (): Emulator => {
    if (!emulator) throw new Error("the scenario's emulator starts in beforeAll");
    return emulator;
  };
  beforeAll(async () => {
    emulator = await startEngineEmulator(options());
  });
  afterEach(() => emulator?.control.clearFaults());
  afterAll(async () => {
    for (const ws of workspaces) ws.dispose();
    await emulator?.close();
  });
  return {
    get emulator() {
      return started();
    },
    async workspace(stack, setup) {
      const ws = await emulatorWorkspace(started(), stack, setup);
      workspaces.push(ws);
      return ws;
    },
    atCalendly: (url) =>
      started()
        .control.subscriptions()
        .filter((s) => s.callback_url === url),
  };
}
