/**
 * Who may import what: the pulumi-calendly package keeps its insides to itself, and the rest of
 * the repository reaches Calendly's client through one face, calendly/index.ts.
 *
 * - packages/pulumi-calendly/ is reached by relative path only by calendly/, and only at the
 *   package's client entry (src/calendly, which the package exports as `pulumi-calendly/client`).
 *   Its transport, retry and schemas are private: neither that entry nor the face re-exports them.
 * - calendly/ is reached through calendly/index.ts, never one of its files, but for one second entry:
 *   calendly/delivery.ts (one delivery sent as Calendly sends it, for the emulator and the CLI), kept
 *   out of index.ts because it loads undici, which the receiver's bundle (it imports the face) must
 *   not carry (test/lambda/build.test.ts).
 * - By name, `pulumi-calendly` is imported only at an entry its package.json `exports` declares
 *   (never dist/ or src/). The client's entries (`/client`, `/signature`) by name are for the stack
 *   (infra/, index.ts) and Pulumi or user programs (examples/, test/engine/programs/); everything
 *   else takes the client from the face, so a process holds one copy of it. The resource side
 *   (`pulumi-calendly`, `pulumi-calendly/provider`) is the package's contract with programs and
 *   with Pulumi's host: tests and tools use it by name, as they do.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const PACKAGE = "packages/pulumi-calendly";
const PACKAGE_CLIENT_ENTRY = `${PACKAGE}/src/calendly`;
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIPPED = new Set(["node_modules", ".git", ".cache", "dist"]);
const CLIENT_ENTRIES = new Set(["pulumi-calendly/client", "pulumi-calendly/signature"]);
const CLIENT_BY_NAME = ["infra/", "index.ts", "examples/", "test/engine/programs/"];
/** calendly/'s entries: the face, and the delivery sender kept apart from it (see above). */
const FACE_ENTRIES = ["calendly", "calendly/index", "calendly/delivery"];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier a file names: imports, re-exports, `require()` and `import()`. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function exportedEntries(): Set<string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, PACKAGE, "package.json"), "utf8")) as {
    exports: Record<string, unknown>;
  };
  return new Set(Object.keys(manifest.exports).map((key) => `pulumi-calendly${key.slice(1)}`));
}

/** What is wrong with `file` importing `specifier`; `undefined` when nothing is. */
function importProblem(file: string, specifier: string, exported: Set<string>): string | undefined {
  const inFace = file.startsWith("calendly/");
  if (specifier.startsWith(".")) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), specifier))
      .split(sep)
      .join("/");
    const into = (folder: string) => target === folder || target.startsWith(`${folder}/`);
    if (into(PACKAGE)) {
      if (inFace && (target === PACKAGE_CLIENT_ENTRY || target === `${PACKAGE_CLIENT_ENTRY}/index`)) return;
      return inFace
        ? `calendly/ takes the package's client entry (${PACKAGE_CLIENT_ENTRY}) whole; import from there`
        : "the package's files are its own: import the face (calendly/), or the package by name";
    }
    if (into("calendly") && !inFace && !FACE_ENTRIES.includes(target)) {
      return "import the face, calendly/ (its index.ts, or calendly/delivery), not one of its files";
    }
    return;
  }
  if (specifier !== "pulumi-calendly" && !specifier.startsWith("pulumi-calendly/")) return;
  if (!exported.has(specifier)) return `not an entry of the package's exports (${[...exported].join(", ")})`;
  if (CLIENT_ENTRIES.has(specifier) && !CLIENT_BY_NAME.some((prefix) => file.startsWith(prefix))) {
    return "the client comes from the face (calendly/): one copy of it per process";
  }
  return;
}

/** `<file>: <specifier>: <the rule it breaks>`, for every import outside the package. */
function boundaryViolations(): string[] {
  const exported = exportedEntries();
  return sourceFiles("")
    .filter((file) => !file.startsWith(`${PACKAGE}/`))
    .flatMap((file) =>
      specifiers(file).flatMap((specifier) => {
        const problem = importProblem(file, specifier, exported);
        return problem === undefined ? [] : [`${file}: ${specifier}: ${problem}`];
      }),
    );
}

describe("boundaries of calendly/ and the pulumi-calendly package", () => {
  it("no file reaches past the face", () => {
    expect(boundaryViolations()).toEqual([]);
  });

  it("the face and the package's client entry keep transport, retry and schemas private", async () => {
    const face = await import("../../calendly");
    const entry = readFileSync(join(ROOT, PACKAGE_CLIENT_ENTRY, "index.ts"), "utf8");
    // The client's options (timeouts, retry policy) are public; the machinery behind them is not.
    for (const name of [
      "createTransport",
      "backoffDelayMs",
      "rateLimitWaitMs",
      "calendlySchemas",
      "scheduledEventSchemas",
    ]) {
      expect(face).not.toHaveProperty(name);
    }
    expect(entry).not.toMatch(/export \* from "\.\/(transport|retry|schemas)"/);
    expect(entry).not.toMatch(/from "\.\/schemas"/);
    for (const subpath of exportedEntries()) {
      expect(subpath).not.toMatch(/transport|retry|schemas|dist|src/);
    }
  });

  it.each([
    ["cli/errors.ts", "../packages/pulumi-calendly/src/calendly/errors", false],
    ["test/providers/diff.test.ts", "../../packages/pulumi-calendly/src/provider/diff", false],
    ["calendly/health.ts", "../packages/pulumi-calendly/src/calendly/types", false],
    ["lambda/validation.ts", "../calendly/samples", false],
    ["tools/dev/main.ts", "pulumi-calendly/dist/provider/signing-key", false],
    ["test/engine/upgrade.test.ts", "pulumi-calendly/client", false],
    ["lambda/verify.ts", "pulumi-calendly/signature", false],
    ["cli/errors.ts", "../calendly", true],
    ["test/calendly/client.test.ts", "../../calendly/index", true],
    ["calendly/index.ts", "../packages/pulumi-calendly/src/calendly", true],
    ["calendly/samples.ts", "./health", true],
    ["infra/config-rules.ts", "pulumi-calendly/signature", true],
    ["examples/invitee-details/handler.ts", "pulumi-calendly/client", true],
    ["test/providers/provider.test.ts", "pulumi-calendly/provider", true],
    ["test/infra/naming.test.ts", "pulumi-calendly", true],
    ["lambda/handler.ts", "undici", true],
  ] as const)("%s importing %s: allowed %s", (file, specifier, allowed) => {
    expect(importProblem(file, specifier, exportedEntries()) === undefined).toBe(allowed);
  });
});
