/**
 * Our model of Pulumi's engine (tools/pulumi-host/engine.ts) against the real one. The model stays
 * where the real CLI would be too slow (the 200-schedule fault run, `npm run dev`); there it must
 * behave as Pulumi does. Scenarios 1–3 (lifecycle, drift, a create whose outcome cannot be learnt)
 * run through both, each against its own emulator, and after every step the resulting Calendly
 * state and Pulumi state must be the same.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { createEngine, type ResourceState, UpFailedError } from "../../tools/pulumi-host/engine";
import { type DynamicProviderHost, startDynamicProviderHost } from "../../tools/pulumi-host/host";
import { PROJECT_ROOT, serializeWebhookSubscriptionProvider } from "../../tools/pulumi-host/serialize";
import { createOutcomeLost } from "../support/faults";
import { OWNER_TOKEN, startEngineEmulator } from "./support/emulator";
import { resourcesOfType } from "./support/pulumi";
import { emulatorWorkspace } from "./support/scenario";

const URL = "https://receiver.example.com/calendly/webhooks?subscription=bookings";

/** One way of running `pulumi up/refresh/destroy` on one WebhookSubscription. */
interface Driver {
  emulator: Emulator;
  declare(events: string[]): Promise<void>;
  /** Whether the operation succeeded. */
  up(options?: { refresh?: boolean }): Promise<boolean>;
  refresh(): Promise<boolean>;
  destroy(): Promise<boolean>;
  /** The resource as the state holds it: id and outputs, or nothing. */
  state(): Promise<{ id: string; outputs: Record<string, unknown> } | undefined>;
  close(): Promise<void>;
}

async function realDriver(): Promise<Driver> {
  const emulator = await startEngineEmulator();
  const ws = await emulatorWorkspace(emulator, "differential");
  const ok = async (run: Promise<{ code: number | null }>) => (await run).code === 0;
  return {
    emulator,
    declare: (events) =>
      ws.setConfig("subscriptions", JSON.stringify([{ name: "bookings", url: URL, events }])),
    up: (o = {}) => ok(ws.up(o.refresh ? ["--refresh"] : [], { allowFailure: true })),
    refresh: () => ok(ws.refresh([], { allowFailure: true })),
    destroy: () => ok(ws.destroy([], { allowFailure: true })),
    async state() {
      const [r] = resourcesOfType(await ws.exportState({ showSecrets: true }), WEBHOOK_SUBSCRIPTION_TYPE);
      return r && { id: r.id ?? "", outputs: r.outputs ?? {} };
    },
    async close() {
      ws.dispose();
      await emulator.close();
    },
  };
}

async function modelDriver(): Promise<Driver> {
  const emulator = await startEngineEmulator();
  const { provider } = await serializeWebhookSubscriptionProvider();
  const env = { ...process.env };
  delete env.CALENDLY_TOKEN;
  const host: DynamicProviderHost = await startDynamicProviderHost({
    cwd: PROJECT_ROOT,
    env,
    type: WEBHOOK_SUBSCRIPTION_TYPE,
    name: "bookings",
  });
  await host.configure({ "calendly:token": OWNER_TOKEN, "calendly:apiUrl": emulator.url });
  const engine = createEngine(host, provider);
  let state: ResourceState | undefined;
  let events: string[] = [];
  const inputs = () => ({ url: URL, events, scope: "user" });
  /** A failed step keeps the state it left, as Pulumi's does. */
  const attempt = async (step: () => Promise<void>) => {
    try {
      await step();
      return true;
    } catch (error) {
      if (error instanceof UpFailedError) state = error.state;
      return false;
    }
  };
  const refresh = () =>
    attempt(async () => {
      if (state) state = await engine.refresh(state);
    });
  return {
    emulator,
    async declare(next) {
      events = next;
    },
    async up(o = {}) {
      if (o.refresh && !(await refresh())) return false;
      return attempt(async () => {
        state = (await engine.up(state, inputs())).state;
      });
    },
    refresh,
    destroy: () =>
      attempt(async () => {
        if (state) await engine.destroy(state);
        state = undefined;
      }),
    async state() {
      return state && { id: state.id, outputs: state.outputs };
    },
    async close() {
      await host.close();
      await emulator.close();
    },
  };
}

/** What both sides must agree on, with what differs by nature (URIs' host, times, ids) normalized. */
async function snapshot(driver: Driver) {
  const base = driver.emulator.url;
  const subs = driver.emulator.control.subscriptions();
  const uuids = subs.map((s) => s.uuid);
  const normalize = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value ?? null)
        .split(base)
        .join("<api>"),
    );
  const resource = await driver.state();
  const outputs = { ...resource?.outputs };
  for (const key of ["__provider", "uri", "createdAt", "updatedAt", "signingKey"]) delete outputs[key];
  return normalize({
    calendly: subs.map((s) => ({ url: s.callback_url, events: s.events, scope: s.scope, state: s.state })),
    pulumi: resource && {
      // Which Calendly subscription the state points at (by position), a pending id, or one gone.
      id: uuids.includes(resource.id)
        ? `calendly#${uuids.indexOf(resource.id)}`
        : resource.id.startsWith("pending-")
          ? "pending-…"
          : "not at Calendly",
      outputs,
    },
  });
}

let real: Driver;
let model: Driver;

beforeAll(async () => {
  [real, model] = await Promise.all([realDriver(), modelDriver()]);
});

afterAll(async () => {
  await Promise.all([real?.close(), model?.close()]);
});

/** Runs one step on both drivers; they must agree on its success and on the states it leaves. */
async function step(name: string, run: (d: Driver) => Promise<unknown>) {
  const [r, m] = [await run(real), await run(model)];
  expect(m, `${name}: success`).toBe(r);
  expect(await snapshot(model), `${name}: state`).toEqual(await snapshot(real));
  return r;
}

describe("the model engine against the real one", () => {
  it("scenario 1, lifecycle: create, a change of events, destroy", async () => {
    await step("declare", (d) => d.declare(["invitee.created"]));
    expect(await step("create", (d) => d.up())).toBe(true);
    await step("declare new events", (d) => d.declare(["invitee.canceled", "invitee.created"]));
    expect(await step("replace", (d) => d.up())).toBe(true);
    expect(await step("destroy", (d) => d.destroy())).toBe(true);
  });

  it("scenario 2, drift: deleted out of band, then disabled by Calendly", async () => {
    await step("create", (d) => d.up());
    await step("delete out of band", async (d) => {
      d.emulator.control.deleteSubscription(d.emulator.control.subscriptions()[0]!.uuid);
    });
    expect(await step("refresh", (d) => d.refresh())).toBe(true);
    expect(await step("create again", (d) => d.up())).toBe(true);
    await step("disable", async (d) => {
      d.emulator.control.disableSubscription(d.emulator.control.subscriptions()[0]!.uuid);
    });
    expect(await step("up --refresh replaces", (d) => d.up({ refresh: true }))).toBe(true);
    expect(await step("destroy", (d) => d.destroy())).toBe(true);
  });

  it("scenario 3, a create whose outcome cannot be learnt, then Calendly healthy again", async () => {
    await step("faults", async (d) => {
      d.emulator.control.injectFaults(createOutcomeLost(100));
    });
    expect(await step("up fails, recorded as pending", (d) => d.up())).toBe(false);
    await step("healthy again", async (d) => d.emulator.control.clearFaults());
    expect(await step("refresh", (d) => d.refresh())).toBe(true);
    expect(await step("up converges", (d) => d.up())).toBe(true);
    expect(await step("destroy", (d) => d.destroy())).toBe(true);
  });
});
