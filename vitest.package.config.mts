import { defineConfig } from "vitest/config";

// `npm run test:package`: the pulumi-calendly tarball installed into a fresh Pulumi program outside
// the repository and run by the real Pulumi CLI (npm run pulumi:install) against the emulator.
// Its dependencies come from npm's cache (test/package/offline-install.ts), not the registry.
export default defineConfig({
  test: {
    include: ["test/package/**/*.test.ts"],
    // The run fails if a process it started (a CLI, a plugin, a provider host) outlives it.
    globalSetup: ["test/engine/support/leftover-processes.ts"],
    pool: "forks",
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
