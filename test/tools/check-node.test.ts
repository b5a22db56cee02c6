/**
 * First contact on an older Node: every entry point stops at once with one line saying which Node is
 * needed and how to get one (tools/check-node.cjs), instead of failing deep inside a dependency.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const { nodeVersionProblem } = require(join(ROOT, "tools", "check-node.cjs")) as {
  nodeVersionProblem(version: string, range?: string): string | null;
};
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

describe("the Node version check", () => {
  it("refuses an older major with one line naming the version needed and `source .ci/node.sh`", () => {
    const problem = nodeVersionProblem("20.20.2");
    expect(problem).toMatch(/^calendly-webhooks needs Node\.js 22 or newer \(this is 20\.20\.2\): /);
    expect(problem).toContain("source .ci/node.sh");
    expect(problem).not.toContain("\n");
    expect(nodeVersionProblem("18.0.0", ">=24")).toMatch(/Node\.js 24 or newer/);
  });

  it("accepts the required major and newer ones", () => {
    expect(pkg.engines.node).toBe(">=22");
    expect(nodeVersionProblem("22.0.0")).toBeNull();
    expect(nodeVersionProblem("24.1.0")).toBeNull();
  });

  it("runs before npm test, npm run dev and the CLI, and npm ci refuses an older Node (engine-strict)", () => {
    for (const script of ["test", "dev", "cli"])
      expect(pkg.scripts[`pre${script}`]).toBe("node tools/check-node.cjs");
    expect(readFileSync(join(ROOT, "bin", "calendly-webhooks.js"), "utf8")).toMatch(
      /require\("\.\.\/tools\/check-node\.cjs"\)\.checkNode\(\);\nrequire\("tsx\/cjs"\)/,
    );
    expect(readFileSync(join(ROOT, ".npmrc"), "utf8")).toMatch(/^engine-strict=true$/m);
  });

  it("lets this Node through, silently", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "tools", "check-node.cjs")], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
  });
});
