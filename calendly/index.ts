/**
 * Calendly's API for the rest of this repository (the receiver, the CLI, the emulator, the tools
 * and the tests): everything the pulumi-calendly package exports as `pulumi-calendly/client` (the
 * client, its errors and their guards, the explanation ladder, events, signature and types), by
 * source, so nothing here needs a build; and the helpers only this repository uses: realistic
 * webhook samples (samples.ts) and the reading of a subscription's health (health.ts).
 *
 * Import this folder, never one of its files nor the package's: the client's transport, retry and
 * zod schemas stay private to the package. The stack (infra/) and Pulumi programs import the
 * package by name, `pulumi-calendly`, as any program does. test/architecture/boundaries.test.ts
 * fails when a file reaches past this face.
 *
 * Not re-exported: delivery.ts, one delivery sent as Calendly sends it (for the emulator and the
 * CLI; import it by path). It imports undici at load, and the receiver's Lambda bundle imports this
 * face: esbuild drops the package's unused modules (its package.json says `sideEffects: false`) but
 * keeps whatever a module of this repository imports, which would triple the bundle.
 */
export * from "../packages/pulumi-calendly/src/calendly";
export * from "./health";
export * from "./samples";
