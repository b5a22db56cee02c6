/**
 * Which of our subscriptions a delivery is for: the stack gives each subscription its own URL, the
 * receiver's URL plus `?subscription=<name>&v=<marker>` (pulumi-calendly's `markedUrl`), and
 * Calendly posts to that URL exactly. The name becomes the `Subscription` dimension of the
 * receiver's per-subscription metric, which the subscription's `delivery-failures` alarm watches.
 *
 * Read only once the signature verified: before that the query string is whoever sent the
 * request's to write, and a dimension value per forged name would be a custom metric billed per
 * name. A name that is not plain (URL-safe characters, at most 255) counts as none.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * The query parameter naming the subscription: pulumi-calendly's `SUBSCRIPTION_QUERY_PARAMETER`,
 * written again here because the package's resource side (and Pulumi with it) has no place in the
 * receiver's bundle; test/lambda/subscription-name.test.ts checks that the two agree.
 */
export const SUBSCRIPTION_QUERY_PARAMETER = "subscription";

const PLAIN_NAME = /^[\w.~-]{1,255}$/;

/** The subscription's name from the delivery's URL, or `undefined` when it names none (plainly). */
export function subscriptionName(
  event: Pick<APIGatewayProxyEventV2, "queryStringParameters">,
): string | undefined {
  // API Gateway decodes the query and joins a repeated parameter with commas, which PLAIN_NAME refuses.
  const name = event.queryStringParameters?.[SUBSCRIPTION_QUERY_PARAMETER];
  return name !== undefined && PLAIN_NAME.test(name) ? name : undefined;
}
