/**
 * The receiver against moto, the AWS emulator: keys from a real SecureString (GetParameter with
 * decryption), events through PutEvents onto a real bus (read back through a rule and an SQS
 * queue), claim checks through PutObject into a real bucket. Where moto refuses what our stubs
 * accepted, this is where it shows (docs/receiver.md, "moto and the stubs").
 * Faults moto cannot script (partial FailedEntryCount, throttling, outages) stay with the stubs
 * (test/lambda/forward.test.ts).
 */

import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CalendlyEventDetail,
  createReceiver,
  UNPARSED_DETAIL_TYPE,
  type UnparsedDeliveryDetail,
} from "../../lambda/handler";
import { formatSigningKeys } from "../../lambda/signing-key-list";
import { type MotoAws, startMotoAws } from "../../tools/moto/aws";
import { skipWithoutMoto } from "../../tools/moto/server";
import { delivery, envelope, invoke, KEY, OTHER_KEY, parameterReader } from "../lambda/support";

const PARAMETER = "/calendly-webhooks/moto/signing-keys";
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

describe.skipIf(skipWithoutMoto())("the receiver against moto", () => {
  let aws: MotoAws;
  beforeAll(async () => {
    aws = await startMotoAws();
  }, 60_000);
  afterAll(async () => {
    await aws?.close();
  });
  beforeEach(async () => {
    await aws.putParameter(PARAMETER, formatSigningKeys([KEY]));
  });

  const receiver = (env: Record<string, string> = {}) =>
    createReceiver({
      env: {
        ...aws.env,
        EVENT_BUS_NAME: aws.busName,
        CLAIM_CHECK_BUCKET: aws.bucket,
        CALENDLY_SIGNING_KEY_PARAMETER: PARAMETER,
        ...env,
      },
    });
  const newEvents = async (before: number) => (await aws.busEvents()).slice(before);

  it("reads the keys from a SecureString with decryption, as the receiver's own GetParameter", async () => {
    await aws.putParameter("/moto/keys", formatSigningKeys([KEY, OTHER_KEY]));
    expect(await parameterReader(aws.env)("/moto/keys")).toBe(JSON.stringify([KEY, OTHER_KEY]));
    await expect(parameterReader(aws.env)("/moto/absent")).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
  });

  it("puts a genuine delivery on the bus, exactly as sent, and answers 200", async () => {
    const before = (await aws.busEvents()).length;
    const sample = envelope("invitee.created");
    const body = JSON.stringify(sample);
    const { response } = await invoke(receiver(), delivery(body));
    expect(response.statusCode).toBe(200);
    const events = await newEvents(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: "calendly", "detail-type": "invitee.created" });
    const detail = events[0]!.detail as unknown as CalendlyEventDetail;
    expect(detail).toMatchObject({ id: sha256(body), validation: "valid", payload: sample.payload });
  });

  it("carries the body exactly as received through the bus, rule and queue (rawBody)", async () => {
    const before = (await aws.busEvents()).length;
    const body = JSON.stringify(envelope("invitee.created"), null, 1).replace(
      '"payload": {',
      '"payload": {"big": 123456789012345678901234567890, "dup": 1, "dup": 2, "esc": "\\u00e9\\/",',
    );
    const { response } = await invoke(receiver(), delivery(body));
    expect(response.statusCode).toBe(200);
    const [event] = await newEvents(before);
    const detail = event!.detail as unknown as CalendlyEventDetail;
    expect(detail.rawBody).toBe(body);
    expect(sha256(Buffer.from(detail.rawBody!, "utf8"))).toBe(detail.id);
  });

  it("fails loudly on a SecureString that holds no key: 503, no_signing_keys", async () => {
    await aws.putParameter("/moto/empty-keys", "[]");
    const { response, logs } = await invoke(
      receiver({ CALENDLY_SIGNING_KEY_PARAMETER: "/moto/empty-keys" }),
      delivery(JSON.stringify(envelope())),
    );
    expect(response.statusCode).toBe(503);
    expect(logs[0]).toMatchObject({ outcome: "failed", level: "ERROR", reason: "no_signing_keys" });
  });

  it("claim-checks a large delivery into the bucket with PutObject, and the event points at it", async () => {
    const before = (await aws.busEvents()).length;
    const body = JSON.stringify({ ...envelope("invitee.created"), padding: "p".repeat(300 * 1024) });
    const { response } = await invoke(receiver(), delivery(body, { base64: true }));
    expect(response.statusCode).toBe(200);
    const [event] = await newEvents(before);
    const detail = event!.detail as unknown as CalendlyEventDetail;
    expect(detail).toMatchObject({
      payload: null,
      payloadRef: { bucket: aws.bucket, key: `calendly/${sha256(body)}.json` },
    });
    const stored = await aws.getObject(aws.bucket, detail.payloadRef!.key);
    expect(stored.body.toString("utf8")).toBe(body);
    expect(stored.contentType).toBe("application/json");
    expect(stored.metadata).toEqual({ "calendly-delivery-id": sha256(body) });
  });

  it("keeps an authentic body that is not an envelope: stored whole, announced as unparsed", async () => {
    const before = (await aws.busEvents()).length;
    const raw = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const { response } = await invoke(receiver(), delivery(raw, { base64: true }));
    expect(response.statusCode).toBe(200);
    const [event] = await newEvents(before);
    expect(event!["detail-type"]).toBe(UNPARSED_DETAIL_TYPE);
    const detail = event!.detail as unknown as UnparsedDeliveryDetail;
    expect(detail).toMatchObject({ id: sha256(raw), unparsed: "not_json", bodyBytes: raw.byteLength });
    expect(Buffer.compare((await aws.getObject(aws.bucket, detail.payloadRef.key)).body, raw)).toBe(0);
  });

  it("picks up a rotated key and drops a revoked one within the maximum age", async () => {
    const r = receiver({ SIGNING_KEYS_MAX_AGE_SECONDS: "1", SIGNING_KEYS_REFRESH_SECONDS: "0" });
    const body = JSON.stringify(envelope());
    expect((await invoke(r, delivery(body))).response.statusCode).toBe(200);
    await aws.putParameter(PARAMETER, formatSigningKeys([OTHER_KEY, KEY]));
    expect((await invoke(r, delivery(body, { key: OTHER_KEY }))).response.statusCode).toBe(200);
    await aws.putParameter(PARAMETER, formatSigningKeys([OTHER_KEY]));
    await sleep(1050);
    expect((await invoke(r, delivery(body, { key: KEY }))).response.statusCode).toBe(401);
  });

  it("answers 503 when moto refuses: a bus or a bucket that does not exist, a missing parameter", async () => {
    const body = JSON.stringify(envelope());
    const noBus = await invoke(receiver({ EVENT_BUS_NAME: "no-such-bus" }), delivery(body));
    expect(noBus.response.statusCode).toBe(503);
    expect(noBus.logs[0]).toMatchObject({
      reason: "forward_request_failed",
      errorCode: "ResourceNotFoundException",
    });

    const large = JSON.stringify({ ...envelope(), padding: "p".repeat(300 * 1024) });
    const noBucket = await invoke(receiver({ CLAIM_CHECK_BUCKET: "no-such-bucket" }), delivery(large));
    expect(noBucket.response.statusCode).toBe(503);
    expect(noBucket.logs[0]).toMatchObject({ reason: "claim_check_failed", errorCode: "NoSuchBucket" });

    const noKeys = await invoke(
      receiver({ CALENDLY_SIGNING_KEY_PARAMETER: "/no/such/parameter" }),
      delivery(body),
    );
    expect(noKeys.response.statusCode).toBe(503);
    expect(String(noKeys.logs[0]!.errorCode)).toContain("ParameterNotFound");
  });
});
