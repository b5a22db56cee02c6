/**
 * `pulumi-calendly`: Calendly webhook subscriptions as Pulumi resources.
 *
 *   import { WebhookSubscription } from "pulumi-calendly";
 *
 * The Calendly API client and the webhook signature are in `pulumi-calendly/client` and
 * `pulumi-calendly/signature`; the provider's run-time code is `pulumi-calendly/provider`.
 */
// First: on a Node.js too old for the package, stop here with one line (node-version.ts).
import "./node-version";

export {
  EVENT_RULES,
  eventScopeProblems,
  isScope,
  isWebhookEvent,
  SCOPES,
  type Scope,
  WEBHOOK_EVENTS,
  type WebhookEvent,
} from "./calendly/events";
export {
  type CheckFailure,
  callbackUrlProblem,
  checkSubscriptionInputs,
  isLoopbackHost,
  isUnknown,
  MIN_SIGNING_KEY_LENGTH,
  type SubscriptionInputs,
  UNKNOWN,
} from "./provider/inputs";
export {
  MARKER_LENGTH,
  MARKER_QUERY_PARAMETER,
  markedUrl,
  type ReplacementInputs,
  replacementMarker,
  SUBSCRIPTION_QUERY_PARAMETER,
} from "./provider/marker";
export type { ProviderDefault, SubscriptionOutputs } from "./provider/outputs";
export {
  WEBHOOK_SUBSCRIPTION_TYPE,
  WebhookSubscription,
  type WebhookSubscriptionArgs,
} from "./provider/resource";
