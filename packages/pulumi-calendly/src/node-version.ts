/**
 * Stops the package at load, with one line, on a Node.js too old for it. Imported first by every
 * entry point (index.ts, provider/index.ts, calendly/index.ts, calendly/signature.ts, the CLI), so
 * nothing else of the package has run yet: on Node 20, undici 8 used to fail deep inside a
 * `pulumi preview` with "TypeError: Cannot read properties of undefined (reading 'bind')" in its
 * decompress interceptor (it binds `zlib.createZstdDecompress`, which Node 20 lacks).
 *
 * The error is flagged as Pulumi's RunError (`__pulumiRunError`, which the Node.js SDK checks with
 * `RunError.isInstance` without needing this package to load @pulumi/pulumi): a Pulumi program that
 * throws it prints its message alone, without a stack.
 */

/** undici 8's `engines.node` (test/package checks both stay in step with package.json). */
export const MINIMUM_NODE_VERSION = "22.19.0";

function parts(version: string): number[] {
  return version
    .replace(/^v/, "")
    .split(/[.-]/)
    .slice(0, 3)
    .map((part) => Number.parseInt(part, 10) || 0);
}

/** One line saying what is wrong and how to fix it, or null when `version` will do. */
export function nodeVersionProblem(version: string): string | null {
  const have = parts(version);
  const need = parts(MINIMUM_NODE_VERSION);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > need[i]!) return null;
    if ((have[i] ?? 0) < need[i]!) {
      return (
        `pulumi-calendly needs Node.js ${MINIMUM_NODE_VERSION} or newer, and this is ${version}: its HTTP ` +
        "client, undici 8, needs zlib's zstd support, which older Node.js lacks. Install Node.js 22 " +
        "(`nvm install 22`, or https://nodejs.org) and run `pulumi` with it on your PATH."
      );
    }
  }
  return null;
}

/** Throws the one-line error on a Node.js too old for the package. */
export function assertSupportedNode(version: string = process.versions.node): void {
  const problem = nodeVersionProblem(version);
  if (problem === null) return;
  const error = new Error(problem);
  // No stack: the message is all there is to say (Pulumi hides it for a RunError anyway).
  error.stack = `Error: ${problem}`;
  // Not enumerable: Node's report of an uncaught error would print it after the message.
  Object.defineProperty(error, "__pulumiRunError", { value: true });
  throw error;
}

assertSupportedNode();
