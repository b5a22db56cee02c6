/**
 * Webhook delivery: signed POSTs to every matching active subscription, retries with back-off on
 * any non-2xx answer or timeout, a retry window per message after which the subscription is
 * disabled, `retry_started_at` as history, deletion on 410.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { calendlyTime, SIGNATURE_HEADER, verifySignature } from "../../calendly";
import { bookingEndMs, retryDeadlineMs } from "../../emulator/delivery";
import type { ApiError } from "../../emulator/errors";
import {
  nextRetryStartedAt,
  RETRY_STARTED_AT_READINGS,
  type RetryStartedAtReading,
} from "../../emulator/retry-started-at";
import {
  type Json,
  orgSubscription,
  type Receiver,
  startReceiver,
  startTestEmulator,
  type TestEmulator,
  until,
} from "./helpers";

const KEY = "whsec-test-signing-key";
let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await startTestEmulator({
    delivery: {
      connectTimeoutMs: 1_000,
      responseTimeoutMs: 200,
      retryInitialMs: 20,
      retryMaxMs: 80,
      retryWindowMs: 600,
    },
  });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

async function subscribe(
  overrides: Record<string, unknown> = {},
  token = emu.tokens.owner,
): Promise<{ uuid: string; resource: Json }> {
  const res = await emu.api("POST", "/webhook_subscriptions", {
    token,
    body: orgSubscription(emu, { url: receiver.url, signing_key: KEY, ...overrides }),
  });
  expect(res.status).toBe(201);
  const resource = (res.json as Json).resource;
  return { uuid: resource.uri.split("/").pop(), resource };
}

describe("successful delivery", () => {
  it("POSTs the envelope as JSON, signed over the exact bytes with the subscription's key", async () => {
    const { uuid } = await subscribe();
    const fired = emu.control.fireEvent({ event: "invitee.created" });
    expect(fired.matched).toEqual([uuid]);
    await emu.control.waitForDeliveries();

    expect(receiver.received).toHaveLength(1);
    const webhook = receiver.received[0]!;
    expect(webhook.method).toBe("POST");
    expect(webhook.headers["content-type"]).toBe("application/json");
    const check = verifySignature({
      header: webhook.headers[SIGNATURE_HEADER.toLowerCase()] as string,
      body: webhook.raw,
      keys: [KEY],
    });
    expect(check).toMatchObject({ ok: true });
    // Proof that it is over the bytes: one changed byte, or another key, fails.
    const tampered = Buffer.from(webhook.raw);
    tampered[tampered.length - 2] = 0x20;
    expect(
      verifySignature({
        header: webhook.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        body: tampered,
        keys: [KEY],
      }).ok,
    ).toBe(false);
    expect(
      verifySignature({
        header: webhook.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        body: webhook.raw,
        keys: ["other"],
      }).ok,
    ).toBe(false);

    const envelope = JSON.parse(webhook.raw.toString("utf8"));
    expect(envelope).toMatchObject({ event: "invitee.created", created_by: emu.users.owner });
    expect(envelope.payload.uri.startsWith(`${emu.url}/scheduled_events/`)).toBe(true);

    const [attempt] = emu.control.deliveries();
    expect(attempt).toMatchObject({
      subscription: uuid,
      event: "invitee.created",
      attempt: 1,
      status: 200,
      outcome: "success",
      signed: true,
    });
  });

  it("sends no signature header when the subscription has no signing key", async () => {
    await subscribe({ signing_key: undefined });
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
    expect(emu.control.deliveries()[0]!.signed).toBe(false);
  });

  it("uses a given payload instead of the sample", async () => {
    await subscribe();
    emu.control.fireEvent({ event: "invitee.created", payload: { custom: true } });
    await emu.control.waitForDeliveries();
    expect(JSON.parse(receiver.received[0]!.raw.toString()).payload).toEqual({ custom: true });
  });

  it("refuses an unknown event name with a 400 ApiError", () => {
    expect(() => emu.control.fireEvent({ event: "invitee.cancelled" })).toThrowError(
      /unknown event "invitee.cancelled"/,
    );
    try {
      emu.control.fireEvent({ event: "nope" });
    } catch (error) {
      expect((error as ApiError).status).toBe(400);
    }
  });
});

describe("which subscriptions an event reaches", () => {
  it("organization scope: every event of the organization listing the event", async () => {
    const { uuid } = await subscribe({ events: ["invitee.created"] });
    await subscribe({ events: ["invitee.canceled"], url: `${receiver.url}/other` });
    expect(emu.control.fireEvent({ event: "invitee.created", user: emu.users.member }).matched).toEqual([
      uuid,
    ]);
    // Another organization's event does not reach it.
    expect(emu.control.fireEvent({ event: "invitee.created", user: emu.users.free }).matched).toEqual([]);
    await emu.control.waitForDeliveries();
  });

  it("user scope: only the event's user", async () => {
    const { uuid } = await subscribe({ scope: "user", user: emu.users.member }, emu.tokens.member);
    expect(emu.control.fireEvent({ event: "invitee.created", user: emu.users.member }).matched).toEqual([
      uuid,
    ]);
    expect(emu.control.fireEvent({ event: "invitee.created", user: emu.users.admin }).matched).toEqual([]);
    // Without a user, the event belongs to the organization's first user (the owner).
    expect(emu.control.fireEvent({ event: "invitee.created" }).user).toBe(emu.users.owner);
    await emu.control.waitForDeliveries();
  });

  it("group scope: the given group, or the groups of the event's user", async () => {
    const { uuid } = await subscribe({ scope: "group", group: emu.group });
    expect(emu.control.fireEvent({ event: "invitee.created", group: emu.group }).matched).toEqual([uuid]);
    expect(emu.control.fireEvent({ event: "invitee.created", user: emu.users.member }).matched).toEqual([
      uuid,
    ]);
    expect(emu.control.fireEvent({ event: "invitee.created", user: emu.users.owner }).matched).toEqual([]);
    await emu.control.waitForDeliveries();
    expect(receiver.received).toHaveLength(2);
  });

  it("never delivers to a disabled subscription", async () => {
    const { uuid } = await subscribe();
    emu.control.disableSubscription(uuid);
    expect(emu.control.fireEvent({ event: "invitee.created" }).matched).toEqual([]);
    await emu.control.waitForDeliveries();
    expect(receiver.received).toHaveLength(0);
    expect(emu.control.deliveries()).toHaveLength(0);
  });
});

describe("during a replacement (Calendly has no update): what lives in between", () => {
  it("an event produced while no subscription matches is never delivered, not even to one created after", async () => {
    const fired = emu.control.fireEvent({ event: "invitee.created", user: emu.users.member });
    expect(fired.matched).toEqual([]);
    const { uuid } = await subscribe({ events: ["invitee.created"] });
    await emu.control.waitForDeliveries();
    expect(receiver.received).toHaveLength(0);
    expect(emu.control.deliveries({ subscription: uuid })).toHaveLength(0);
    // The next event reaches it: the subscription works, the earlier event is simply gone.
    emu.control.fireEvent({ event: "invitee.created", user: emu.users.member });
    await emu.control.waitForDeliveries();
    expect(receiver.received).toHaveLength(1);
  });

  it("while an old and a new subscription both match, each delivers the same bytes, each signed with its own key", async () => {
    const oldKey = "whsec-old-generation-key";
    const newKey = "whsec-new-generation-key";
    const old = await subscribe({
      events: ["invitee.created"],
      url: `${receiver.url}?v=1`,
      signing_key: oldKey,
    });
    const next = await subscribe({
      events: ["invitee.canceled", "invitee.created"],
      url: `${receiver.url}?v=2`,
      signing_key: newKey,
    });
    const fired = emu.control.fireEvent({ event: "invitee.created", user: emu.users.member });
    expect(fired.matched.sort()).toEqual([old.uuid, next.uuid].sort());
    await emu.control.waitForDeliveries();
    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received;
    // Identical bodies: a receiver's id for it (the body's SHA-256) is the same, so consumers drop one.
    expect(a!.raw.equals(b!.raw)).toBe(true);
    const byUrl = (suffix: string) => receiver.received.find((r) => r.path.endsWith(suffix))!;
    for (const [suffix, key] of [
      ["?v=1", oldKey],
      ["?v=2", newKey],
    ] as const) {
      const delivery = byUrl(suffix);
      const header = delivery.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      expect(verifySignature({ header, body: delivery.raw, keys: [key] }).ok).toBe(true);
    }
  });
});

describe("failures and retries", () => {
  it.each([
    [302, { location: "http://127.0.0.1:9/elsewhere" }],
    [400, {}],
    [500, {}],
    [503, {}],
  ])("a %s answer is a failure, retried until a 2xx (redirects not followed)", async (status, headers) => {
    receiver.reply = (n) => (n <= 2 ? { status, headers } : { status: 204 });
    const { uuid } = await subscribe();
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    const attempts = emu.control.deliveries();
    expect(attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, status, "failure"],
      [2, status, "failure"],
      [3, 204, "success"],
    ]);
    expect(receiver.received.every((w) => w.path === "/calendly")).toBe(true);
    // Every retry sends the same bytes, each with a fresh valid signature.
    expect(new Set(receiver.received.map((w) => w.raw.toString("base64"))).size).toBe(1);
    for (const w of receiver.received) {
      expect(
        verifySignature({
          header: w.headers["calendly-webhook-signature"] as string,
          body: w.raw,
          keys: [KEY],
        }).ok,
      ).toBe(true);
    }
    // retry_started_at was set by the first failure and stays set after the success (Calendly's FAQ:
    // "the last time Calendly needed to start retrying").
    const retryStartedAt = emu.control.subscriptions().find((s) => s.uuid === uuid)?.retry_started_at;
    expect(Date.parse(retryStartedAt!)).toBe(Date.parse(attempts[0]!.finished_at));
  });

  it("a response slower than the timeout is a failure", async () => {
    receiver.reply = (n) => (n === 1 ? "hang" : { status: 200 });
    await subscribe();
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    expect(emu.control.deliveries().map((a) => [a.status, a.error, a.outcome])).toEqual([
      [null, "timeout", "failure"],
      [200, null, "success"],
    ]);
  });

  it("a refused connection is a failure", async () => {
    const gone = await startReceiver();
    await gone.close();
    const { uuid } = await subscribe({ url: gone.url });
    emu.control.fireEvent({ event: "invitee.created" });
    await until(() => emu.control.deliveries().length > 0);
    emu.control.deleteSubscription(uuid);
    await emu.control.waitForDeliveries();
    const [first] = emu.control.deliveries();
    expect(first).toMatchObject({ status: null, error: "connection_error", outcome: "failure" });
  });

  it("sets retry_started_at at the first failure while retrying", async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    receiver.reply = (n) => {
      if (n === 2) release();
      return n <= 3 ? { status: 500 } : { status: 200 };
    };
    const { uuid } = await subscribe();
    emu.control.fireEvent({ event: "invitee.created" });
    await released;
    const during = await emu.api("GET", `/webhook_subscriptions/${uuid}`);
    const first = emu.control.deliveries()[0]!;
    expect((during.json as Json).resource.retry_started_at).toMatch(/^\d{4}-.*\.\d{6}Z$/);
    expect(Date.parse((during.json as Json).resource.retry_started_at)).toBe(Date.parse(first.finished_at));
    await emu.control.waitForDeliveries();
  });

  it("after the retry window the subscription turns disabled, with retry_started_at set", async () => {
    receiver.reply = () => ({ status: 500 });
    const { uuid, resource } = await subscribe();
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    const attempts = emu.control.deliveries();
    expect(attempts.length).toBeGreaterThan(2);
    expect(attempts.slice(0, -1).every((a) => a.outcome === "failure")).toBe(true);
    expect(attempts.at(-1)!.outcome).toBe("disabled");
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));

    const res = await emu.api("GET", `/webhook_subscriptions/${uuid}`);
    const sub = (res.json as Json).resource;
    expect(sub.state).toBe("disabled");
    expect(sub.retry_started_at).not.toBeNull();
    expect(sub.updated_at).not.toBe(resource.updated_at);
    // Disabled means no further deliveries.
    const before = receiver.received.length;
    expect(emu.control.fireEvent({ event: "invitee.created" }).matched).toEqual([]);
    await emu.control.waitForDeliveries();
    expect(receiver.received.length).toBe(before);
  });

  it("a 410 Gone deletes the subscription at once, without retrying", async () => {
    receiver.reply = () => ({ status: 410 });
    const { uuid } = await subscribe();
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    expect(emu.control.deliveries().map((a) => [a.status, a.outcome])).toEqual([[410, "gone"]]);
    expect(receiver.received).toHaveLength(1);
    expect((await emu.api("GET", `/webhook_subscriptions/${uuid}`)).status).toBe(404);
  });

  it("stops retrying a subscription deleted meanwhile", async () => {
    receiver.reply = () => ({ status: 500 });
    const { uuid } = await subscribe();
    emu.control.fireEvent({ event: "invitee.created" });
    await until(() => emu.control.deliveries().length > 0);
    expect((await emu.api("DELETE", `/webhook_subscriptions/${uuid}`)).status).toBe(204);
    await emu.control.waitForDeliveries();
    expect(emu.control.deliveries().every((a) => a.outcome === "failure")).toBe(true);
    expect(emu.control.deliveries().length).toBeLessThanOrEqual(2);
  });

  it("waitForDeliveries rejects when deliveries outlast its timeout", async () => {
    receiver.reply = () => ({ status: 500 });
    const { uuid } = await subscribe();
    emu.control.fireEvent({ event: "invitee.created" });
    await expect(emu.control.waitForDeliveries({ timeoutMs: 30 })).rejects.toThrow(/still in flight/);
    emu.control.deleteSubscription(uuid);
    await emu.control.waitForDeliveries();
  });
});

describe("retry windows belong to each message (Calendly's Webhook Errors page)", () => {
  const eventOf = (raw: Buffer) => (JSON.parse(raw.toString("utf8")) as { event: string }).event;

  it("a message that always fails disables the subscription after its own window, while others keep being delivered", async () => {
    // invitee.canceled always fails; invitee.created always succeeds. A success used to reset the
    // subscription's window, so the failing message was retried forever.
    receiver.reply = (_n, webhook) =>
      eventOf(webhook.raw) === "invitee.canceled" ? { status: 500 } : { status: 200 };
    const { uuid } = await subscribe();
    emu.control.fireEvent({ event: "invitee.canceled" });
    const ticker = setInterval(() => emu.control.fireEvent({ event: "invitee.created" }), 40);
    try {
      await until(
        () => emu.control.subscriptions().find((s) => s.uuid === uuid)?.state === "disabled",
        5_000,
      );
    } finally {
      clearInterval(ticker);
    }
    await emu.control.waitForDeliveries();
    const canceled = emu.control.deliveries({ event: "invitee.canceled" });
    const first = Date.parse(canceled[0]!.finished_at);
    const last = canceled.at(-1)!;
    expect(last.outcome).toBe("disabled");
    expect(Date.parse(last.finished_at) - first).toBeGreaterThanOrEqual(600);
    expect(canceled.slice(0, -1).every((a) => a.outcome === "failure")).toBe(true);
    // Other messages were sent, and succeeded, while the failing one was being retried.
    const meanwhile = emu.control
      .deliveries({ event: "invitee.created", outcome: "success" })
      .filter(
        (a) => Date.parse(a.finished_at) > first && Date.parse(a.finished_at) < Date.parse(last.finished_at),
      );
    expect(meanwhile.length).toBeGreaterThan(3);
    // retry_started_at still says when retrying began, despite the successes.
    const sub = emu.control.subscriptions().find((s) => s.uuid === uuid)!;
    expect(Date.parse(sub.retry_started_at!)).toBe(first);
  });

  it("retry_started_at stays set after a success, and moves when retrying starts again", async () => {
    let failuresLeft = 2;
    receiver.reply = () => (failuresLeft-- > 0 ? { status: 503 } : { status: 200 });
    const { uuid } = await subscribe();
    const retryStartedAt = () => emu.control.subscriptions().find((s) => s.uuid === uuid)!.retry_started_at;
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    const firstPeriod = Date.parse(emu.control.deliveries()[0]!.finished_at);
    expect(emu.control.deliveries().map((a) => a.outcome)).toEqual(["failure", "failure", "success"]);
    expect(Date.parse(retryStartedAt()!)).toBe(firstPeriod);
    // Healthy deliveries leave it alone.
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    expect(Date.parse(retryStartedAt()!)).toBe(firstPeriod);
    // A new failure once nothing is being retried: a new retry period begins.
    failuresLeft = 1;
    const before = emu.control.deliveries().length;
    emu.control.fireEvent({ event: "invitee.created" });
    await emu.control.waitForDeliveries();
    const secondPeriod = emu.control.deliveries().slice(before);
    expect(secondPeriod.map((a) => a.outcome)).toEqual(["failure", "success"]);
    expect(Date.parse(retryStartedAt()!)).toBe(Date.parse(secondPeriod[0]!.finished_at));
    expect(emu.control.subscriptions().find((s) => s.uuid === uuid)!.state).toBe("active");
  });

  it("a message about a booking stops being retried the window after the booking ends, when that comes first", async () => {
    receiver.reply = () => ({ status: 500 });
    const { uuid } = await subscribe();
    // The meeting ended 400 ms ago: retries stop 600 ms after that, 200 ms from now.
    const payload = { scheduled_event: { end_time: calendlyTime(new Date(Date.now() - 400)) } };
    emu.control.fireEvent({ event: "invitee.created", payload });
    await emu.control.waitForDeliveries();
    const attempts = emu.control.deliveries();
    expect(attempts.at(-1)!.outcome).toBe("disabled");
    const span = Date.parse(attempts.at(-1)!.finished_at) - Date.parse(attempts[0]!.finished_at);
    expect(span).toBeLessThan(550);
    expect(emu.control.subscriptions().find((s) => s.uuid === uuid)!.state).toBe("disabled");
  });

  it("a message about a booking that ended more than the window ago fails for good at once", async () => {
    receiver.reply = () => ({ status: 500 });
    await subscribe();
    const payload = { scheduled_event: { end_time: calendlyTime(new Date(Date.now() - 60_000)) } };
    emu.control.fireEvent({ event: "invitee.created", payload });
    await emu.control.waitForDeliveries();
    expect(emu.control.deliveries().map((a) => a.outcome)).toEqual(["disabled"]);
  });

  it("reads the booking's end (else its start) from the message, and takes the earlier deadline", () => {
    const body = (payload: unknown) => Buffer.from(JSON.stringify({ event: "x", payload }));
    expect(
      bookingEndMs(
        body({ scheduled_event: { start_time: "2026-11-27T10:00:00Z", end_time: "2026-11-27T10:30:00Z" } }),
      ),
    ).toBe(Date.parse("2026-11-27T10:30:00Z"));
    expect(bookingEndMs(body({ scheduled_event: { start_time: "2026-11-27T10:00:00Z" } }))).toBe(
      Date.parse("2026-11-27T10:00:00Z"),
    );
    expect(bookingEndMs(body({ event_type: {} }))).toBeUndefined();
    expect(bookingEndMs(body({ scheduled_event: { end_time: "soon" } }))).toBeUndefined();
    expect(bookingEndMs(Buffer.from("not json"))).toBeUndefined();
    const day = 86_400_000;
    expect(retryDeadlineMs(1_000, day, undefined)).toBe(1_000 + day);
    expect(retryDeadlineMs(1_000, day, 500)).toBe(500 + day);
    expect(retryDeadlineMs(1_000, day, 10 * day)).toBe(1_000 + day);
  });
});

describe("retry_started_at under each reading Calendly's documentation allows (retry-started-at.ts)", () => {
  const eventOf = (raw: Buffer) => (JSON.parse(raw.toString("utf8")) as { event: string }).event;

  it("the rule of each reading: what a first failure, a later failure and a recovery do", () => {
    const first = (othersRetrying: number) => ({ kind: "first-failure" as const, at: 5, othersRetrying });
    const table = Object.fromEntries(
      RETRY_STARTED_AT_READINGS.map((reading) => [
        reading,
        [
          nextRetryStartedAt(reading, null, first(0)),
          nextRetryStartedAt(reading, 1, first(0)),
          nextRetryStartedAt(reading, 1, first(1)),
          nextRetryStartedAt(reading, 1, { kind: "failure", at: 5 }),
          nextRetryStartedAt(reading, 1, { kind: "recovered", at: 5, othersRetrying: 1 }),
          nextRetryStartedAt(reading, 1, { kind: "recovered", at: 5, othersRetrying: 0 }),
        ],
      ]),
    );
    // Columns: first failure (never retried; retried before, nothing retrying; another message
    // retrying), a later failed attempt, a recovery (others still retrying; the last one).
    expect(table).toEqual({
      run: [5, 5, undefined, undefined, undefined, undefined],
      "run-cleared": [5, 5, undefined, undefined, undefined, null],
      message: [5, 5, 5, undefined, undefined, undefined],
      "message-cleared": [5, 5, 5, undefined, undefined, null],
      attempt: [5, 5, 5, 5, undefined, undefined],
      "attempt-cleared": [5, 5, 5, 5, undefined, null],
      first: [5, undefined, undefined, undefined, undefined, undefined],
    });
  });

  /**
   * Message 1 fails; message 2 fails while 1 is retried; 1 gets through; 2 fails again; 2 gets
   * through. What `retry_started_at` reads after each step, as a time of a recorded attempt.
   */
  async function overlappingRetries(reading: RetryStartedAtReading) {
    const own = await startTestEmulator({
      retryStartedAt: reading,
      delivery: { responseTimeoutMs: 1_000, retryInitialMs: 20, retryMaxMs: 40, retryWindowMs: 20_000 },
    });
    const failing = { "invitee.created": true, "invitee.canceled": true } as Record<string, boolean>;
    const target = await startReceiver((_n, webhook) =>
      failing[eventOf(webhook.raw)] ? { status: 503 } : { status: 200 },
    );
    try {
      const res = await own.api("POST", "/webhook_subscriptions", {
        body: orgSubscription(own, { url: target.url, signing_key: KEY }),
      });
      const uuid = (res.json as Json).resource.uri.split("/").pop() as string;
      const attempts = (event: string, outcome: string) =>
        own.control.deliveries({ event, outcome: outcome as "failure" });
      // Read together, in one tick: the value and the attempts it is compared with.
      const snapshot = () => ({
        value: own.control.subscriptions().find((s) => s.uuid === uuid)!.retry_started_at,
        lastFailure: own.control.deliveries({ outcome: "failure" }).at(-1)!.finished_at,
      });
      own.control.fireEvent({ event: "invitee.created" });
      await until(() => attempts("invitee.created", "failure").length >= 1);
      const afterFirst = snapshot();
      own.control.fireEvent({ event: "invitee.canceled" });
      await until(() => attempts("invitee.canceled", "failure").length >= 2);
      const whileBoth = snapshot();
      failing["invitee.created"] = false;
      await until(() => attempts("invitee.created", "success").length === 1);
      const recovered = attempts("invitee.created", "success")[0]!.finished_at;
      const afterOneRecovered = snapshot();
      await until(() =>
        attempts("invitee.canceled", "failure").some(
          (a) => Date.parse(a.finished_at) > Date.parse(recovered),
        ),
      );
      const stillFailing = snapshot();
      failing["invitee.canceled"] = false;
      await own.control.waitForDeliveries();
      const afterAll = snapshot();
      return {
        m1: attempts("invitee.created", "failure")[0]!.finished_at,
        m2: attempts("invitee.canceled", "failure")[0]!.finished_at,
        steps: [afterFirst, whileBoth, afterOneRecovered, stillFailing, afterAll],
        state: own.control.subscriptions().find((s) => s.uuid === uuid)!.state,
      };
    } finally {
      await target.close();
      await own.close();
    }
  }

  it.each(RETRY_STARTED_AT_READINGS)("%s: two overlapping retries of one subscription", async (reading) => {
    const { m1, m2, steps, state } = await overlappingRetries(reading);
    expect(state).toBe("active");
    const at = (time: string | null) => (time === null ? null : Date.parse(time));
    const expected = {
      run: [m1, m1, m1, m1, m1],
      "run-cleared": [m1, m1, m1, m1, null],
      message: [m1, m2, m2, m2, m2],
      "message-cleared": [m1, m2, m2, m2, null],
      // The last failed attempt at the moment of reading.
      attempt: steps.map((s) => s.lastFailure),
      "attempt-cleared": [...steps.slice(0, 4).map((s) => s.lastFailure), null],
      first: [m1, m1, m1, m1, m1],
    }[reading];
    expect(steps.map((s) => at(s.value))).toEqual(expected.map(at));
  });
});
