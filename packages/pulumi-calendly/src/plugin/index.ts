/**
 * `pulumi-calendly/plugin`: the native provider plugin (`pulumi-resource-calendly`) as a library:
 * its server, for a program or test that serves it in its own process, and the package schema it
 * serves. The plugin runs the same core as the dynamic resource (../provider).
 */
// First: on a Node.js too old for the package, stop here with one line (../node-version.ts).
import "../node-version";

export { main } from "./main";
export { PACKAGE_NAME, packageSchema, packageSchemaText } from "./schema/package";
export { WEBHOOK_SUBSCRIPTION_TOKEN } from "./schema/webhook-subscription";
export { type PluginOptions, providerService, SCHEMA_FILE, servePlugin } from "./server";
export {
  conceal,
  isSecretValue,
  type Properties,
  reveal,
  SECRET_SIGNATURE,
  SIGNATURE_KEY,
  secretValue,
  UNKNOWN,
} from "./values";
