/**
 * Per-user rate limits: the three X-RateLimit-* headers on every answer (API.md: "Every response
 * carries" them; requests without a known token count per client address), Reset in seconds (not
 * an epoch), 429 past the budget, and the window rolling over (with a fake clock).
 */
import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RateLimiter } from "../../emulator/rate-limit";
import { type ApiAnswer, type Json, orgSubscription, startTestEmulator, type TestEmulator } from "./helpers";

function limitHeaders(res: ApiAnswer) {
  return {
    limit: Number(res.headers["x-ratelimit-limit"]),
    remaining: Number(res.headers["x-ratelimit-remaining"]),
    reset: Number(res.headers["x-ratelimit-reset"]),
  };
}

describe("headers with the default limits", () => {
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

  it("every answer to a known token carries the three headers: 200, 201, 204, 400, 401, 403, 404, 409", async () => {
    const body = orgSubscription(emu);
    const created = await emu.api("POST", "/webhook_subscriptions", { body });
    const uuid = ((created.json as Json).resource.uri as string).split("/").pop();
    const answers = [
      await emu.api("GET", "/users/me"),
      created,
      await emu.api("DELETE", `/webhook_subscriptions/${uuid}`),
      await emu.api("POST", "/webhook_subscriptions", { body: {} }),
      await emu.api("GET", "/users/me", { token: emu.tokens.expired }),
      await emu.api("POST", "/webhook_subscriptions", {
        token: emu.tokens.member,
        body: orgSubscription(emu),
      }),
      await emu.api("GET", "/nowhere"),
      await emu.api("POST", "/webhook_subscriptions", { body: { ...body, url: "http://127.0.0.1:9/dup" } }),
      await emu.api("POST", "/webhook_subscriptions", { body: { ...body, url: "http://127.0.0.1:9/dup" } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 201, 204, 400, 401, 403, 404, 201, 409]);
    for (const res of answers) {
      expect(res.headers["x-ratelimit-limit"], `status ${res.status}`).toMatch(/^\d+$/);
      expect(res.headers["x-ratelimit-remaining"], `status ${res.status}`).toMatch(/^\d+$/);
      expect(res.headers["x-ratelimit-reset"], `status ${res.status}`).toMatch(/^\d+$/);
    }
  });

  it("Limit is 500 on a paid plan, 50 on Free; Remaining counts down; Reset is seconds, not an epoch", async () => {
    const first = limitHeaders(await emu.api("GET", "/users/me"));
    const second = limitHeaders(await emu.api("GET", "/users/me"));
    expect(first.limit).toBe(500);
    expect(second.remaining).toBe(first.remaining - 1);
    expect(first.reset).toBeGreaterThanOrEqual(1);
    expect(first.reset).toBeLessThanOrEqual(60);
    const free = limitHeaders(await emu.api("GET", "/users/me", { token: emu.tokens.free }));
    expect(free).toMatchObject({ limit: 50, remaining: 49 });
  });

  it("counts per user: tokens of one user share a budget, other users have their own", async () => {
    const owner = limitHeaders(await emu.api("GET", "/users/me", { token: emu.tokens.owner }));
    const sameUser = limitHeaders(await emu.api("GET", "/users/me", { token: emu.tokens.oauth }));
    const member = limitHeaders(await emu.api("GET", "/users/me", { token: emu.tokens.member }));
    expect(sameUser.remaining).toBe(owner.remaining - 1);
    expect(member.remaining).toBe(499);
  });

  it("answers without a known token carry the headers too, counted per client address (401, 400, faults)", async () => {
    const unknown = await emu.api("GET", "/users/me", { token: "nobody-knows-this" });
    const none = await emu.api("GET", "/users/me", { token: null });
    expect([unknown.status, none.status]).toEqual([401, 401]);
    expect(limitHeaders(unknown)).toMatchObject({ limit: 500, remaining: 499 });
    expect(limitHeaders(none)).toMatchObject({ limit: 500, remaining: 498 });
    emu.control.injectFaults({ fault: { kind: "status", status: 503 } });
    const fault = await emu.api("GET", "/users/me", { token: null });
    expect(fault.status).toBe(503);
    expect(limitHeaders(fault)).toMatchObject({ limit: 500, remaining: 498 });
    const tooLarge = await emu.api("POST", "/webhook_subscriptions", {
      token: null,
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(400);
    expect(limitHeaders(tooLarge).limit).toBe(500);
  });

  it("a malformed HTTP request's 400 carries them as well", async () => {
    const url = new URL(emu.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("utf8");
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toMatch(/\r\nX-RateLimit-Limit: 500\r\n/);
    expect(raw).toMatch(/\r\nX-RateLimit-Reset: \d+\r\n/);
  });

  it("control API calls do not count", async () => {
    const before = limitHeaders(await emu.api("GET", "/users/me"));
    for (let i = 0; i < 3; i++) await emu.api("GET", "/__emulator/subscriptions", { token: null });
    const after = limitHeaders(await emu.api("GET", "/users/me"));
    expect(after.remaining).toBe(before.remaining - 1);
  });
});

describe("over the limit", () => {
  it("counts requests without a known token too: 429 past the budget, before the 401", async () => {
    const emu = await startTestEmulator({ rateLimits: { paid: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await emu.api("GET", "/users/me", { token: "guess" })).status);
      expect(statuses).toEqual([401, 401, 429]);
      // The owner's own budget is untouched.
      expect((await emu.api("GET", "/users/me")).status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it("answers 429 after the configured budget, applies nothing, and sends no Retry-After by default", async () => {
    const emu = await startTestEmulator({ rateLimits: { paid: 3, free: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await emu.api("GET", "/users/me")).status);
      const limited = await emu.api("POST", "/webhook_subscriptions", { body: orgSubscription(emu) });
      expect([...statuses, limited.status]).toEqual([200, 200, 200, 429]);
      expect(limitHeaders(limited)).toMatchObject({ limit: 3, remaining: 0 });
      expect(limitHeaders(limited).reset).toBeGreaterThanOrEqual(1);
      expect(limitHeaders(limited).reset).toBeLessThanOrEqual(60);
      expect(limited.headers["retry-after"]).toBeUndefined();
      expect((limited.json as Json).title).toBe("Too Many Requests");
      expect(emu.control.subscriptions()).toEqual([]);
      // The Free plan has its own, smaller budget; another user is unaffected.
      expect((await emu.api("GET", "/users/me", { token: emu.tokens.free })).status).toBe(200);
      expect((await emu.api("GET", "/users/me", { token: emu.tokens.free })).status).toBe(200);
      expect((await emu.api("GET", "/users/me", { token: emu.tokens.free })).status).toBe(429);
      expect((await emu.api("GET", "/users/me", { token: emu.tokens.member })).status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it("sends Retry-After (equal to Reset) when retryAfterOn429 is set", async () => {
    const emu = await startTestEmulator({ rateLimits: { paid: 1 }, retryAfterOn429: true });
    try {
      await emu.api("GET", "/users/me");
      const limited = await emu.api("GET", "/users/me");
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBe(limited.headers["x-ratelimit-reset"]);
    } finally {
      await emu.close();
    }
  });
});

describe("RateLimiter window (fake clock)", () => {
  it("opens a new window after windowSeconds and counts Reset down", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ paid: 2, free: 1, windowSeconds: 60 }, () => now);
    expect(limiter.take("u", "paid")).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 60 });
    now += 10_500;
    expect(limiter.take("u", "paid")).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 50 });
    expect(limiter.take("u", "paid")).toMatchObject({ allowed: false, remaining: 0 });
    now += 49_499;
    expect(limiter.take("u", "paid")).toMatchObject({ allowed: false, resetSeconds: 1 });
    now += 1;
    expect(limiter.take("u", "paid")).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 60 });
  });

  it("peek reports without counting", () => {
    const limiter = new RateLimiter({ paid: 5, free: 1, windowSeconds: 60 }, () => 0);
    limiter.take("u", "paid");
    expect(limiter.peek("u", "paid")).toMatchObject({ remaining: 4 });
    expect(limiter.peek("u", "paid")).toMatchObject({ remaining: 4 });
  });
});
