/**
 * Pulumi.yaml's requiredPulumiVersion, as the real CLI applies it: a project with the range the
 * repository declares previews; the same project with a range this CLI does not satisfy is refused
 * before its program runs. (Pulumi's project schema does not declare the key, so only the CLI
 * checks it: test/infra/project-file.test.ts.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { createWorkspace, findPulumiCli, REPO_ROOT, type Workspace } from "./support/pulumi";

const required = (
  parse(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { requiredPulumiVersion: string }
).requiredPulumiVersion;

let programDir: string;
let ws: Workspace;

function writeProject(range: string) {
  const project = {
    name: "required-version",
    runtime: "nodejs",
    main: "index.js",
    requiredPulumiVersion: range,
  };
  writeFileSync(join(programDir, "Pulumi.yaml"), stringify(project));
}

beforeAll(async () => {
  // Inside the repository (.cache is git-ignored) so that the program resolves @pulumi/pulumi from
  // its node_modules, as the real program does.
  const parent = join(REPO_ROOT, ".cache", "engine-projects");
  mkdirSync(parent, { recursive: true });
  programDir = mkdtempSync(join(parent, "required-version-"));
  writeFileSync(
    join(programDir, "index.js"),
    "// No resources: only the CLI's version check is under test.\n",
  );
  writeProject(required);
  ws = await createWorkspace({ programDir, stack: "version" });
});

afterAll(() => {
  ws?.dispose();
  rmSync(programDir, { recursive: true, force: true });
});

describe("requiredPulumiVersion through the real CLI", () => {
  it(`accepts this CLI under the repository's range (${required})`, async () => {
    const preview = await ws.preview();
    expect(preview.code).toBe(0);
    expect(preview.output).not.toMatch(/does not satisfy/);
  });

  it("refuses a CLI outside the range, before the program runs", async () => {
    const version = findPulumiCli().version.replace(/^v/, "");
    writeProject(`>${version}`);
    const preview = await ws.preview([], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain(
      `Pulumi CLI version ${version} does not satisfy the version range ">${version}"`,
    );
  });
});
