/**
 * Our model of Pulumi's engine (tools/pulumi-host/engine.ts, state.ts) against the real one. The
 * model stays where the real CLI would be too slow (the 200-schedule fault run, `npm run dev`);
 * there it must behave as Pulumi does. Scenarios 1–3 (lifecycle, drift, a create whose outcome
 * cannot be learnt) run through both, each against its own emulator, and after every step the
 * resulting Calendly state and Pulumi state must be the same: the live resource and the pending
 * deletes (`delete: true`) alike.
 *
 * Each scenario runs on both replacement paths: a fixed URL (Calendly refuses a second
 * subscription with the same URL, so the old one is deleted first) and a marked URL, as the stack
 * declares them (infra/subscriptions.ts: `?subscription=<name>&v=<marker>`, the marker changing
 * with the events), where the new one is created first. Scenario 4 is the create-first path's own
 * failure: the old subscription's delete fails after the new one exists.
 */

import { markedUrl, WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { createEngine } from "../../tools/pulumi-host/engine";
import { type DynamicProviderHost, startDynamicProviderHost } from "../../tools/pulumi-host/host";
import { PROJECT_ROOT, serializeWebhookSubscriptionProvider } from "../../tools/pulumi-host/serialize";
import { createStatefulEngine } from "../../tools/pulumi-host/state";
import { createOutcomeLost } from "../support/faults";
import { OWNER_TOKEN, startEngineEmulator } from "./support/emulator";
import { resourcesOfType } from "./support/pulumi";
import { emulatorWorkspace } from "./support/scenario";

const BASE_URL = "https://receiver.example.com/calendly/webhooks";

/** How a declaration's URL is made: fixed (delete-first replacements) or marked (create-first). */
type UrlMode = "fixed" | "marked";

function urlFor(mode: UrlMode, events: string[]): string {
  return mode === "marked"
    ? markedUrl(BASE_URL, "bookings", { events, scope: "user" })
    : `${BASE_URL}?subscription=bookings`;
}

/** A resource as the state holds it. */
interface Held {
  id: string;
  outputs: Record<string, unknown>;
}

/** One way of running `pulumi up/refresh/destroy` on one WebhookSubscription. */
interface Driver {
  emulator: Emulator;
  declare(events: string[], mode: UrlMode): Promise<void>;
  /** Whether the operation succeeded. */
  up(options?: { refresh?: boolean }): Promise<boolean>;
  refresh(): Promise<boolean>;
  destroy(): Promise<boolean>;
  /** The resource as the state holds it, and the old ones kept as pending deletes. */
  state(): Promise<{ live: Held | undefined; pendingDeletes: Held[] }>;
  close(): Promise<void>;
}

async function realDriver(): Promise<Driver> {
  const emulator = await startEngineEmulator();
  const ws = await emulatorWorkspace(emulator, "differential");
  const ok = async (run: Promise<{ code: number | null }>) => (await run).code === 0;
  return {
    emulator,
    declare: (events, mode) =>
      ws.setConfig(
        "subscriptions",
        JSON.stringify([{ name: "bookings", url: urlFor(mode, events), events }]),
      ),
    up: (o = {}) => ok(ws.up(o.refresh ? ["--refresh"] : [], { allowFailure: true })),
    refresh: () => ok(ws.refresh([], { allowFailure: true })),
    destroy: () => ok(ws.destroy([], { allowFailure: true })),
    async state() {
      const held = resourcesOfType(await ws.exportState({ showSecrets: true }), WEBHOOK_SUBSCRIPTION_TYPE);
      const entry = (r: (typeof held)[number]): Held => ({ id: r.id ?? "", outputs: r.outputs ?? {} });
      const live = held.filter((r) => !r.delete);
      expect(live.length, "live resources under the URN").toBeLessThanOrEqual(1);
      return { live: live[0] && entry(live[0]), pendingDeletes: held.filter((r) => r.delete).map(entry) };
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
  // A failed step keeps the state it left, as Pulumi's does.
  const engine = createStatefulEngine(createEngine(host, provider));
  let inputs = {};
  const attempt = (step: () => Promise<unknown>) =>
    step().then(
      () => true,
      () => false,
    );
  const refresh = () => attempt(() => engine.refresh());
  return {
    emulator,
    async declare(events, mode) {
      inputs = { url: urlFor(mode, events), events, scope: "user" };
    },
    async up(o = {}) {
      if (o.refresh && !(await refresh())) return false;
      return attempt(() => engine.up(inputs));
    },
    refresh,
    destroy: () => attempt(() => engine.destroy()),
    async state() {
      const { live, pendingDeletes } = engine.state;
      const entry = (r: { id: string; outputs: Record<string, unknown> }): Held => ({
        id: r.id,
        outputs: r.outputs,
      });
      return { live: live && entry(live), pendingDeletes: pendingDeletes.map(entry) };
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
  const { live, pendingDeletes } = await driver.state();
  const held = (resource: Held) => {
    const outputs = { ...resource.outputs };
    for (const key of ["__provider", "uri", "createdAt", "updatedAt", "signingKey"]) delete outputs[key];
    return {
      // Which Calendly subscription the state points at (by position), a pending id, or one gone.
      id: uuids.includes(resource.id)
        ? `calendly#${uuids.indexOf(resource.id)}`
        : resource.id.startsWith("pending-")
          ? "pending-…"
          : "not at Calendly",
      outputs,
    };
  };
  return normalize({
    calendly: subs.map((s) => ({ url: s.callback_url, events: s.events, scope: s.scope, state: s.state })),
    pulumi: live && held(live),
    // The real engine may list them in another order than the model kept them.
    pendingDeletes: pendingDeletes.map(held).sort((a, b) => a.id.localeCompare(b.id)),
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

/** Calendly's answer to the next `times` DELETEs: 500, which the client retries until it gives up. */
function deletesFail(times: number) {
  return async (d: Driver) => {
    d.emulator.control.injectFaults({
      match: { method: "DELETE", path: "/webhook_subscriptions/*" },
      fault: { kind: "status", status: 500 },
      times,
    });
  };
}
/** A DELETE failing every attempt the client makes (retry.ts: 6 attempts). */
const DELETE_GIVES_UP = 6;

describe.each<UrlMode>(["fixed", "marked"])("the model engine against the real one, %s URLs", (mode) => {
  it("scenario 1, lifecycle: create, a change of events, destroy", async () => {
    await step("declare", (d) => d.declare(["invitee.created"], mode));
    expect(await step("create", (d) => d.up())).toBe(true);
    await step("declare new events", (d) => d.declare(["invitee.canceled", "invitee.created"], mode));
    expect(await step("replace", (d) => d.up())).toBe(true);
    expect(await step("destroy", (d) => d.destroy())).toBe(true);
  });

  it("scenario 2, drift: deleted out of band, then disabled by Calendly", async () => {
    await step("declare", (d) => d.declare(["invitee.created"], mode));
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
    await step("declare", (d) => d.declare(["invitee.created"], mode));
    await step("faults", async (d) => {
      d.emulator.control.injectFaults(createOutcomeLost(100));
    });
    expect(await step("up fails, recorded as pending", (d) => d.up())).toBe(false);
    await step("healthy again", async (d) => d.emulator.control.clearFaults());
    expect(await step("refresh", (d) => d.refresh())).toBe(true);
    expect(await step("up converges", (d) => d.up())).toBe(true);
    expect(await step("destroy", (d) => d.destroy())).toBe(true);
  });

  it("scenario 5, a replacement whose create's outcome cannot be learnt, then Calendly healthy again", async () => {
    await step("declare", (d) => d.declare(["invitee.created"], mode));
    expect(await step("create", (d) => d.up())).toBe(true);
    await step("declare new events", (d) => d.declare(["invitee.canceled", "invitee.created"], mode));
    await step("faults", async (d) => {
      d.emulator.control.injectFaults(createOutcomeLost(100));
    });
    expect(await step("replace fails, the new one pending", (d) => d.up())).toBe(false);
    if (mode === "marked") {
      // The old one is kept as a pending delete beside the pending new one.
      expect((await snapshot(real)).pendingDeletes).toHaveLength(1);
    }
    await step("healthy again", async (d) => d.emulator.control.clearFaults());
    expect(await step("refresh", (d) => d.refresh())).toBe(true);
    expect(await step("up converges", (d) => d.up())).toBe(true);
    expect((await snapshot(real)).calendly).toHaveLength(1);
    expect(await step("destroy", (d) => d.destroy())).toBe(true);
  });

  it("scenario 4, a replacement whose delete of the old subscription fails", async () => {
    await step("declare", (d) => d.declare(["invitee.created"], mode));
    expect(await step("create", (d) => d.up())).toBe(true);
    await step("declare new events", (d) => d.declare(["invitee.canceled", "invitee.created"], mode));
    await step("deletes fail", deletesFail(DELETE_GIVES_UP));
    expect(await step("replace fails at the delete", (d) => d.up())).toBe(false);
    const after = await snapshot(real);
    if (mode === "marked") {
      // The new one exists; the old one is still at Calendly and kept in the state as a pending delete.
      expect(after.calendly).toHaveLength(2);
      expect(after.pulumi.id).toBe("calendly#1");
      expect(after.pendingDeletes.map((p: { id: string }) => p.id)).toEqual(["calendly#0"]);
    } else {
      // Delete first: nothing was created, the old one stays as it was.
      expect(after.calendly).toHaveLength(1);
      expect(after.pulumi.id).toBe("calendly#0");
      expect(after.pendingDeletes).toEqual([]);
    }
    expect(await step("refresh keeps it", (d) => d.refresh())).toBe(true);
    expect(await step("the next up deletes it", (d) => d.up())).toBe(true);
    expect((await snapshot(real)).calendly).toHaveLength(1);
    expect(await step("nothing more to do", (d) => d.up())).toBe(true);

    // Again, and this time the old one goes out of band: refresh drops it from the state.
    await step("declare other events", (d) => d.declare(["invitee.created"], mode));
    await step("deletes fail again", deletesFail(DELETE_GIVES_UP));
    expect(await step("replace fails at the delete again", (d) => d.up())).toBe(false);
    await step("the old one deleted out of band", async (d) => {
      const [oldest, ...rest] = d.emulator.control.subscriptions();
      if (rest.length > 0) d.emulator.control.deleteSubscription(oldest!.uuid);
    });
    expect(await step("refresh drops it", (d) => d.refresh())).toBe(true);

    // And once more, then destroy deletes both.
    await step("declare new events once more", (d) => d.declare(["invitee.canceled"], mode));
    await step("deletes fail once more", deletesFail(DELETE_GIVES_UP));
    expect(await step("replace fails at the delete once more", (d) => d.up())).toBe(false);
    expect(await step("destroy deletes what is left", (d) => d.destroy())).toBe(true);
    expect((await snapshot(real)).calendly).toEqual([]);
  });
});
