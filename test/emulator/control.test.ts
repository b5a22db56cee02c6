/**
 * The control API over HTTP (`/__emulator/...`): the same operations as `EmulatorControl`, as a
 * shell script or another process would use them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isLoopback } from "../../emulator/control";
import {
  type Json,
  orgSubscription,
  type Receiver,
  startReceiver,
  startTestEmulator,
  type TestEmulator,
} from "./helpers";

let emu: TestEmulator;
let receiver: Receiver;
beforeAll(async () => {
  emu = await startTestEmulator({ delivery: { retryInitialMs: 10, retryMaxMs: 20, retryWindowMs: 200 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
  receiver.received.length = 0;
  receiver.reply = () => ({ status: 200 });
});

const control = (method: string, path: string, body?: unknown) =>
  emu.api(method, `/__emulator${path}`, { token: null, body });

async function subscribe(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await emu.api("POST", "/webhook_subscriptions", {
    body: orgSubscription(emu, { url: receiver.url, signing_key: "k3y-value", ...overrides }),
  });
  return ((res.json as Json).resource.uri as string).split("/").pop()!;
}

describe("control API over HTTP", () => {
  it("GET /__emulator lists the endpoints", async () => {
    const res = await control("GET", "");
    expect(res.status).toBe(200);
    expect((res.json as Json).endpoints.join("\n")).toContain("POST   /__emulator/events");
  });

  it("GET /__emulator/seed shows organizations, users, groups and token grants without token values", async () => {
    const res = await control("GET", "/seed");
    const seed = res.json as Json;
    expect(seed.users.map((u: Json) => u.uri)).toContain(emu.users.member);
    expect(seed.tokens.length).toBeGreaterThanOrEqual(3);
    for (const value of Object.values(emu.tokens)) expect(res.text).not.toContain(value);
  });

  it("POST /__emulator/events fires an event and GET /__emulator/deliveries?wait waits for it", async () => {
    const uuid = await subscribe();
    const fired = await control("POST", "/events", { event: "invitee.canceled", user: emu.users.member });
    expect(fired.status).toBe(202);
    expect((fired.json as Json).resource).toMatchObject({
      event: "invitee.canceled",
      user: emu.users.member,
      matched: [uuid],
    });
    const deliveries = await control("GET", "/deliveries?wait=5");
    expect((deliveries.json as Json).pending).toBe(0);
    expect((deliveries.json as Json).collection).toMatchObject([
      { subscription: uuid, outcome: "success", status: 200 },
    ]);
    expect(receiver.received).toHaveLength(1);
  });

  it("POST /__emulator/events answers 400 for a bad trigger", async () => {
    for (const body of [
      { event: "invitee.cancelled" },
      { event: 3 },
      "not json",
      { event: "invitee.created", extra: 1 },
    ]) {
      const res = await control("POST", "/events", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.json as Json).title).toBe("Invalid Argument");
    }
  });

  it("GET /__emulator/subscriptions shows has_signing_key, never the key", async () => {
    await subscribe();
    await subscribe({ signing_key: undefined, url: `${receiver.url}/unsigned` });
    const res = await control("GET", "/subscriptions");
    expect((res.json as Json).collection.map((s: Json) => s.has_signing_key)).toEqual([true, false]);
    expect(res.text).not.toContain("k3y-value");
  });

  it("POST /__emulator/subscriptions/{uuid}/disable causes drift the Calendly API shows", async () => {
    const uuid = await subscribe();
    const res = await control("POST", `/subscriptions/${uuid}/disable`);
    expect(res.status).toBe(200);
    expect((res.json as Json).resource.state).toBe("disabled");
    expect(((await emu.api("GET", `/webhook_subscriptions/${uuid}`)).json as Json).resource.state).toBe(
      "disabled",
    );
    expect((await control("POST", "/subscriptions/nope/disable")).status).toBe(404);
  });

  it("DELETE /__emulator/subscriptions/{uuid} deletes out of band", async () => {
    const uuid = await subscribe();
    expect((await control("DELETE", `/subscriptions/${uuid}`)).status).toBe(204);
    expect((await emu.api("GET", `/webhook_subscriptions/${uuid}`)).status).toBe(404);
    expect((await control("DELETE", `/subscriptions/${uuid}`)).status).toBe(404);
  });

  it("POST, GET and DELETE /__emulator/faults script faults", async () => {
    const added = await control("POST", "/faults", [
      { match: { path: "/users/me" }, fault: { kind: "status", status: 503 }, times: 2 },
    ]);
    expect(added.status).toBe(201);
    expect((await emu.api("GET", "/users/me")).status).toBe(503);
    expect(((await control("GET", "/faults")).json as Json).collection).toMatchObject([
      { remainingTimes: 1 },
    ]);
    expect((await control("DELETE", "/faults")).status).toBe(204);
    expect((await emu.api("GET", "/users/me")).status).toBe(200);
    const bad = await control("POST", "/faults", { fault: { kind: "status", status: 418 } });
    expect(bad.status).toBe(400);
  });

  it("GET /__emulator/requests lists Calendly calls (filterable), not control calls", async () => {
    await emu.api("GET", "/users/me");
    await emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) });
    await control("GET", "/subscriptions");
    const all = (await control("GET", "/requests")).json as Json;
    expect(all.collection.map((r: Json) => r.operation)).toEqual([
      "getCurrentUser",
      "createWebhookSubscription",
    ]);
    const creates = (await control("GET", "/requests?operation=createWebhookSubscription")).json as Json;
    expect(creates.collection).toHaveLength(1);
    expect(creates.collection[0]).toMatchObject({
      method: "POST",
      path: "/webhook_subscriptions",
      status: 201,
      user: emu.users.owner,
    });
    expect((await control("GET", "/requests?operation=bogus")).status).toBe(400);
  });

  it("POST /__emulator/reset returns to the seed", async () => {
    await subscribe();
    await control("POST", "/faults", { fault: { kind: "latency", ms: 1 }, times: 9 });
    expect((await control("POST", "/reset")).status).toBe(204);
    expect(emu.control.subscriptions()).toEqual([]);
    expect(emu.control.requests()).toEqual([]);
    expect(emu.control.faults()).toEqual([]);
  });

  it("unknown control paths are 404s", async () => {
    expect((await control("GET", "/nothing")).status).toBe(404);
    expect((await control("PUT", "/faults")).status).toBe(404);
  });
});

describe("programmatic control", () => {
  it("requestCount counts Calendly calls per operation", async () => {
    await emu.api("GET", "/users/me");
    await emu.api("GET", "/users/me", { token: emu.tokens.member });
    await emu.api("POST", "/webhook_subscriptions", { body: {} });
    expect(emu.control.requestCount()).toBe(3);
    expect(emu.control.requestCount({ operation: "getCurrentUser" })).toBe(2);
    expect(emu.control.requestCount({ operation: "createWebhookSubscription", status: 400 })).toBe(1);
    expect(emu.control.requestCount({ user: emu.users.member })).toBe(1);
    expect(emu.control.requestCount({ path: "/users/*" })).toBe(2);
  });
});

describe("loopback only", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["10.0.0.5", false],
    ["::ffff:192.168.1.2", false],
    [undefined, false],
  ])("isLoopback(%s) is %s", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
