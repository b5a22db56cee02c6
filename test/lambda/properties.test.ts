/**
 * The receiver's properties (properties.ts) at a modest count for `npm test`. The same properties
 * run at 100,000 cases from a separate script.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createReceiver } from "../../lambda/handler";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import { type PropertyContext, receiverProperties } from "./properties";
import { captureStdout, KEY, keptOracle } from "./support";

const RUNS = Number(process.env.RECEIVER_PROPERTY_RUNS ?? 800);

let stubs: AwsStubs;
let ctx: PropertyContext;
beforeAll(async () => {
  stubs = await startAwsStubs();
  const receiver = createReceiver({
    env: { ...stubs.env, EVENT_BUS_NAME: "fuzz", CLAIM_CHECK_BUCKET: "fuzz", CALENDLY_SIGNING_KEYS: KEY },
  });
  ctx = {
    key: KEY,
    handle: async (event) => (await captureStdout(() => receiver.handle(event))).result,
    kept: keptOracle(stubs),
  };
});
afterAll(async () => {
  await stubs?.close();
});

describe("receiver properties", () => {
  it("never answers 410, 3xx or 5xx, whatever arrives", async () => {
    await fc.assert(receiverProperties(ctx).neverGoneRedirectOrServerError, { numRuns: RUNS });
  });

  it("never accepts a signature that is not valid for the body", async () => {
    await fc.assert(receiverProperties(ctx).neverAcceptsAnInvalidSignature, { numRuns: RUNS });
  });

  it("judges validly signed deliveries on their body and their time", async () => {
    await fc.assert(receiverProperties(ctx).signedDeliveriesAreJudgedOnTheirBody, { numRuns: RUNS });
  });

  it("parses and verifies any header without throwing", () => {
    fc.assert(receiverProperties(ctx).verifierNeverThrows, { numRuns: RUNS * 5 });
  });

  it("gives the same verdict to a body sent as text or base64", async () => {
    await fc.assert(receiverProperties(ctx).encodingDoesNotChangeTheVerdict, { numRuns: RUNS / 2 });
  });

  it("finds the signature header whatever its casing, and refuses it repeated", async () => {
    await fc.assert(receiverProperties(ctx).signatureHeaderCasingAndRepeats, { numRuns: RUNS / 2 });
  });

  it("verifies the t= text exactly as sent", async () => {
    await fc.assert(receiverProperties(ctx).timestampTextsAreTakenAsSent, { numRuns: RUNS / 2 });
  });

  it("judges odd JSON (huge numbers, lone surrogates, BOM, duplicate keys) without a 5xx", async () => {
    await fc.assert(receiverProperties(ctx).oddJsonIsJudged, { numRuns: RUNS / 4 });
  });

  it("hands on an authentic envelope however deeply nested", async () => {
    await fc.assert(receiverProperties(ctx).deeplyNestedSignedBodiesAreJudged, { numRuns: 60 });
  });

  it("answers any API Gateway event shape within the allowed statuses", async () => {
    await fc.assert(receiverProperties(ctx).anyEventShapeIsAnswered, { numRuns: RUNS });
  });
});
