/**
 * Scenario 1, lifecycle, through the real Pulumi CLI: `up` creates; a second preview expects no
 * changes and makes no Calendly call; a change of events previews as a replacement of `events` and
 * `up` leaves exactly one subscription with the new events; `destroy` leaves none at Calendly and
 * none in state.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { startEngineEmulator } from "./support/emulator";
import { resourcesOfType, type Workspace } from "./support/pulumi";
import { emulatorWorkspace } from "./support/scenario";

const URL = "https://receiver.example.com/calendly/webhooks?subscription=bookings";

let emulator: Emulator;
let ws: Workspace;

async function declare(events: string[]) {
  await ws.setConfig("subscriptions", JSON.stringify([{ name: "bookings", url: URL, events }]));
}

beforeAll(async () => {
  emulator = await startEngineEmulator();
  ws = await emulatorWorkspace(emulator, "lifecycle");
  await declare(["invitee.created"]);
});

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
});

describe("lifecycle through the real engine", () => {
  it("up creates the subscription at Calendly and records it in state", async () => {
    await ws.up();
    const subs = emulator.control.subscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ callback_url: URL, events: ["invitee.created"], state: "active" });
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.id).toBe(subs[0]!.uuid);
    expect((await ws.outputs()).uris).toEqual({ bookings: subs[0]!.uri });
  });

  it("a second preview expects no changes and calls Calendly not once", async () => {
    const before = emulator.control.requestCount();
    const result = await ws.preview(["--expect-no-changes", "--diff"]);
    expect(result.code).toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("a change of events previews as a replacement of events, and up leaves exactly one subscription", async () => {
    const old = emulator.control.subscriptions()[0]!;
    await declare(["invitee.canceled", "invitee.created"]);
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--diff"]);
    expect(emulator.control.requestCount()).toBe(before);
    expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/calendly:WebhookSubscription: \(replace\)/);
    expect(preview.stdout).toMatch(/~ events\s*: \[/);
    expect(preview.stdout).toMatch(/~ \[0\]: "invitee\.created" => "invitee\.canceled"/);

    await ws.up();
    const subs = emulator.control.subscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.uuid).not.toBe(old.uuid);
    expect(subs[0]!.events).toEqual(["invitee.canceled", "invitee.created"]);
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.id).toBe(subs[0]!.uuid);
  });

  it("destroy leaves none at Calendly and none in state", async () => {
    await ws.destroy();
    expect(emulator.control.subscriptions()).toHaveLength(0);
    expect(resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE)).toHaveLength(0);
  });
});
