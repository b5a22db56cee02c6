/**
 * End to end on this machine: the Calendly emulator delivers signed webhooks to the local receiver
 * (the same handler as on Lambda, over HTTP), which forwards them through the real EventBridge SDK
 * client to the EventBridge stub.
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/server";
import type { CalendlyEventDetail } from "../../lambda/detail";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import { type LocalReceiver, startLocalReceiver } from "../../tools/local/receiver/server";
import { until } from "../support/until";

const SIGNING_KEY = "emulator-e2e-signing-key";
const TOKEN = "emu-owner-token";

let stubs: AwsStubs;
let receiver: LocalReceiver;
let emulator: Emulator;

interface Answer<T> {
  status: number;
  body: T;
}

async function calendly<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer<T>> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function subscribe(events: string[], signingKey: string | undefined): Promise<string> {
  const me = await calendly<{ resource: { current_organization: string } }>("/users/me");
  const created = await calendly<{ resource: { uri: string } }>("/webhook_subscriptions", {
    method: "POST",
    body: {
      url: receiver.url,
      events,
      organization: me.body.resource.current_organization,
      scope: "organization",
      ...(signingKey === undefined ? {} : { signing_key: signingKey }),
    },
  });
  expect(created.status).toBe(201);
  return created.body.resource.uri;
}

/** A local receiver forwarding within `deadlineMs`; the subscription must point at its URL. */
async function startReceiver(deadlineMs: number): Promise<LocalReceiver> {
  receiver = await startLocalReceiver({
    env: {
      ...stubs.env,
      CALENDLY_SIGNING_KEYS: SIGNING_KEY,
      EVENT_BUS_NAME: "calendly-e2e",
      DELIVERY_DEADLINE_MS: String(deadlineMs),
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
    },
  });
  return receiver;
}

beforeAll(async () => {
  stubs = await startAwsStubs();
  emulator = await startEmulator({
    delivery: { responseTimeoutMs: 10_000, retryInitialMs: 50, retryMaxMs: 200, retryWindowMs: 20_000 },
  });
});
afterAll(async () => {
  await emulator?.close();
  await stubs?.close();
});
beforeEach(async () => {
  await emulator.control.reset();
  stubs.eventBridge.reset();
});
afterEach(async () => {
  await receiver?.close();
});

describe("emulator → local receiver → EventBridge", () => {
  it("a signed event arrives once on the bus", async () => {
    await startReceiver(5000);
    await subscribe(["invitee.created", "invitee.canceled"], SIGNING_KEY);
    const fired = emulator.control.fireEvent({ event: "invitee.created" });
    expect(fired.matched).toHaveLength(1);
    await emulator.control.waitForDeliveries({ timeoutMs: 20_000 });

    const attempts = emulator.control.deliveries();
    expect(attempts.map((a) => [a.signed, a.status, a.outcome])).toEqual([[true, 200, "success"]]);
    expect(stubs.eventBridge.entries).toHaveLength(1);
    const { entry, detail } = stubs.eventBridge.entries[0]!;
    expect(entry).toMatchObject({
      EventBusName: "calendly-e2e",
      Source: "calendly",
      DetailType: "invitee.created",
    });
    expect(detail as CalendlyEventDetail).toMatchObject({
      event: "invitee.created",
      validation: "valid",
      createdAt: fired.envelope.created_at,
      payload: fired.envelope.payload,
    });
  });

  it("an EventBridge outage makes the emulator retry; after recovery the event arrives once", async () => {
    // A short deadline, so each attempt during the outage ends in a quick 503.
    await startReceiver(1000);
    await subscribe(["invitee.created"], SIGNING_KEY);
    stubs.eventBridge.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    emulator.control.fireEvent({ event: "invitee.created" });

    await until(() => emulator.control.deliveries({ outcome: "failure" }).length >= 2, 20_000);
    expect(stubs.eventBridge.entries).toHaveLength(0);
    stubs.eventBridge.clearFaults();
    await emulator.control.waitForDeliveries({ timeoutMs: 20_000 });

    const attempts = emulator.control.deliveries();
    expect(attempts.filter((a) => a.outcome === "failure").every((a) => a.status === 503)).toBe(true);
    expect(attempts.at(-1)).toMatchObject({ status: 200, outcome: "success" });
    expect(stubs.eventBridge.entries).toHaveLength(1);
    // Every attempt carried the same body, so consumers could de-duplicate on the id anyway.
    expect(stubs.eventBridge.requests.length).toBeGreaterThan(1);
  });

  it("a subscription signing with another key gets 401s and nothing reaches the bus", async () => {
    await startReceiver(5000);
    await subscribe(["invitee.created"], "some-other-key");
    emulator.control.fireEvent({ event: "invitee.created" });
    await until(() => emulator.control.deliveries({ outcome: "failure" }).length >= 2, 20_000);
    expect(emulator.control.deliveries().every((a) => a.status === 401)).toBe(true);
    expect(stubs.eventBridge.requests).toHaveLength(0);
  });
});
