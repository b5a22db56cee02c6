/**
 * `pulumi-calendly/provider`: the provider's code as the dynamic-provider host runs it. The
 * `__provider` Pulumi stores for every WebhookSubscription is the shim (shim.ts), whose methods
 * `require` this module when they are called and hand their arguments to the functions below, which
 * delegate to the one provider of the process (`webhookSubscriptionProvider`).
 *
 * A contract with every state ever written: this module keeps exporting `configure`, `check`,
 * `diff`, `create`, `read`, `update` and `delete`, taking what Pulumi's host passes, for as long as
 * the package exists.
 */
// First: on a Node.js too old for the package, stop here with one line (node-version.ts).
import "../node-version";
import { webhookSubscriptionProvider as provider } from "./provider";

export {
  type CheckDeps,
  checkSubscription,
  createKeyCarrier,
  DEFAULTS_KEY,
  DESIRED_STATE,
  inputsFingerprint,
  type KeyCarrier,
  keyHeldByProvider,
  SECRET_INPUTS,
  type SubscriptionCheck,
} from "./check";
export { type ProviderConfig, providerConfigProblem, resolveApiUrl } from "./config";
export { keyNotCarriedMessage } from "./diff";
export { inputsFromOutputs, stateInput } from "./outputs";
export {
  MISSING_TOKEN_MESSAGE,
  type ProviderOptions,
  WebhookSubscriptionProvider,
  webhookSubscriptionProvider,
} from "./provider";

export const configure = provider.configure.bind(provider);
export const check = provider.check.bind(provider);
export const diff = provider.diff.bind(provider);
export const create = provider.create.bind(provider);
export const read = provider.read.bind(provider);
export const update = provider.update.bind(provider);
const remove = provider.delete.bind(provider);

// `delete` is a keyword, so it cannot be declared under its own name; it can be exported as one.
export { remove as delete };
