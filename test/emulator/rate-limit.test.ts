/**
 * Per-user rate limits: the three X-RateLimit-* headers on every answer to a known token, Reset in
 * seconds (not an epoch), 429 past the budget, and the window rolling over (with a fake clock).
 */
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

  it("sends no rate-limit headers to an unknown token (there is no user to count)", async () => {
    const res = await emu.api("GET", "/users/me", { token: "nobody-knows-this" });
    expect(res.status).toBe(401);
    expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
  });

  it("control API calls do not count", async () => {
    const before = limitHeaders(await emu.api("GET", "/users/me"));
    for (let i = 0; i < 3; i++) await emu.api("GET", "/__emulator/subscriptions", { token: null });
    const after = limitHeaders(await emu.api("GET", "/users/me"));
    expect(after.remaining).toBe(before.remaining - 1);
  });
});

describe("over the limit", () => {
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
