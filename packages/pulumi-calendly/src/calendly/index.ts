/**
 * `pulumi-calendly/client`: Calendly's API as far as webhooks need it, usable without Pulumi (a
 * receiver, a consumer that looks up invitees, a script): the client, its typed errors, the event
 * and scope rules, the resource types and the webhook signature.
 */
// First: on a Node.js too old for the package, stop here with one line (node-version.ts).
import "../node-version";

export * from "./client";
export * from "./errors";
export * from "./events";
export * from "./explain";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
export * from "./scheduled-events";
export { apiUrlProblem, isLoopbackHost, type SecureUrlSubject, secureUrlProblem } from "./secure-url";
export * from "./signature";
export { DEFAULT_TIMEOUTS, type RetryNotice, type Timeouts } from "./transport";
export * from "./types";
export * from "./version";
export * from "./webhook-delivery";
