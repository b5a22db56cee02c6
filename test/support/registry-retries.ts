/**
 * An install step inside a test that must reach a registry (PyPI for the Python SDK's environment,
 * the Go module proxy for the Go program's modules): tried up to 3 times, and a last failure says
 * what failed each time. A registry that stalls once must not fail a CI run (issue 19 §5); npm's
 * installs go to npm's cache first instead (test/package/offline-install.ts).
 */
import { execFileSync } from "node:child_process";

export const REGISTRY_ATTEMPTS = 3;

/** Runs `command args` in `cwd` until it succeeds, at most REGISTRY_ATTEMPTS times. */
export function runWithRegistryRetries(
  what: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= REGISTRY_ATTEMPTS; attempt++) {
    try {
      return execFileSync(command, args, { ...options, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      const output = `${stderr ?? ""}${stdout ?? ""}`.trim().split("\n").slice(-6).join("\n");
      failures.push(`attempt ${attempt}: ${output || String(error)}`);
    }
  }
  throw new Error(
    `${what} failed ${REGISTRY_ATTEMPTS} times (\`${command} ${args.join(" ")}\`):\n${failures.join("\n")}`,
  );
}
