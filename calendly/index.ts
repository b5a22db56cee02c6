/**
 * Calendly's API for the rest of this repository (the receiver, the CLI, the emulator, the tools
 * and the tests): the client, errors, events, types and signature from the pulumi-calendly package
 * (packages/pulumi-calendly, by source, so nothing here needs a build), and the helpers only this
 * repository uses: realistic webhook samples (samples.ts) and the reading of a subscription's
 * health (health.ts).
 *
 * The stack (infra/) imports the WebhookSubscription resource by package name, `pulumi-calendly`,
 * as any Pulumi program does.
 */
export * from "../packages/pulumi-calendly/src/calendly";
export * from "./health";
export * from "./samples";
