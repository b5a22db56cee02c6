import { defineConfig } from "vitest/config";

// `npm run test:python` and `npm run test:go`: programs in those languages, through the generated
// SDKs, on the real Pulumi CLI and language hosts (npm run pulumi:install) against the emulator.
// They need Python 3.9+ with pip and venv (PyPI reachable) or Go; `npm test` needs neither.
export default defineConfig({
  test: {
    include: ["test/languages/**/*.test.ts"],
    // The plugin runs the pulumi-calendly package's dist/: rebuilt if stale. Then: the run fails if
    // a process it started (a CLI, a language host, a program, a plugin) outlives it.
    globalSetup: ["tools/package/build.ts", "test/engine/support/leftover-processes.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
