import { createHash } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signatureHeader } from "../../calendly";
import {
  type CalendlyEventDetail,
  createReceiver,
  UNPARSED_DETAIL_TYPE,
  type UnparsedDeliveryDetail,
} from "../../lambda/handler";
import { RECEIVER_METRICS } from "../../lambda/receiver-metrics";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import { apiGatewayEvent, delivery, envelope, invoke, KEY, nowSeconds, OTHER_KEY } from "./support";

let stubs: AwsStubs;
beforeAll(async () => {
  stubs = await startAwsStubs();
});
afterAll(async () => {
  await stubs?.close();
});
beforeEach(() => {
  stubs.eventBridge.reset();
  stubs.s3.objects.clear();
});

const BUS = "calendly-test-bus";
const BUCKET = "calendly-claim-check";

function receiver(env: Record<string, string> = {}) {
  return createReceiver({
    env: {
      ...stubs.env,
      EVENT_BUS_NAME: BUS,
      CLAIM_CHECK_BUCKET: BUCKET,
      CALENDLY_SIGNING_KEYS: JSON.stringify([KEY]),
      DELIVERY_DEADLINE_MS: "5000",
      ...env,
    },
  });
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

describe("a genuine delivery", () => {
  it("is put on the bus as one entry and answered 200", async () => {
    const sample = envelope("invitee.created");
    const body = JSON.stringify(sample);
    const { response, logs } = await invoke(receiver(), delivery(body));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ status: "accepted", id: sha256(body) });
    expect(stubs.eventBridge.entries).toHaveLength(1);
    const { entry } = stubs.eventBridge.entries[0]!;
    const detail = stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail;
    expect(entry).toMatchObject({ EventBusName: BUS, Source: "calendly", DetailType: "invitee.created" });
    expect(detail).toEqual({
      id: sha256(body),
      event: "invitee.created",
      createdAt: sample.created_at,
      createdBy: sample.created_by,
      payload: sample.payload,
      rawBody: body,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      validation: "valid",
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: "INFO",
      outcome: "accepted",
      status: 200,
      event: "invitee.created",
      dedupeId: sha256(body),
      validation: "valid",
      requestId: expect.stringMatching(/^req-/),
      latencyMs: expect.any(Number),
    });
  });

  it("is verified over the decoded bytes when API Gateway base64-encodes the body", async () => {
    const body = JSON.stringify(envelope("contact.created"));
    const { response } = await invoke(receiver(), delivery(body, { base64: true }));
    expect(response.statusCode).toBe(200);
    expect((stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail).id).toBe(sha256(body));
  });

  it("keeps non-ASCII text and the exact bytes: the id is the hash of what was received", async () => {
    const sample = envelope("invitee.created");
    sample.payload.name = "Zoë Ångström 東京";
    const body = JSON.stringify(sample, null, 2);
    const { response } = await invoke(receiver(), delivery(body));
    expect(response.statusCode).toBe(200);
    const detail = stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail;
    expect(detail.id).toBe(sha256(body));
    expect(detail.payload?.name).toBe("Zoë Ångström 東京");
  });

  it("reaches consumers exactly as received: big numbers, duplicate keys, spacing and escapes", async () => {
    // What JSON.parse cannot keep: a number beyond double precision, the first of two equal keys,
    // the writer's spacing and escapes. The parsed payload is JSON.parse's reading; rawBody is the body.
    const text = JSON.stringify(envelope("invitee.created"), null, 1);
    const body = text.replace(
      '"payload": {',
      '"payload": {"big": 123456789012345678901234567890, "dup": 1, "dup": 2, "esc": "\\u00e9\\/",',
    );
    expect(body).not.toBe(text);
    const { response } = await invoke(receiver(), delivery(body));
    expect(response.statusCode).toBe(200);
    const { entry } = stubs.eventBridge.entries[0]!;
    const sent = JSON.parse(entry.Detail!) as CalendlyEventDetail;
    expect(sent.rawBody).toBe(body);
    expect(sha256(Buffer.from(sent.rawBody!, "utf8"))).toBe(sent.id);
    expect(sent.payload).toMatchObject({ big: 1.2345678901234568e29, dup: 2, esc: "é/" });
  });

  it("keeps a byte-order mark and non-ASCII bytes in rawBody, byte for byte", async () => {
    const sample = envelope("invitee.created");
    sample.payload.name = "Zoë 東京 😀";
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(sample))]);
    const { response } = await invoke(receiver(), delivery(raw, { base64: true }));
    expect(response.statusCode).toBe(200);
    const detail = stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail;
    expect(Buffer.compare(Buffer.from(detail.rawBody!, "utf8"), raw)).toBe(0);
    expect(detail.id).toBe(sha256(raw));
  });

  it("gets the same id on every retry of the same body", async () => {
    const body = JSON.stringify(envelope("invitee.canceled"));
    const r = receiver();
    await invoke(r, delivery(body, { t: nowSeconds() - 5 }));
    await invoke(r, delivery(body, { t: nowSeconds(), base64: true }));
    const ids = stubs.eventBridge.entries.map((e) => (e.detail as CalendlyEventDetail).id);
    expect(ids).toEqual([sha256(body), sha256(body)]);
  });

  it("finds the signature header whatever its casing (outside API Gateway)", async () => {
    const body = JSON.stringify(envelope());
    const event = apiGatewayEvent({ body });
    event.headers = { "Calendly-Webhook-Signature": signatureHeader(KEY, body, nowSeconds()) };
    expect((await invoke(receiver(), event)).response.statusCode).toBe(200);
  });

  it("is accepted with any of several keys (rotation, several subscriptions)", async () => {
    const r = receiver({ CALENDLY_SIGNING_KEYS: `old-key,\n${KEY}\n${OTHER_KEY}` });
    const body = JSON.stringify(envelope());
    expect((await invoke(r, delivery(body, { key: OTHER_KEY }))).response.statusCode).toBe(200);
    expect((await invoke(r, delivery(body, { key: "old-key" }))).response.statusCode).toBe(200);
  });
});

describe("an unauthentic request", () => {
  const body = JSON.stringify(envelope());
  const cases: [string, () => APIGatewayProxyEventV2, string][] = [
    ["no signature header", () => apiGatewayEvent({ body }), "missing"],
    [
      "an empty header",
      () => apiGatewayEvent({ body, headers: { "calendly-webhook-signature": "" } }),
      "missing",
    ],
    [
      "a malformed header",
      () => apiGatewayEvent({ body, headers: { "calendly-webhook-signature": "v1=abc" } }),
      "malformed",
    ],
    [
      "duplicated header parts (two headers joined by API Gateway)",
      () => {
        const header = signatureHeader(KEY, body, nowSeconds());
        return apiGatewayEvent({ body, headers: { "calendly-webhook-signature": `${header},${header}` } });
      },
      "malformed",
    ],
    ["a stale timestamp", () => delivery(body, { t: nowSeconds() - 181 }), "stale"],
    ["a timestamp from the future", () => delivery(body, { t: nowSeconds() + 120 }), "future"],
    ["the wrong key", () => delivery(body, { key: OTHER_KEY }), "mismatch"],
    [
      "a tampered body",
      () => {
        const event = delivery(body);
        event.body = event.body!.replace("Grace", "Mallory");
        return event;
      },
      "mismatch",
    ],
  ];

  it.each(cases)(
    "with %s gets 401, is not forwarded, and the reason is logged",
    async (_name, make, reason) => {
      const { response, logs, lines } = await invoke(receiver(), make());
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body!)).toEqual({ message: "Unauthorized" });
      expect(stubs.eventBridge.requests).toHaveLength(0);
      expect(logs[0]).toMatchObject({ outcome: "rejected", reason, status: 401, level: "WARN" });
      const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws !== undefined);
      expect(emf).toMatchObject({ Rejected: 1, Reason: reason });
    },
  );

  it("with a stale signature counts StaleSignatures on its own and logs the signature's age", async () => {
    const { response, logs, lines } = await invoke(receiver(), delivery(body, { t: nowSeconds() - 600 }));
    expect(response.statusCode).toBe(401);
    expect(logs[0]).toMatchObject({ reason: "stale", signatureAgeSeconds: expect.any(Number) });
    expect(logs[0]!.signatureAgeSeconds).toBeGreaterThanOrEqual(600);
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws !== undefined);
    expect(emf).toMatchObject({ Rejected: 1, StaleSignatures: 1, Reason: "stale" });
    // StaleSignatures is published per service only; Rejected also per Reason.
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: "CalendlyWebhooks",
        Dimensions: [["service"]],
        Metrics: [
          { Name: "Rejected", Unit: "Count" },
          { Name: "StaleSignatures", Unit: "Count" },
        ],
      },
      {
        Namespace: "CalendlyWebhooks",
        Dimensions: [["service", "Reason"]],
        Metrics: [{ Name: "Rejected", Unit: "Count" }],
      },
    ]);
  });

  it("that could never verify is still refused without reading the keys when none are configured", async () => {
    const r = receiver({ CALENDLY_SIGNING_KEYS: "," });
    const { response, logs } = await invoke(r, apiGatewayEvent({ body }));
    expect(response.statusCode).toBe(401);
    expect(logs[0]).toMatchObject({ reason: "missing" });
  });
});

describe("a receiver without a single signing key fails loudly", () => {
  const body = JSON.stringify(envelope());
  const emfOf = (lines: string[]) => lines.map((l) => JSON.parse(l)).find((l) => l._aws !== undefined);

  it.each([
    ["no key variable at all", { CALENDLY_SIGNING_KEYS: "" }, /no signing key configured/],
    ["only separators", { CALENDLY_SIGNING_KEYS: "," }, /CALENDLY_SIGNING_KEYS holds no signing key/],
    [
      "a JSON list of one empty key",
      { CALENDLY_SIGNING_KEYS: '[""]' },
      /CALENDLY_SIGNING_KEYS holds no signing key/,
    ],
    ["an empty JSON list", { CALENDLY_SIGNING_KEYS: "[]" }, /CALENDLY_SIGNING_KEYS holds no signing key/],
  ])(
    "with %s: 503 (Calendly retries), an error naming the fix, the alarmed Errors metric, nothing forwarded",
    async (_name, env, advice) => {
      const r = receiver(env);
      for (const key of [KEY, OTHER_KEY]) {
        const { response, logs, lines } = await invoke(r, delivery(body, { key }));
        expect(response.statusCode).toBe(503);
        expect(logs[0]).toMatchObject({
          outcome: "failed",
          status: 503,
          level: "ERROR",
          reason: "no_signing_keys",
        });
        expect(String(logs[0]!.errorCode)).toMatch(advice);
        expect(String(logs[0]!.errorCode)).not.toContain(KEY);
        const emf = emfOf(lines);
        expect(emf).toMatchObject({ [RECEIVER_METRICS.errors]: 1 });
        expect(emf[RECEIVER_METRICS.rejected]).toBeUndefined();
      }
      expect(stubs.eventBridge.requests).toHaveLength(0);
    },
  );
});

describe("answers other than 200 and 401", () => {
  it.each(["GET", "PUT", "DELETE", "HEAD", "OPTIONS"])("405 for %s, with Allow: POST", async (method) => {
    const { response } = await invoke(receiver(), apiGatewayEvent({ method }));
    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ allow: "POST" });
  });

  it("500 naming the variable when the configuration is invalid", async () => {
    const r = receiver({ EVENT_BUS_NAME: "", DELIVERY_DEADLINE_MS: "soon" });
    const { response, logs } = await invoke(r, delivery(JSON.stringify(envelope())));
    expect(response.statusCode).toBe(500);
    expect(logs[0]).toMatchObject({ reason: "config_error", level: "ERROR" });
    expect(String(logs[0]!.errorCode)).toMatch(
      /EVENT_BUS_NAME is not set.*DELIVERY_DEADLINE_MS is not valid/,
    );
  });
});

describe("an authentic body that is not an envelope is kept, never refused", () => {
  const emfOf = (lines: string[]) => lines.map((l) => JSON.parse(l)).find((l) => l._aws !== undefined);

  it.each([
    ["not JSON", "event=invitee.created", "not_json"],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), "not_json"],
    ["an empty body", "", "not_json"],
    ["a JSON array", "[]", "not_envelope"],
    ["JSON null", "null", "not_envelope"],
    [
      "an envelope without payload",
      JSON.stringify({ event: "invitee.created", created_at: "x", created_by: "y" }),
      "not_envelope",
    ],
    ["an envelope with a non-string event", JSON.stringify({ ...envelope(), event: 42 }), "not_envelope"],
    [
      "an event name with a slash",
      JSON.stringify({ ...envelope(), event: "invitee/created" }),
      "not_envelope",
    ],
    ["created_by: null", JSON.stringify({ ...envelope(), created_by: null }), "not_envelope"],
    [
      "a 300 KB created_by",
      JSON.stringify({ ...envelope(), created_by: `https://api.calendly.com/users/${"x".repeat(300_000)}` }),
      "not_envelope",
    ],
  ])(
    "%s: stored whole, announced as an unparsed delivery, answered 200 and counted",
    async (_name, body, reason) => {
      const raw = Buffer.from(body);
      const { response, logs, lines } = await invoke(
        receiver(),
        delivery(raw, { base64: Buffer.isBuffer(body) }),
      );

      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body!)).toEqual({ status: "accepted", id: sha256(raw) });
      expect(stubs.eventBridge.entries).toHaveLength(1);
      const { entry, detail } = stubs.eventBridge.entries[0]!;
      expect(entry).toMatchObject({
        EventBusName: BUS,
        Source: "calendly",
        DetailType: UNPARSED_DETAIL_TYPE,
      });
      const unparsed = detail as UnparsedDeliveryDetail;
      expect(unparsed).toMatchObject({
        id: sha256(raw),
        unparsed: reason,
        bodyBytes: raw.byteLength,
        payloadRef: { bucket: BUCKET, key: `calendly/unparsed/${sha256(raw)}` },
      });
      const stored = stubs.s3.getObject(BUCKET, unparsed.payloadRef.key)!;
      expect(Buffer.compare(stored.body, raw)).toBe(0);
      expect(stored.contentType).toBe("application/octet-stream");
      expect(stored.metadata).toEqual({ "calendly-delivery-id": sha256(raw) });
      expect(Buffer.byteLength(entry.Detail!)).toBeLessThan(8 * 1024);
      expect(logs[0]).toMatchObject({ level: "WARN", outcome: "accepted", unparsed: reason, status: 200 });
      expect(emfOf(lines)).toMatchObject({ Accepted: 1, Unparsed: 1, ClaimChecked: 1 });
    },
  );

  it("lists the offending fields of a JSON body that is not an envelope, never their values", async () => {
    const body = JSON.stringify({ ...envelope(), created_by: null, event: "bad name" });
    await invoke(receiver(), delivery(body));
    const detail = stubs.eventBridge.entries[0]!.detail as UnparsedDeliveryDetail;
    expect(detail.issues).toEqual(["event", "created_by"]);
    expect(JSON.stringify(detail)).not.toContain("bad name");
  });

  it("above MAX_BODY_BYTES: signed, kept unparsed (too_large) without parsing; unsigned, 401", async () => {
    const r = receiver({ MAX_BODY_BYTES: "2048" });
    const big = JSON.stringify({ ...envelope(), padding: "x".repeat(4096) });
    for (const base64 of [false, true]) {
      stubs.eventBridge.reset();
      const { response } = await invoke(r, delivery(big, { base64 }));
      expect(response.statusCode).toBe(200);
      const { entry, detail } = stubs.eventBridge.entries[0]!;
      expect(entry.DetailType).toBe(UNPARSED_DETAIL_TYPE);
      expect(detail).toMatchObject({ unparsed: "too_large", bodyBytes: Buffer.byteLength(big) });
    }
    stubs.eventBridge.reset();
    const forged = await invoke(r, delivery(big, { key: OTHER_KEY }));
    expect(forged.response.statusCode).toBe(401);
    expect(stubs.eventBridge.requests).toHaveLength(0);
  });

  it("answers 503 when the body cannot be stored (Calendly retries), never 4xx", async () => {
    stubs.s3.injectFaults({ type: "outage" }, 3);
    const { response, logs } = await invoke(receiver(), delivery("not json"));
    expect(response.statusCode).toBe(503);
    expect(logs[0]).toMatchObject({ outcome: "failed", reason: "claim_check_failed", unparsed: "not_json" });
    expect(stubs.eventBridge.requests).toHaveLength(0);
    stubs.s3.clearFaults();
  });
});

describe("authentic events we cannot fully validate are still forwarded", () => {
  it("an unknown event name is marked unknown_event and logged as a warning", async () => {
    const body = JSON.stringify({ ...envelope(), event: "invitee.rescheduled", payload: { anything: [1] } });
    const { response, logs } = await invoke(receiver(), delivery(body));
    expect(response.statusCode).toBe(200);
    const { entry, detail } = stubs.eventBridge.entries[0]!;
    expect(entry.DetailType).toBe("invitee.rescheduled");
    expect(detail).toMatchObject({ validation: "unknown_event", payload: { anything: [1] } });
    expect(logs[0]).toMatchObject({ level: "WARN", validation: "unknown_event", outcome: "accepted" });
  });

  it("a payload missing fields is marked invalid_payload with field paths only", async () => {
    const sample = envelope("invitee.created");
    delete sample.payload.email;
    (sample.payload.scheduled_event as Record<string, unknown>).start_time = "tomorrow-ish";
    const { response, logs } = await invoke(receiver(), delivery(JSON.stringify(sample)));
    expect(response.statusCode).toBe(200);
    const detail = stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail;
    expect(detail.validation).toBe("invalid_payload");
    expect(detail.issues).toEqual(["payload.email", "payload.scheduled_event.start_time"]);
    expect(logs[0]).toMatchObject({ level: "WARN", issues: detail.issues });
    expect(JSON.stringify(logs[0])).not.toContain("tomorrow-ish");
  });

  it("extra keys are kept, at every level", async () => {
    const sample = { ...envelope("event_type.updated"), added_later: { x: 1 } };
    sample.payload.brand_new_field = { nested: true };
    await invoke(receiver(), delivery(JSON.stringify(sample)));
    const detail = stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail;
    expect(detail.payload).toEqual(sample.payload);
    expect(detail.envelopeExtra).toEqual({ added_later: { x: 1 } });
  });
});

describe("logs", () => {
  it("never contain a key, the body or the invitee's personal data", async () => {
    const r = receiver({ CALENDLY_SIGNING_KEYS: `${KEY},${OTHER_KEY}` });
    const sample = envelope("invitee.created");
    const body = JSON.stringify(sample);
    const all: string[] = [];
    for (const event of [
      delivery(body),
      delivery(body, { key: "wrong" }),
      delivery("not json"),
      delivery(JSON.stringify({ ...sample, event: "x.y" })),
      apiGatewayEvent({ body, headers: { "calendly-webhook-signature": `t=1,v1=${KEY}` } }),
    ]) {
      all.push(...(await invoke(r, event)).lines);
    }
    const text = all.join("\n");
    expect(all.length).toBeGreaterThanOrEqual(10); // a log line and a metrics line per delivery
    for (const secret of [KEY, OTHER_KEY, "grace@example.com", "Grace Hopper", "Webhooks as code", body]) {
      expect(text).not.toContain(secret);
    }
  });
});
