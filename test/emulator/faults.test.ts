/**
 * Fault injection: every fault kind, the rule counters (times, skip), matching, and "apply then
 * drop" taking effect while the client only sees its connection die.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApiError } from "../../emulator/errors";
import { FaultPlan } from "../../emulator/faults";
import { type Json, orgSubscription, startTestEmulator, type TestEmulator } from "./helpers";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
});

/** The error a client sees when the connection dies, or a failure if it got an answer. */
async function socketError(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    const answer = await promise;
    throw new Error(`expected a socket error, got an answer: ${JSON.stringify(answer)}`);
  } catch (error) {
    const e = error as { code?: string; message: string };
    if (e.message.startsWith("expected a socket error")) throw error;
    return e;
  }
}

describe("status faults", () => {
  it("429 answers with rate-limit headers (Reset and Retry-After as scripted) and applies nothing", async () => {
    emu.control.injectFaults({
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "status", status: 429, resetSeconds: 7, retryAfterSeconds: 3 },
    });
    const res = await emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) });
    expect(res.status).toBe(429);
    expect(res.headers["x-ratelimit-remaining"]).toBe("0");
    expect(res.headers["x-ratelimit-reset"]).toBe("7");
    expect(res.headers["x-ratelimit-limit"]).toBe("500");
    expect(res.headers["retry-after"]).toBe("3");
    expect((res.json as Json).title).toBeTypeOf("string");
    expect(emu.control.subscriptions()).toEqual([]);
    // Spent: the next call goes through.
    expect((await emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) })).status).toBe(
      201,
    );
  });

  it.each([500, 503] as const)("%s answers Internal Server Error and applies nothing", async (status) => {
    emu.control.injectFaults({ match: { method: "POST" }, fault: { kind: "status", status } });
    const res = await emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) });
    expect(res.status).toBe(status);
    expect((res.json as Json).title).toBe("Internal Server Error");
    expect(emu.control.subscriptions()).toEqual([]);
    expect(emu.control.requests()[0]).toMatchObject({ status, fault: "status" });
  });
});

describe("latency", () => {
  it("delays the answer, then handles the request normally", async () => {
    emu.control.injectFaults({
      match: { path: "/webhook_subscriptions" },
      fault: { kind: "latency", ms: 300 },
    });
    const order: string[] = [];
    const slow = emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) }).then((res) => {
      order.push("slow");
      return res;
    });
    const fast = emu.api("GET", "/users/me").then(() => order.push("fast"));
    const [res] = await Promise.all([slow, fast]);
    expect(order).toEqual(["fast", "slow"]);
    expect(res.status).toBe(201);
    expect(emu.control.subscriptions()).toHaveLength(1);
    expect(emu.control.requests({ operation: "createWebhookSubscription" })[0]).toMatchObject({
      status: 201,
      fault: "latency",
    });
  });
});

describe("connection faults", () => {
  it("reset: the connection dies before the request has any effect", async () => {
    emu.control.injectFaults({
      match: { method: "POST", path: "/webhook_subscriptions" },
      fault: { kind: "reset" },
    });
    const error = await socketError(
      emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) }),
    );
    expect(error.code ?? error.message).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
    expect(emu.control.subscriptions()).toEqual([]);
    expect(emu.control.requests()[0]).toMatchObject({ status: null, fault: "reset" });
  });

  it("apply_then_drop on create: the subscription exists although the client saw a socket error", async () => {
    emu.control.injectFaults({ match: { method: "POST" }, fault: { kind: "apply_then_drop" } });
    const body = orgSubscription(emu);
    const error = await socketError(emu.api("POST", "/webhook_subscriptions", { body }));
    expect(error.code ?? error.message).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
    const subs = emu.control.subscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.callback_url).toBe(body.url);
    expect(emu.control.requests()[0]).toMatchObject({ status: 201, fault: "apply_then_drop" });
    // A client retrying the create now meets the 409 it must handle.
    expect((await emu.api("POST", "/webhook_subscriptions", { body })).status).toBe(409);
  });

  it("apply_then_drop on delete: the subscription is gone although the client saw a socket error", async () => {
    const created = await emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) });
    const uuid = ((created.json as Json).resource.uri as string).split("/").pop();
    emu.control.injectFaults({
      match: { method: "DELETE", path: "/webhook_subscriptions/*" },
      fault: { kind: "apply_then_drop" },
    });
    await socketError(emu.api("DELETE", `/webhook_subscriptions/${uuid}`));
    expect(emu.control.subscriptions()).toEqual([]);
    expect((await emu.api("DELETE", `/webhook_subscriptions/${uuid}`)).status).toBe(404);
  });
});

describe("rules", () => {
  it("skip lets the first matching requests through, times bounds how many get the fault", async () => {
    emu.control.injectFaults({
      match: { path: "/users/me" },
      fault: { kind: "status", status: 503 },
      skip: 1,
      times: 2,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await emu.api("GET", "/users/me")).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(emu.control.faults()).toEqual([]);
  });

  it("matches method and path, exactly or by a prefix ending in *", async () => {
    emu.control.injectFaults([
      {
        match: { method: "DELETE", path: "/webhook_subscriptions/*" },
        fault: { kind: "status", status: 500 },
        times: 5,
      },
      { match: { path: "/webhook_subscriptions" }, fault: { kind: "status", status: 503 }, times: 5 },
    ]);
    expect((await emu.api("GET", "/users/me")).status).toBe(200);
    expect((await emu.api("DELETE", "/webhook_subscriptions/abc")).status).toBe(500);
    expect((await emu.api("GET", "/webhook_subscriptions/abc")).status).toBe(404);
    expect(
      (
        await emu.api("GET", "/webhook_subscriptions", {
          query: { organization: emu.org, scope: "organization" },
        })
      ).status,
    ).toBe(503);
    expect(emu.control.faults().map((f) => f.remainingTimes)).toEqual([4, 4]);
  });

  it("clearFaults removes every rule", async () => {
    emu.control.injectFaults({ fault: { kind: "status", status: 500 }, times: 10 });
    emu.control.clearFaults();
    expect(emu.control.faults()).toEqual([]);
    expect((await emu.api("GET", "/users/me")).status).toBe(200);
  });

  it("refuses invalid rules with a 400 ApiError naming the problem", () => {
    for (const rule of [
      { fault: { kind: "status", status: 404 } },
      { fault: { kind: "latency" } },
      { fault: { kind: "explode" } },
      { fault: { kind: "reset" }, times: 0 },
      { match: { path: "no-slash" }, fault: { kind: "reset" } },
    ]) {
      let error: ApiError | undefined;
      try {
        // biome-ignore lint/suspicious/noExplicitAny: deliberately ill-typed input, as JSON from a test script could be.
        emu.control.injectFaults(rule as any);
      } catch (e) {
        error = e as ApiError;
      }
      expect(error?.status, JSON.stringify(rule)).toBe(400);
    }
    expect(emu.control.faults()).toEqual([]);
  });

  it("rules are plain data: a JSON round trip gives the same plan", () => {
    const rules = [
      {
        match: { method: "POST", path: "/webhook_subscriptions" },
        fault: { kind: "apply_then_drop" as const },
        skip: 2,
      },
      { fault: { kind: "status" as const, status: 429 as const, resetSeconds: 1 }, times: 3 },
    ];
    const a = new FaultPlan();
    const b = new FaultPlan();
    a.add(rules);
    b.add(JSON.parse(JSON.stringify(rules)));
    const sequence = (plan: FaultPlan) =>
      Array.from({ length: 6 }, () => plan.take("POST", "/webhook_subscriptions")?.kind ?? "none");
    const fromObjects = sequence(a);
    expect(fromObjects).toEqual(["status", "status", "apply_then_drop", "status", "none", "none"]);
    expect(sequence(b)).toEqual(fromObjects);
    expect(sequence(new FaultPlan())).toEqual(Array(6).fill("none"));
  });
});
