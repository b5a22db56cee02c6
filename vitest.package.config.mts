import { defineConfig } from "vitest/config";

// `npm run test:package`: the pulumi-calendly tarball installed into a fresh Pulumi program outside
// the repository and run by the real Pulumi CLI (npm run pulumi:install) against the emulator.
// `npm install` reaches the npm registry (or its cache).
export default defineConfig({
  test: {
    include: ["test/package/**/*.test.ts"],
    pool: "forks",
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
