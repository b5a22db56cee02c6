import { defineConfig } from "vitest/config";

// `npm run test:engine`: the real Pulumi CLI (npm run pulumi:install) against the emulator.
// Each `pulumi up` starts Node processes and ts-node, so steps take seconds. Files run one at a
// time: two whole-program runs sharing 2 cores once printed a preview without its last line.
export default defineConfig({
  test: {
    include: ["test/engine/**/*.test.ts"],
    // Tests load the pulumi-calendly package from its dist/ (the shim requires it): rebuilt if stale.
    // Then: the run fails if a process it started (a CLI, a plugin, a provider host) outlives it.
    globalSetup: ["tools/package/build.ts", "test/engine/support/leftover-processes.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
