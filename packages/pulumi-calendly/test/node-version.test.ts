/**
 * The one-line stop on an old Node.js (src/node-version.ts): its minimum is the package's
 * `engines.node` and no lower than what undici, its HTTP client, requires.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertSupportedNode, MINIMUM_NODE_VERSION, nodeVersionProblem } from "../src/node-version";

const packageJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as { engines: { node: string } };

describe("the Node.js version check", () => {
  it("asks for the package's engines.node, which covers undici's", () => {
    expect(packageJson(join(__dirname, "..", "package.json")).engines.node).toBe(`>=${MINIMUM_NODE_VERSION}`);
    const undici = packageJson(require.resolve("undici/package.json")).engines.node;
    expect(undici).toBe(`>=${MINIMUM_NODE_VERSION}`);
  });

  it("accepts the minimum and newer, refuses older in one line saying why and how", () => {
    for (const ok of ["22.19.0", "22.23.3", "23.0.0", "24.1.0", "v22.19.1"])
      expect(nodeVersionProblem(ok)).toBeNull();
    for (const old of ["20.20.2", "22.18.9", "18.0.0"]) {
      const problem = nodeVersionProblem(old);
      expect(problem).toMatch(
        new RegExp(`needs Node\\.js 22\\.19\\.0 or newer, and this is ${old.replaceAll(".", "\\.")}`),
      );
      expect(problem).toMatch(/undici 8.*zstd/);
      expect(problem).toMatch(/nvm install 22/);
      expect(problem).not.toContain("\n");
    }
  });

  it("throws an error Pulumi prints without a stack (a RunError by its flag)", () => {
    let error: unknown;
    try {
      assertSupportedNode("20.20.2");
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ __pulumiRunError: true });
    expect((error as Error).stack?.split("\n")).toHaveLength(1);
  });
});
