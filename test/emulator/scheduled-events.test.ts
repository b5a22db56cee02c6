/**
 * `GET /scheduled_events/{uuid}` and `GET /scheduled_events/{uuid}/invitees/{uuid}`: what a delivery
 * told about can be fetched afterwards and agrees with it, then the rules (scope, 404, host or
 * admin, 401, rate limits) in the order they are checked.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  type Json,
  orgSubscription,
  type Receiver,
  seedWithScopedTokens,
  startReceiver,
  startTestEmulator,
  type TestEmulator,
} from "./helpers";

let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await startTestEmulator();
  receiver = await startReceiver();
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(async () => {
  await emu.control.reset();
  receiver.received.length = 0;
});

/** The path of a URI minted by the emulator. */
function pathOf(uri: string): string {
  return uri.slice(emu.url.length);
}

/** Fires `event` and returns the payload as the receiver got it (the bytes on the wire, parsed). */
async function deliver(event: string, trigger: Record<string, unknown> = {}): Promise<Json> {
  const before = receiver.received.length;
  emu.control.fireEvent({ event, ...trigger });
  await emu.control.waitForDeliveries({ timeoutMs: 5_000 });
  expect(receiver.received.length).toBe(before + 1);
  return JSON.parse(receiver.received.at(-1)!.raw.toString("utf8")).payload;
}

describe("a delivered invitee can be fetched afterwards", () => {
  beforeEach(async () => {
    const created = await emu.api("POST", "/webhook_subscriptions", {
      body: orgSubscription(emu, {
        url: receiver.url,
        events: ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"],
      }),
    });
    expect(created.status).toBe(201);
  });

  it.each(["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"])(
    "%s: the invitee is the payload without scheduled_event, the event is scheduled_event",
    async (event) => {
      const payload = await deliver(event);
      const { scheduled_event: scheduledEvent, ...invitee } = payload;

      const gotInvitee = await emu.api("GET", pathOf(payload.uri));
      expect(gotInvitee.status).toBe(200);
      expect(gotInvitee.json).toEqual({ resource: invitee });
      expect((gotInvitee.json as Json).resource.event).toBe(scheduledEvent.uri);

      const gotEvent = await emu.api("GET", pathOf(invitee.event));
      expect(gotEvent.status).toBe(200);
      expect(gotEvent.json).toEqual({ resource: scheduledEvent });
      expect((gotEvent.json as Json).resource.status).toBe(
        event === "invitee.canceled" ? "canceled" : "active",
      );
    },
  );

  it("the meeting's host is the event's seeded user, by name and email", async () => {
    const payload = await deliver("invitee.created", { user: emu.users.admin });
    const event = await emu.api("GET", pathOf(payload.event));
    expect((event.json as Json).resource.event_memberships).toEqual([
      { user: emu.users.admin, user_email: "adam@acme.example", user_name: "Adam Admin" },
    ]);
  });

  it("a later event about the same invitee replaces it: a GET shows the latest status", async () => {
    const created = await deliver("invitee.created");
    const canceledAt = "2026-11-30T09:00:00.000000Z";
    const cancellation = {
      canceled_by: "Grace Hopper",
      reason: "Moved",
      canceler_type: "invitee",
      created_at: canceledAt,
    };
    const canceled = {
      ...created,
      status: "canceled",
      updated_at: canceledAt,
      cancellation,
      scheduled_event: { ...created.scheduled_event, status: "canceled", cancellation },
    };
    await deliver("invitee.canceled", { payload: canceled });
    const invitee = await emu.api("GET", pathOf(created.uri));
    expect((invitee.json as Json).resource).toMatchObject({ status: "canceled", cancellation });
    const event = await emu.api("GET", pathOf(created.event));
    expect((event.json as Json).resource).toMatchObject({ status: "canceled", cancellation });
  });

  it("is kept even when no subscription heard of it, and forgotten by a reset", async () => {
    await emu.control.reset(); // no subscription at all
    const fired = emu.control.fireEvent({ event: "invitee.created", user: emu.users.member });
    expect(fired.matched).toEqual([]);
    const uri = String(fired.envelope.payload.uri);
    expect((await emu.api("GET", pathOf(uri))).status).toBe(200);
    await emu.control.reset();
    expect((await emu.api("GET", pathOf(uri))).status).toBe(404);
  });

  it("only invitee events leave an invitee; a custom payload naming other URIs leaves nothing", async () => {
    const recap = emu.control.fireEvent({ event: "meeting_recap.created", user: emu.users.owner });
    expect((await emu.api("GET", pathOf(String(recap.envelope.payload.event)))).status).toBe(404);
    const foreign = await deliver("invitee.created", {
      payload: { uri: "https://api.calendly.com/scheduled_events/E1/invitees/I1", email: "x@example.com" },
    });
    expect(foreign.uri).toBe("https://api.calendly.com/scheduled_events/E1/invitees/I1");
    expect((await emu.api("GET", "/scheduled_events/E1/invitees/I1")).status).toBe(404);
    expect((await emu.api("GET", "/scheduled_events/E1")).status).toBe(404);
  });
});

describe("rules", () => {
  let invitee: string;
  let event: string;
  beforeEach(() => {
    // The owner's booking; Mia (a member) hosts none of it.
    const fired = emu.control.fireEvent({ event: "invitee.created", user: emu.users.owner });
    invitee = pathOf(String(fired.envelope.payload.uri));
    event = pathOf(String((fired.envelope.payload.scheduled_event as Json).uri));
  });

  it("an OAuth token needs scheduled_events:read, which scheduled_events:write includes", async () => {
    const seed = seedWithScopedTokens({
      "webhooks-only": ["webhooks:write"],
      "events-write": ["scheduled_events:write"],
    });
    const other = await startTestEmulator({ seed });
    try {
      const fired = other.control.fireEvent({ event: "invitee.created" });
      const uri = String(fired.envelope.payload.uri);
      const paths = [uri.slice(other.url.length), uri.slice(other.url.length).replace(/\/invitees\/.*$/, "")];
      for (const path of paths) {
        const lacking = await call(other.url, "GET", path, { token: "webhooks-only" });
        expect(lacking.status).toBe(403);
        expect(lacking.json).toMatchObject({
          title: "Insufficient scope",
          required_scopes: ["scheduled_events:read"],
        });
        expect((await call(other.url, "GET", path, { token: other.tokens.oauth })).status).toBe(200);
        expect((await call(other.url, "GET", path, { token: "events-write" })).status).toBe(200);
      }
      // Scope comes before existence: a token without it learns nothing about ids.
      const unknown = await call(other.url, "GET", "/scheduled_events/nope", { token: "webhooks-only" });
      expect(unknown.status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it("404 for an unknown id, an invitee under another event, and another organization's booking", async () => {
    for (const path of [
      "/scheduled_events/00000000-0000-4000-8000-000000000000",
      "/scheduled_events/00000000-0000-4000-8000-000000000000/invitees/00000000-0000-4000-8000-000000000000",
      invitee.replace(
        /\/scheduled_events\/[^/]+\//,
        "/scheduled_events/00000000-0000-4000-8000-000000000000/",
      ),
      "/scheduled_events/%E0%A4%A",
    ]) {
      const res = await emu.api("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.json).toEqual({
        title: "Resource Not Found",
        message: "The server could not find the requested resource.",
      });
    }
    for (const path of [invitee, event]) {
      expect((await emu.api("GET", path, { token: emu.tokens.free })).status).toBe(404);
    }
  });

  it("a member sees the events it hosts (403 otherwise); owners and admins see every one", async () => {
    for (const [path, message] of [
      [invitee, "You do not have permission to view this event"],
      [event, "You are not allowed to view this event"],
    ] as const) {
      const denied = await emu.api("GET", path, { token: emu.tokens.member });
      expect(denied.status).toBe(403);
      expect(denied.json).toEqual({ title: "Permission Denied", message });
      expect((await emu.api("GET", path, { token: emu.tokens.admin })).status).toBe(200);
    }
    const own = emu.control.fireEvent({ event: "invitee.created", user: emu.users.member });
    const ownUri = String(own.envelope.payload.uri);
    expect((await emu.api("GET", pathOf(ownUri), { token: emu.tokens.member })).status).toBe(200);
  });

  it("401 without a valid token; only GET is answered; a trailing slash is fine", async () => {
    expect((await emu.api("GET", invitee, { token: null })).status).toBe(401);
    expect((await emu.api("GET", event, { token: emu.tokens.expired })).json).toMatchObject({
      title: "Unauthenticated",
      message: "The access token expired",
    });
    expect((await emu.api("DELETE", invitee)).status).toBe(404);
    expect((await emu.api("POST", event, { body: {} })).status).toBe(404);
    expect((await emu.api("GET", `${invitee}/`)).status).toBe(200);
  });

  it("is recorded by operation", async () => {
    await emu.api("GET", invitee);
    await emu.api("GET", event);
    await emu.api("GET", event, { token: emu.tokens.member });
    expect(emu.control.requestCount({ operation: "getInvitee" })).toBe(1);
    expect(emu.control.requestCount({ operation: "getScheduledEvent" })).toBe(2);
    expect(emu.control.requests({ operation: "getScheduledEvent", status: 403 })).toHaveLength(1);
  });
});

describe("rate limits", () => {
  let limited: TestEmulator;
  afterEach(async () => {
    await limited?.close();
  });

  it("count toward the user's budget, carry the headers, and answer 429 beyond it", async () => {
    limited = await startTestEmulator({ rateLimits: { paid: 3 } });
    const fired = limited.control.fireEvent({ event: "invitee.created" });
    const uri = String(fired.envelope.payload.uri);
    const path = uri.slice(limited.url.length);
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await limited.api("GET", i % 2 === 0 ? path : path.replace(/\/invitees\/.*$/, "")));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers["x-ratelimit-remaining"])).toEqual(["2", "1", "0", "0"]);
    for (const answer of answers) {
      expect(answer.headers["x-ratelimit-limit"]).toBe("3");
      expect(Number(answer.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(1);
    }
  });
});
