/**
 * `npm run test:engine` holds only tests that run the real Pulumi CLI, so that the count it prints
 * is the count of real-engine tests (docs/engine.md quotes it). A test of the engine's helpers that
 * never starts the CLI (the stand-ins' own, test/tools/pulumi-standins.test.ts) belongs in
 * `npm test`. Every file in test/engine/ must create a CLI workspace, directly or through the
 * scenario helpers (test/engine/support).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ENGINE = join(__dirname, "..", "engine");
/** The calls that create a workspace of the real CLI (support/pulumi.ts, support/scenario.ts). */
const STARTS_THE_CLI = /\b(createWorkspace|emulatorWorkspace|engineScenario)\(/;

describe("npm run test:engine", () => {
  it.each(readdirSync(ENGINE).filter((f) => f.endsWith(".test.ts")))(
    "%s runs the real Pulumi CLI",
    (file) => {
      expect(readFileSync(join(ENGINE, file), "utf8")).toMatch(STARTS_THE_CLI);
    },
  );
});
