/** The client against the emulator over real HTTP: every call, pagination, errors and rate limits. */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CalendlyClient,
  createCalendlyClient,
  isConflict,
  isNotFound,
  isPermissionDenied,
  isUnauthenticated,
} from "../../calendly";
import { type Emulator, startEmulator } from "../../emulator/server";

let emulator: Emulator;
let owner: CalendlyClient;
const sleeps: number[] = [];

beforeAll(async () => {
  // A tiny window for the Free plan so the rate limit is reached in a few calls.
  emulator = await startEmulator({ rateLimits: { free: 3, windowSeconds: 2 } });
  owner = createCalendlyClient({ token: "emu-owner-token", baseUrl: emulator.url });
});

afterAll(async () => {
  await owner.close();
  await emulator.close();
});

describe("client ⇄ emulator", () => {
  it("walks the whole life of a subscription", async () => {
    const me = await owner.getCurrentUser();
    expect(me.uri).toMatch(new RegExp(`^${emulator.url}/users/[0-9a-f-]{36}$`));
    expect(me.currentOrganization).toMatch(new RegExp(`^${emulator.url}/organizations/`));

    const created = await owner.createWebhookSubscription({
      url: "https://hooks.example.com/life",
      events: ["invitee.created", "invitee.canceled"],
      scope: "user",
      organization: me.currentOrganization,
      user: me.uri,
      signingKey: "life-signing-key-0123456789",
    });
    expect(created).toMatchObject({
      callbackUrl: "https://hooks.example.com/life",
      state: "active",
      scope: "user",
      organization: me.currentOrganization,
      user: me.uri,
      group: null,
      creator: me.uri,
      retryStartedAt: null,
    });
    expect(await owner.getWebhookSubscription(created.uri)).toEqual(created);

    const duplicate = await owner
      .createWebhookSubscription({
        url: "https://hooks.example.com/life",
        events: ["invitee.created"],
        scope: "user",
        organization: me.currentOrganization,
        user: me.uri,
      })
      .catch((e) => e);
    expect(isConflict(duplicate)).toBe(true);
    expect(duplicate.title).toBe("Already Exists");

    await owner.deleteWebhookSubscription(created.uri);
    expect(isNotFound(await owner.getWebhookSubscription(created.uri).catch((e) => e))).toBe(true);
    expect(isNotFound(await owner.deleteWebhookSubscription(created.uri).catch((e) => e))).toBe(true);
  });

  it("follows cursor pagination across pages", async () => {
    const me = await owner.getCurrentUser();
    const uris: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sub = await owner.createWebhookSubscription({
        url: `https://hooks.example.com/page-${i}`,
        events: ["invitee.created"],
        scope: "user",
        organization: me.currentOrganization,
        user: me.uri,
      });
      uris.push(sub.uri);
    }
    const query = { organization: me.currentOrganization, scope: "user" as const, user: me.uri, count: 2 };
    const first = await owner.listWebhookSubscriptionPage(query);
    expect(first.subscriptions).toHaveLength(2);
    expect(first.nextPageToken).not.toBeNull();
    const before = emulator.control.requestCount({ operation: "listWebhookSubscriptions" });
    const all: string[] = [];
    for await (const sub of owner.listWebhookSubscriptions(query)) all.push(sub.uri);
    expect(all.sort()).toEqual([...uris].sort());
    expect(emulator.control.requestCount({ operation: "listWebhookSubscriptions" }) - before).toBe(3);
    for (const uri of uris) await owner.deleteWebhookSubscription(uri);
  });

  it("reads sample webhook data as a bare envelope", async () => {
    const me = await owner.getCurrentUser();
    const envelope = await owner.getSampleWebhookData({
      event: "invitee.canceled",
      organization: me.currentOrganization,
      scope: "user",
      user: me.uri,
    });
    expect(envelope.event).toBe("invitee.canceled");
    expect(envelope.payload).toHaveProperty("cancellation");
  });

  it("fetches a fired event's invitee by its payload URI, and its scheduled event, as delivered", async () => {
    const fired = emulator.control.fireEvent({ event: "invitee.canceled" });
    const { scheduled_event: scheduledEvent, ...payload } = fired.envelope.payload;
    const invitee = await owner.getInvitee(String(payload.uri));
    expect(invitee.raw).toEqual(payload);
    expect(invitee).toMatchObject({ status: "canceled", email: "grace@example.com", rescheduled: false });
    expect(invitee.cancellation).toMatchObject({ cancelerType: "invitee", reason: "Something came up" });
    const event = await owner.getScheduledEvent(invitee.event);
    expect(event.raw).toEqual(scheduledEvent);
    expect(event).toMatchObject({ status: "canceled", location: { type: "google_conference" } });
    const [eventUuid, inviteeUuid] = [invitee.event, invitee.uri].map((u) => u.slice(u.lastIndexOf("/") + 1));
    expect((await owner.getInvitee(eventUuid!, inviteeUuid!)).raw).toEqual(payload);
    expect(isNotFound(await owner.getInvitee(eventUuid!, "no-such-invitee").catch((e) => e))).toBe(true);
  });

  it("turns the emulator's 401 and 403 into typed errors", async () => {
    const bad = createCalendlyClient({ token: "not-a-token", baseUrl: emulator.url });
    expect(isUnauthenticated(await bad.getCurrentUser().catch((e) => e))).toBe(true);
    await bad.close();

    const member = createCalendlyClient({ token: "emu-member-token", baseUrl: emulator.url });
    const me = await member.getCurrentUser();
    const denied = await member
      .createWebhookSubscription({
        url: "https://hooks.example.com/org",
        events: ["invitee.created"],
        scope: "organization",
        organization: me.currentOrganization,
      })
      .catch((e) => e);
    expect(isPermissionDenied(denied)).toBe(true);
    await member.close();
  });

  it("waits out a real rate-limit window using X-RateLimit-Reset", async () => {
    const free = createCalendlyClient({
      token: "emu-free-token",
      baseUrl: emulator.url,
      sleep: (ms) => {
        sleeps.push(ms);
        return sleep(ms);
      },
    });
    for (let i = 0; i < 4; i++) await free.getCurrentUser();
    await free.close();
    // The 4th call met a 429 and waited the window's reset (1-2 s) plus a little jitter.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1_000);
    expect(sleeps[0]).toBeLessThanOrEqual(2_300);
    expect(emulator.control.requests({ status: 429 })).toHaveLength(1);
  });
});
