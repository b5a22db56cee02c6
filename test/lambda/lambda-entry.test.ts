/**
 * Lambda's own entry point over `process.env`, as on AWS: the SDK clients find the stubs through
 * `AWS_ENDPOINT_URL_*` natively (no endpoint passed by our code), S3 included.
 * This file owns its worker's process.env (vitest runs each file in its own fork).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler } from "../../lambda/handler";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import { captureStdout, delivery, envelope, KEY } from "./support";

let stubs: AwsStubs;
beforeAll(async () => {
  stubs = await startAwsStubs();
  stubs.ssm.putParameter("/prod/calendly/signing-keys", JSON.stringify([KEY]));
  Object.assign(process.env, stubs.env, {
    EVENT_BUS_NAME: "calendly",
    CLAIM_CHECK_BUCKET: "calendly-large-events",
    CALENDLY_SIGNING_KEY_PARAMETER: "/prod/calendly/signing-keys",
  });
});
afterAll(async () => {
  await stubs?.close();
});

it("reads keys from SSM and forwards small and claim-checked events with the SDK's own endpoint resolution", async () => {
  const small = JSON.stringify(envelope("invitee.created"));
  const large = JSON.stringify({ ...envelope("invitee.created"), padding: "p".repeat(300 * 1024) });
  const { result } = await captureStdout(async () => [
    await handler(delivery(small)),
    await handler(delivery(large, { base64: true })),
    await handler(delivery(small, { key: "nope" })),
  ]);
  expect(result.map((r) => r.statusCode)).toEqual([200, 200, 401]);
  expect(stubs.ssm.requests[0]).toMatchObject({ withDecryption: true, outcome: "found" });
  expect(stubs.eventBridge.entries).toHaveLength(2);
  expect(stubs.s3.objects.size).toBe(1);
  expect([...stubs.s3.objects.values()][0]!.bucket).toBe("calendly-large-events");
});
