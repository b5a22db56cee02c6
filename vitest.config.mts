import { defineConfig } from "vitest/config";

// `npm test` runs every fast suite. Long fault, fuzz and load runs have their own npm scripts
// and live outside these globs.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/faults/**", "test/load/**", "test/engine/**"],
    // Suites spawn real servers and Pulumi's provider host; forks keep them isolated.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
