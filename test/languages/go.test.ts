/**
 * `npm run test:go`: a Go program (test/languages/programs/go) declares subscriptions through the
 * generated Go SDK (sdk/go/calendly, a Go module of this repository, taken through a `replace`)
 * and runs on the real Pulumi CLI v3.276.0 with Pulumi's Go language host v3.62.0 (npm run
 * pulumi:install), which builds the program with `go build` against sdk/v3 v3.276.0, against the
 * emulator: the scenarios of support/scenarios.ts. First, `go vet` of the SDK and the program
 * against the sdk/v3 the Go module proxy serves.
 *
 * The program's go.sum holds the go.mod hash of every module in its graph, more than `go mod tidy`
 * keeps: the host's GetRequiredPlugins runs `go list -m -json -mod=mod all`, which writes them, and
 * a run must leave the repository as it found it.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../engine/support/pulumi";
import { runWithRegistryRetries } from "../support/registry-retries";
import { languageScenarios } from "./support/scenarios";

const PROGRAM = join(__dirname, "programs", "go");
const SDK = join(REPO_ROOT, "sdk", "go", "calendly");

describe("the Go SDK as a Go module", () => {
  it("go vet passes for the SDK and for a program that uses it", () => {
    for (const dir of [SDK, PROGRAM]) {
      // The modules first, from the Go module proxy: retried, so that a proxy that stalls once does
      // not fail the run; vet and the host's go build then find them in Go's module cache.
      runWithRegistryRetries(`go mod download in ${dir}`, "go", ["mod", "download"], { cwd: dir });
      // -mod=readonly: go.mod and go.sum as committed must be complete.
      execFileSync("go", ["vet", "-mod=readonly", "./..."], { cwd: dir, stdio: "inherit" });
    }
    const path = execFileSync("go", ["list", "-m"], { cwd: SDK, encoding: "utf8" }).trim();
    expect(path).toMatch(/^github\.com\/[^/]+\/[^/]+\/sdk\/go\/calendly$/);
  });
});

languageScenarios("go", () => ({ programDir: PROGRAM }));
