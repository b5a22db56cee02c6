/**
 * The project's name and version as sent in User-Agent. A constant rather than a read of
 * package.json because the provider's serialized code captures it by value (a test keeps the two
 * in step).
 */
export const PROJECT_NAME = "calendly-webhooks-pulumi";
export const PROJECT_VERSION = "0.1.0";
export const USER_AGENT = `${PROJECT_NAME}/${PROJECT_VERSION} (+https://github.com/calendly-webhooks-pulumi)`;
