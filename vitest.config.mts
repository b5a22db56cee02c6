import { defineConfig } from "vitest/config";

// `npm test` runs every fast suite. Long fault, fuzz and load runs have their own npm scripts
// and live outside these globs.
export default defineConfig({
  test: {
    exclude: [
      "**/node_modules/**",
      "test/faults/**",
      "test/load/**",
      "test/engine/**",
      "test/package/**",
      "test/languages/**",
    ],
    // Tests load the pulumi-calendly package from its dist/ (the shim requires it): rebuilt if stale.
    // Then: the run fails if a process it started (a server, a provider host) outlives it.
    globalSetup: ["tools/package/build.ts", "test/engine/support/leftover-processes.ts"],
    // Suites spawn real servers and Pulumi's provider host; forks keep them isolated.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        // The package's own unit tests sit beside it (packages/*/test): what needs nothing of this
        // repository. Tests that need the emulator or Pulumi's host are in test/ and import it by name.
        test: { name: "all", include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"] },
      },
      // The provider against the emulator's stricter, organization-wide 409 rule as well (the
      // default is Calendly's documented per-owner rule): see test/providers/duplicate-url-rule.ts.
      {
        extends: true,
        test: {
          name: "provider, organization-wide 409",
          include: ["test/providers/provider.test.ts", "test/providers/host.test.ts"],
          env: { EMULATOR_DUPLICATE_URL_RULE: "organization" },
        },
      },
    ],
  },
});
