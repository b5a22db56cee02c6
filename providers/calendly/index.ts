export { type CheckFailure, checkSubscriptionInputs, type SubscriptionInputs } from "./inputs";
export type { ProviderDefault, SubscriptionOutputs } from "./outputs";
export type { WebhookSubscriptionProvider } from "./provider";
export { createWebhookSubscriptionProvider, webhookSubscriptionProvider } from "./provider";
export { WEBHOOK_SUBSCRIPTION_TYPE, WebhookSubscription, type WebhookSubscriptionArgs } from "./resource";
