/**
 * Calendly's API for the rest of this repository (the receiver, the CLI, the emulator, the tools
 * and the tests): the client, errors, events, types and signature from the pulumi-calendly package
 * (packages/pulumi-calendly, by source, so nothing here needs a build), and the helpers only this
 * repository uses: realistic webhook samples (samples.ts) and the reading of a subscription's
 * health (health.ts).
 *
 * Not re-exported: delivery.ts, one delivery sent as Calendly sends it (for the emulator and the
 * CLI; import it by path). It imports undici at load, and the receiver's Lambda bundle imports this
 * face: esbuild drops the package's unused modules (its package.json says `sideEffects: false`) but
 * keeps whatever a module of this repository imports, which would triple the bundle.
 *
 * The stack (infra/) imports the WebhookSubscription resource by package name, `pulumi-calendly`,
 * as any Pulumi program does.
 */
export * from "../packages/pulumi-calendly/src/calendly";
export * from "./health";
export * from "./samples";
