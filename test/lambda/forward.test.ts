/**
 * Forwarding through the real AWS SDK v3 clients to the local EventBridge and S3 stubs: entries as
 * sent, partial failures, throttling, outages, latency, and the claim check.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimCheckKey } from "../../lambda/claim-check";
import { MIN_ENTRY_BYTES } from "../../lambda/config";
import type { CalendlyEventDetail } from "../../lambda/detail";
import { buildEntry, claimCheckedEntry, entrySize } from "../../lambda/forward";
import { createReceiver } from "../../lambda/handler";
import {
  MAX_CREATED_AT_LENGTH,
  MAX_CREATED_BY_LENGTH,
  MAX_ISSUE_PATH_LENGTH,
  MAX_ISSUES,
} from "../../lambda/validation";
import { type AwsStubs, putEventsEntrySize, startAwsStubs } from "../../tools/aws-stubs";
import { delivery, envelope, invoke, KEY } from "./support";

let stubs: AwsStubs;
beforeAll(async () => {
  stubs = await startAwsStubs();
});
afterAll(async () => {
  await stubs?.close();
});
beforeEach(() => {
  stubs.eventBridge.reset();
  stubs.s3.clearFaults();
});

const BUCKET = "claim-check-bucket";
const receiver = (env: Record<string, string> = {}) =>
  createReceiver({
    env: {
      ...stubs.env,
      EVENT_BUS_NAME: "bus",
      CLAIM_CHECK_BUCKET: BUCKET,
      CALENDLY_SIGNING_KEYS: KEY,
      // Generous, so retries succeed on a loaded machine; deadline tests set their own.
      DELIVERY_DEADLINE_MS: "5000",
      ...env,
    },
  });
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/** A delivery answered 503 because forwarding failed: its log line and its metric. */
function expectForwardFailure(result: Awaited<ReturnType<typeof invoke>>, reason: string) {
  expect(result.response.statusCode).toBe(503);
  expect(result.logs[0]).toMatchObject({ outcome: "failed", status: 503, level: "ERROR", reason });
  expect(result.lines.join("\n")).toContain('"ForwardFailures":1');
}

/** An invitee.created whose answers make the body exactly `bytes` long. */
function bigBody(bytes: number): string {
  const sample = envelope("invitee.created");
  const answer = { question: "Tell us everything", answer: "", position: 0 };
  sample.payload.questions_and_answers = [answer];
  answer.answer = "x".repeat(bytes - Buffer.byteLength(JSON.stringify(sample)));
  return JSON.stringify(sample);
}

describe("entries as sent", () => {
  it("carry the SigV4-signed AWS JSON 1.1 PutEvents the SDK serializes", async () => {
    await invoke(receiver(), delivery(JSON.stringify(envelope())));
    const [request] = stubs.eventBridge.requests;
    expect(request!.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/events\//,
    );
    expect(request!.body).toEqual({
      Entries: [
        {
          EventBusName: "bus",
          Source: "calendly",
          DetailType: "invitee.created",
          Detail: expect.any(String),
        },
      ],
    });
  });

  it("are sized the way EventBridge sizes them", () => {
    const detail = {
      id: "x",
      event: "invitee.created",
      payload: { name: "Zoë" },
    } as unknown as CalendlyEventDetail;
    const entry = buildEntry("bus", detail);
    const expected =
      Buffer.byteLength("calendly") + Buffer.byteLength("invitee.created") + Buffer.byteLength(entry.Detail!);
    expect(entrySize(entry)).toBe(expected);
    expect(entrySize({ ...entry, Time: new Date(), Resources: ["arn:a", "arn:bb"] })).toBe(
      expected + 14 + 11,
    );
    expect(putEventsEntrySize(entry)).toBe(expected);
  });
});

describe("failures EventBridge reports", () => {
  it("a partial failure (FailedEntryCount, InternalFailure) is retried and then succeeds", async () => {
    stubs.eventBridge.injectFaults({ type: "partial", errorCode: "InternalFailure" }, 2);
    const { response, logs } = await invoke(receiver(), delivery(JSON.stringify(envelope())));
    expect(response.statusCode).toBe(200);
    expect(stubs.eventBridge.requests.map((r) => r.outcome)).toEqual(["partial", "partial", "accepted"]);
    expect(stubs.eventBridge.entries).toHaveLength(1);
    expect(logs[0]).toMatchObject({ attempts: 3, outcome: "accepted" });
  });

  it("an entry-level ThrottlingException is retried", async () => {
    stubs.eventBridge.injectFaults({ type: "partial", errorCode: "ThrottlingException" }, 1);
    const { response } = await invoke(receiver(), delivery(JSON.stringify(envelope())));
    expect(response.statusCode).toBe(200);
    expect(stubs.eventBridge.entries).toHaveLength(1);
  });

  it("an entry error that retrying cannot fix answers 503 at once", async () => {
    stubs.eventBridge.injectFaults(
      { type: "partial", errorCode: "AccessDeniedException" },
      Number.POSITIVE_INFINITY,
    );
    const { response, logs } = await invoke(receiver(), delivery(JSON.stringify(envelope())));
    expect(response.statusCode).toBe(503);
    expect(stubs.eventBridge.requests).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      outcome: "failed",
      reason: "forward_entry_rejected",
      errorCode: "AccessDeniedException",
    });
  });

  it.each([
    ["{}", "{}"],
    ["no entries", '{"Entries":[]}'],
    ["null", "null"],
    ["an empty body", ""],
    ["an entry without an EventId", '{"FailedEntryCount":0,"Entries":[{}]}'],
    ["an empty EventId", '{"FailedEntryCount":0,"Entries":[{"EventId":""}]}'],
    ["two entries for one", '{"FailedEntryCount":0,"Entries":[{"EventId":"a"},{"EventId":"b"}]}'],
  ])("a 200 that confirms no entry (%s) is a failure: 503, never a 200", async (_name, answer) => {
    stubs.eventBridge.injectFaults({ type: "answer", body: answer }, 1);
    expectForwardFailure(
      await invoke(receiver(), delivery(JSON.stringify(envelope()))),
      "forward_unconfirmed",
    );
    expect(stubs.eventBridge.requests.map((r) => r.outcome)).toEqual(["answered"]);
  });

  it("request throttling is retried (by the SDK) and the event arrives once", async () => {
    stubs.eventBridge.injectFaults({ type: "throttle" }, 1);
    const { response } = await invoke(receiver(), delivery(JSON.stringify(envelope())));
    expect(response.statusCode).toBe(200);
    expect(stubs.eventBridge.requests.map((r) => r.outcome)).toEqual(["throttled", "accepted"]);
    expect(stubs.eventBridge.entries).toHaveLength(1);
  });

  it("an outage answers 503 within the deadline, so Calendly retries; the retry then succeeds", async () => {
    stubs.eventBridge.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    const r = receiver({ DELIVERY_DEADLINE_MS: "800" });
    const body = JSON.stringify(envelope());
    expectForwardFailure(await invoke(r, delivery(body)), "forward_deadline");
    expect(stubs.eventBridge.requests.length).toBeGreaterThanOrEqual(1);
    expect(stubs.eventBridge.requests.every((request) => request.outcome === "outage")).toBe(true);
    expect(stubs.eventBridge.entries).toHaveLength(0);

    stubs.eventBridge.clearFaults();
    // Calendly's retry, to a receiver with the default deadline (robust on a loaded machine).
    expect((await invoke(receiver(), delivery(body))).response.statusCode).toBe(200);
    expect(stubs.eventBridge.entries).toHaveLength(1);
  });

  it("a bus slower than the deadline answers 503", async () => {
    stubs.eventBridge.injectFaults({ type: "latency", ms: 1500 }, 1);
    const { response, logs } = await invoke(
      receiver({ DELIVERY_DEADLINE_MS: "300" }),
      delivery(JSON.stringify(envelope())),
    );
    expect(response.statusCode).toBe(503);
    expect(logs[0]).toMatchObject({ reason: "forward_deadline" });
  });
});

describe("the claim check", () => {
  it("stores a body too large for one entry in S3 and forwards its location", async () => {
    const body = bigBody(300 * 1024);
    const { response, logs } = await invoke(receiver(), delivery(body));
    expect(response.statusCode).toBe(200);

    const id = sha256(body);
    const stored = stubs.s3.getObject(BUCKET, claimCheckKey(id));
    expect(stored?.body.toString("utf8")).toBe(body);
    expect(stored?.contentType).toBe("application/json");
    expect(stored?.metadata["calendly-delivery-id"]).toBe(id);

    const detail = stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail;
    expect(detail).toMatchObject({
      id,
      event: "invitee.created",
      payload: null,
      payloadRef: { bucket: BUCKET, key: `calendly/${id}.json` },
      validation: "valid",
    });
    // The bytes are in the object, not a second time in the entry.
    expect(detail.rawBody).toBeUndefined();
    expect(logs[0]).toMatchObject({ claimChecked: true, outcome: "accepted" });
  });

  it("is idempotent: a retried delivery overwrites the same object", async () => {
    const body = bigBody(270 * 1024);
    const r = receiver();
    await invoke(r, delivery(body));
    await invoke(r, delivery(body));
    const keys = [...stubs.s3.objects.keys()].filter((k) => k.endsWith(`${sha256(body)}.json`));
    expect(keys).toHaveLength(1);
    expect(stubs.s3.getObject(BUCKET, claimCheckKey(sha256(body)))?.writes).toBe(2);
  });

  it("carries an authentic body nested too deeply to write as one JSON entry, as its raw bytes", async () => {
    // JSON.parse copes with this depth; JSON.stringify runs out of stack on it.
    const depth = 20_000;
    const body = `{"event":"invitee.created","created_at":"2026-11-01T00:00:00.000000Z","created_by":"https://api.calendly.com/users/U","payload":{"deep":${"[".repeat(depth)}0${"]".repeat(depth)}}}`;
    const { response, logs } = await invoke(receiver(), delivery(body));
    expect(response.statusCode).toBe(200);
    const id = sha256(body);
    expect(stubs.s3.getObject(BUCKET, claimCheckKey(id))?.body.toString("utf8")).toBe(body);
    expect(stubs.eventBridge.entries[0]!.detail).toMatchObject({
      id,
      payload: null,
      payloadRef: { key: `calendly/${id}.json` },
    });
    expect(logs[0]).toMatchObject({ claimChecked: true, outcome: "accepted" });
  });

  it("is used from the size EventBridge counts, not the body size", async () => {
    // Just under the limit as a body, over it once wrapped in the Detail document.
    const body = bigBody(256 * 1024 - 1);
    expect(Buffer.byteLength(body)).toBe(256 * 1024 - 1);
    await invoke(receiver(), delivery(body));
    expect((stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail).payloadRef).toBeDefined();
  });

  it("counts the body twice, parsed and raw: about 125 KiB of body is where it starts", async () => {
    const r = receiver();
    const fits = bigBody(100 * 1024);
    await invoke(r, delivery(fits));
    const inline = stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail;
    expect(inline.payloadRef).toBeUndefined();
    expect(inline.rawBody).toBe(fits);
    stubs.eventBridge.reset();
    await invoke(r, delivery(bigBody(130 * 1024)));
    expect((stubs.eventBridge.entries[0]!.detail as CalendlyEventDetail).payloadRef).toBeDefined();
  });

  it("an S3 outage answers 503", async () => {
    stubs.s3.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    const { response, logs } = await invoke(receiver(), delivery(bigBody(300 * 1024)));
    expect(response.statusCode).toBe(503);
    expect(stubs.eventBridge.entries).toHaveLength(0);
    expect(logs[0]).toMatchObject({ outcome: "failed" });
  });
});

describe("a claim-checked entry", () => {
  // Every field at its bound: the largest claim-checked event validation lets through.
  const detail: CalendlyEventDetail = {
    id: "a".repeat(64),
    event: "e".repeat(128),
    createdAt: "t".repeat(MAX_CREATED_AT_LENGTH),
    createdBy: "u".repeat(MAX_CREATED_BY_LENGTH),
    payload: { huge: "p".repeat(400_000) },
    rawBody: "r".repeat(800_000),
    envelopeExtra: { also: "x".repeat(100_000) },
    receivedAt: new Date(0).toISOString(),
    validation: "invalid_payload",
    issues: [
      ...Array.from({ length: MAX_ISSUES }, (_, i) => `${i}`.padEnd(MAX_ISSUE_PATH_LENGTH, "k")),
      "(5 more)",
    ],
  };
  const ref = { bucket: "b".repeat(63), key: claimCheckKey("a".repeat(64)) };

  it("fits under the smallest limit the configuration accepts, with everything but the payload kept", () => {
    const entry = claimCheckedEntry("bus", detail, ref, 256 * 1024);
    expect(entrySize(entry)).toBeLessThan(MIN_ENTRY_BYTES);
    const sent = JSON.parse(entry.Detail!) as CalendlyEventDetail;
    expect(sent).toEqual({
      ...detail,
      payload: null,
      payloadRef: ref,
      rawBody: undefined,
      envelopeExtra: undefined,
    });
    expect(entrySize(claimCheckedEntry("bus", detail, ref, MIN_ENTRY_BYTES))).toBeLessThan(MIN_ENTRY_BYTES);
  });

  it("leaves out the issue paths, then the envelope's strings, rather than exceed a smaller limit", () => {
    const withoutIssues = claimCheckedEntry("bus", detail, ref, 2000);
    expect(JSON.parse(withoutIssues.Detail!).issues).toEqual(["(issues left out: too large for one entry)"]);
    expect(entrySize(withoutIssues)).toBeLessThan(2000);
    const bare = claimCheckedEntry("bus", detail, ref, 1000);
    expect(JSON.parse(bare.Detail!)).toMatchObject({ createdAt: "", createdBy: "", payloadRef: ref });
    expect(entrySize(bare)).toBeLessThan(1000);
  });
});
