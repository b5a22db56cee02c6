/**
 * `pulumi-calendly/provider`: the provider's code as the dynamic-provider host runs it. The
 * `__provider` Pulumi stores for every WebhookSubscription is the shim (shim.ts), whose methods
 * `require` this module when they are called and hand their arguments to the functions below, which
 * delegate to one provider per process (`webhookSubscriptionProvider`).
 *
 * A contract with every state ever written: this module keeps exporting `configure`, `check`,
 * `diff`, `create`, `read`, `update` and `delete`, taking what Pulumi's host passes, for as long as
 * the package exists.
 */
import { webhookSubscriptionProvider as provider } from "./provider";

export {
  createWebhookSubscriptionProvider,
  MISSING_TOKEN_MESSAGE,
  type ProviderOptions,
  type WebhookSubscriptionProvider,
  webhookSubscriptionProvider,
} from "./provider";

export const configure = provider.configure;
export const check = provider.check!;
export const diff = provider.diff!;
export const create = provider.create;
export const read = provider.read!;
export const update = provider.update!;
const remove = provider.delete!;

// `delete` is a keyword, so it cannot be declared under its own name; it can be exported as one.
export { remove as delete };
