/**
 * The receiver's per-subscription signal (lambda/subscription-name.ts, observability.ts): a delivery
 * whose signature verified and that still failed counts as `SubscriptionFailures` under the
 * subscription its URL names, which the subscription's `delivery-failures` alarm watches. A forged
 * request names whatever it likes, so before the signature verified nothing is attributed.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { SUBSCRIPTION_QUERY_PARAMETER as MARKER_PARAMETER, markedUrl } from "pulumi-calendly";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createReceiver } from "../../lambda/handler";
import { RECEIVER_METRICS } from "../../lambda/receiver-metrics";
import { SUBSCRIPTION_QUERY_PARAMETER, subscriptionName } from "../../lambda/subscription-name";
import { SUBSCRIPTION_DIMENSION } from "../../lambda/watchdog-metrics";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import { delivery, envelope, invoke, KEY, OTHER_KEY } from "./support";

let stubs: AwsStubs;
beforeAll(async () => {
  stubs = await startAwsStubs();
});
afterAll(async () => {
  await stubs?.close();
});
beforeEach(() => {
  stubs.eventBridge.reset();
});

const receiver = () =>
  createReceiver({
    env: {
      ...stubs.env,
      EVENT_BUS_NAME: "calendly-test-bus",
      CLAIM_CHECK_BUCKET: "calendly-claim-check",
      CALENDLY_SIGNING_KEYS: JSON.stringify([KEY]),
      DELIVERY_DEADLINE_MS: "300",
      POWERTOOLS_SERVICE_NAME: "calendly-receiver-test",
    },
  });

/** `event` as API Gateway passes it for a URL with this query string. */
function withQuery(event: APIGatewayProxyEventV2, query: string): APIGatewayProxyEventV2 {
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query))
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  return { ...event, rawQueryString: query, queryStringParameters: parameters };
}

const emfOf = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l._aws !== undefined)!;

describe("the subscription a delivery is for", () => {
  it("is the `subscription` parameter of the URL the stack registers (pulumi-calendly's markedUrl)", () => {
    expect(SUBSCRIPTION_QUERY_PARAMETER).toBe(MARKER_PARAMETER);
    const url = new URL(
      markedUrl("https://hooks.example.com/calendly", "bookings", { events: ["x"], scope: "user" }),
    );
    expect(subscriptionName(withQuery(delivery("{}"), url.search.slice(1)))).toBe("bookings");
  });

  it("is none when the parameter is missing, repeated, or not a plain name", () => {
    for (const query of [
      "",
      "v=1",
      "subscription=",
      "subscription=a&subscription=b",
      "subscription=a%20b",
      "subscription=a%2Fb",
      `subscription=${"s".repeat(256)}`,
    ]) {
      expect(subscriptionName(withQuery(delivery("{}"), query)), query).toBeUndefined();
    }
    expect(subscriptionName(withQuery(delivery("{}"), `subscription=${"s".repeat(255)}`))).toHaveLength(255);
  });
});

describe("SubscriptionFailures", () => {
  it("counts an authentic delivery the receiver failed, under service + Subscription only", async () => {
    stubs.eventBridge.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    const event = withQuery(delivery(JSON.stringify(envelope())), "subscription=bookings&v=0123abcd");
    const { response, lines, logs } = await invoke(receiver(), event);
    stubs.eventBridge.clearFaults();

    expect(response.statusCode).toBe(503);
    expect(logs[0]).toMatchObject({ outcome: "failed", subscription: "bookings" });
    const emf = emfOf(lines);
    expect(emf).toMatchObject({
      ForwardFailures: 1,
      [RECEIVER_METRICS.subscriptionFailures]: 1,
      [SUBSCRIPTION_DIMENSION]: "bookings",
      service: "calendly-receiver-test",
    });
    expect((emf._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics).toEqual([
      {
        Namespace: "CalendlyWebhooks",
        Dimensions: [["service"]],
        Metrics: [{ Name: "ForwardFailures", Unit: "Count" }],
      },
      {
        Namespace: "CalendlyWebhooks",
        Dimensions: [["service", "Subscription"]],
        Metrics: [{ Name: "SubscriptionFailures", Unit: "Count" }],
      },
    ]);
  });

  it("is not emitted for an accepted delivery, whose log line still names its subscription", async () => {
    const event = withQuery(delivery(JSON.stringify(envelope())), "subscription=bookings");
    const { response, lines, logs } = await invoke(receiver(), event);
    expect(response.statusCode).toBe(200);
    expect(logs[0]).toMatchObject({ outcome: "accepted", subscription: "bookings" });
    expect(emfOf(lines)).not.toHaveProperty(RECEIVER_METRICS.subscriptionFailures);
    expect(emfOf(lines)).not.toHaveProperty(SUBSCRIPTION_DIMENSION);
  });

  it("never attributes a request whose signature did not verify: the query is the sender's to write", async () => {
    const forged = withQuery(
      delivery(JSON.stringify(envelope()), { key: OTHER_KEY }),
      "subscription=bookings",
    );
    const { response, lines, logs } = await invoke(receiver(), forged);
    expect(response.statusCode).toBe(401);
    expect(logs[0]).not.toHaveProperty("subscription");
    expect(emfOf(lines)).not.toHaveProperty(SUBSCRIPTION_DIMENSION);
    expect(JSON.stringify(lines)).not.toContain(RECEIVER_METRICS.subscriptionFailures);
  });

  it("is not emitted for a failed delivery whose URL names no subscription", async () => {
    stubs.eventBridge.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    const { response, lines } = await invoke(receiver(), delivery(JSON.stringify(envelope())));
    stubs.eventBridge.clearFaults();
    expect(response.statusCode).toBe(503);
    expect(emfOf(lines)).toMatchObject({ ForwardFailures: 1 });
    expect(emfOf(lines)).not.toHaveProperty(RECEIVER_METRICS.subscriptionFailures);
  });
});
