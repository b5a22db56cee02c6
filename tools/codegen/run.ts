/**
 * `npm run codegen`: everything generated from the provider's description, written again.
 *
 *   1. packages/pulumi-calendly/schema.json, from src/plugin/schema/ (the resource's property table
 *      is typed against the core's inputs and outputs, so it cannot drift from them);
 *   2. sdk/nodejs, sdk/python and sdk/go/calendly, from that schema, by Pulumi's own code generators
 *      (main.go beside this file, `go run`), then `go mod tidy` for the Go SDK's go.sum.
 *
 * `npm run codegen -- --check` writes nothing: it generates into a temporary folder and fails,
 * naming each file, when the committed schema or SDKs differ from what it generated (CI runs it;
 * the schema alone is also checked by `npm test`, which needs no Go:
 * test/plugin/schema.test.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ensurePackageBuilt } from "../package/build";

const ROOT = join(__dirname, "..", "..");
export const SCHEMA_FILE = join(ROOT, "packages", "pulumi-calendly", "schema.json");
export const SDK_DIR = join(ROOT, "sdk");
const LANGUAGES = ["nodejs", "python", join("go", "calendly")];

function say(message: string) {
  process.stderr.write(`codegen: ${message}\n`);
}

/** Runs the Go generator on `schemaFile` into `outDir`, then tidies the Go SDK's module. */
function generateSdks(schemaFile: string, outDir: string) {
  execFileSync("go", ["run", ".", "-schema", schemaFile, "-out", outDir], {
    cwd: __dirname,
    stdio: ["ignore", "inherit", "inherit"],
  });
  execFileSync("go", ["mod", "tidy"], { cwd: join(outDir, "go", "calendly"), stdio: "inherit" });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

/** The files of `expected` (generated now) that `actual` (committed) lacks, has extra, or holds otherwise. */
function differences(expected: string, actual: string): string[] {
  const want = new Set(filesUnder(expected));
  const have = new Set(filesUnder(actual));
  const found: string[] = [];
  for (const name of want) {
    if (!have.has(name)) found.push(`missing: ${name}`);
    else if (!readFileSync(join(expected, name)).equals(readFileSync(join(actual, name))))
      found.push(`differs: ${name}`);
  }
  for (const name of have) if (!want.has(name)) found.push(`not generated: ${name}`);
  return found;
}

/** The schema as the package's current build writes it (built first if its sources changed). */
function packageSchemaText(): string {
  ensurePackageBuilt();
  const plugin = require("pulumi-calendly/plugin") as typeof import("pulumi-calendly/plugin");
  return plugin.packageSchemaText();
}

function main() {
  const check = process.argv.includes("--check");
  const schema = packageSchemaText();
  if (!check) {
    writeFileSync(SCHEMA_FILE, schema);
    say(`wrote ${relative(ROOT, SCHEMA_FILE)}`);
    generateSdks(SCHEMA_FILE, SDK_DIR);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), "calendly-codegen-"));
  try {
    const problems: string[] = [];
    if (!existsSync(SCHEMA_FILE) || readFileSync(SCHEMA_FILE, "utf8") !== schema) {
      problems.push(`differs: ${relative(ROOT, SCHEMA_FILE)}`);
    }
    const schemaFile = join(scratch, "schema.json");
    writeFileSync(schemaFile, schema);
    generateSdks(schemaFile, scratch);
    for (const language of LANGUAGES) {
      for (const problem of differences(join(scratch, language), join(SDK_DIR, language))) {
        problems.push(problem.replace(": ", `: sdk/${language}/`));
      }
    }
    if (problems.length > 0) {
      say(
        `the committed generated code is not current; run \`npm run codegen\` and commit:\n  ${problems.join("\n  ")}`,
      );
      process.exitCode = 1;
    } else {
      say("schema.json and sdk/ are current");
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
