/**
 * The package's name and version as sent in User-Agent. A constant rather than a read of
 * package.json so that the compiled code needs no JSON file at run time; a test keeps it in step
 * with packages/pulumi-calendly/package.json.
 */
export const PROJECT_NAME = "pulumi-calendly";
export const PROJECT_VERSION = "0.2.0";
export const USER_AGENT = `${PROJECT_NAME}/${PROJECT_VERSION} (+https://github.com/calendly-webhooks-pulumi)`;
