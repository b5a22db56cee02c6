/**
 * What the native-provider scenarios share (test/engine/native-*.test.ts): programs written per
 * step into a temporary folder (a YAML program is its Pulumi.yaml), stacks whose default provider
 * reaches the file's emulator, the plugin found the way a user puts it, and the resources of the
 * native type in a state.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll } from "vitest";
import { stringify } from "yaml";
import {
  findPulumiCli,
  REPO_ROOT,
  resourcesOfType,
  type StateExport,
  type StateResource,
  type Workspace,
} from "./pulumi";
import type { EngineScenario, StackSetup } from "./scenario";

export const NATIVE_TYPE = "calendly:index:WebhookSubscription";
/** Where `npm ci` puts the plugin: node_modules/.bin/pulumi-resource-calendly. */
export const PLUGIN_DIR = join(REPO_ROOT, "node_modules", ".bin");

export function nativeSubscriptions(state: StateExport): StateResource[] {
  return resourcesOfType(state, NATIVE_TYPE);
}

/** A Pulumi YAML interpolation, `${expression}`. */
export function ref(expression: string): string {
  return `\${${expression}}`;
}

/** A YAML program's Pulumi.yaml, from its parts. */
export function yamlProgram(name: string, parts: Record<string, unknown>): string {
  // Pulumi YAML refuses anchors and aliases: a list used twice is written out twice.
  return stringify({ name, runtime: "yaml", ...parts }, { aliasDuplicateObjects: false });
}

/**
 * The CLI's PATH without any folder that holds the plugin (`npm run` puts node_modules/.bin on the
 * test's own PATH), so that only Pulumi.yaml's `plugins` can find it.
 */
export function pathWithoutPlugin(): string {
  const rest = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.endsWith(join("node_modules", ".bin")));
  return [findPulumiCli().binDir, dirname(process.execPath), ...rest].join(delimiter);
}

export interface NativeProgram {
  readonly ws: Workspace;
  readonly dir: string;
  /** Replaces the program's Pulumi.yaml (or any file of it). */
  write(text: string, file?: string): void;
}

export interface NativeSetup extends Omit<StackSetup, "programDir" | "subscriptions" | "signingKeys"> {
  /**
   * How the CLI finds the plugin: on PATH (default), or not on PATH (Pulumi.yaml's `plugins`, or a
   * plugin installed with `pulumi plugin install`).
   */
  plugin?: "path" | "elsewhere";
  /** Other files of the program, by name (an index.ts, a package.json…). */
  files?: Record<string, string>;
}

/** Registers the cleanup of the program folders; call once per file, beside `engineScenario`. */
export function nativePrograms(scenario: EngineScenario) {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return async function program(
    stack: string,
    text: string,
    setup: NativeSetup = {},
  ): Promise<NativeProgram> {
    const dir = mkdtempSync(join(tmpdir(), "calendly-native-"));
    dirs.push(dir);
    const write = (content: string, file = "Pulumi.yaml") => writeFileSync(join(dir, file), content);
    write(text);
    for (const [file, content] of Object.entries(setup.files ?? {})) write(content, file);
    const onPath = (setup.plugin ?? "path") === "path";
    const ws = await scenario.workspace(stack, {
      ...setup,
      programDir: dir,
      extraPath: onPath ? [PLUGIN_DIR, ...(setup.extraPath ?? [])] : setup.extraPath,
      env: onPath ? setup.env : { PATH: pathWithoutPlugin(), ...setup.env },
    });
    return { ws, dir, write };
  };
}

/** How Pulumi.yaml names the plugin when it is not on PATH. */
export const PROJECT_PLUGIN = { providers: [{ name: "calendly", path: PLUGIN_DIR }] };

/** The generated TypeScript SDK (`npm run codegen`). */
export const NODEJS_SDK_DIR = join(REPO_ROOT, "sdk", "nodejs");

/**
 * Builds the generated TypeScript SDK and installs it into `programDir`'s node_modules as npm lays
 * out a published package (its compiled JavaScript and declarations, and its package.json, under
 * its name). Returns the package's name. Never into a folder under the repository: the Node.js
 * host of any program there walks every node_modules below the program for packages that name a
 * plugin (`"pulumi": {"resource": true}`), and would then want the calendly plugin.
 */
export function installNodejsSdk(programDir: string): string {
  const { name } = JSON.parse(readFileSync(join(NODEJS_SDK_DIR, "package.json"), "utf8")) as { name: string };
  const target = join(programDir, "node_modules", ...name.split("/"));
  rmSync(target, { recursive: true, force: true });
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(NODEJS_SDK_DIR, "tsconfig.json"), "--outDir", target], {
    stdio: "pipe",
  });
  for (const file of ["package.json", "README.md"])
    copyFileSync(join(NODEJS_SDK_DIR, file), join(target, file));
  return name;
}

/**
 * Links packages of the repository's node_modules into `programDir`'s (as `npm install` would
 * install them there), for a program outside the repository.
 */
export function linkRepositoryPackages(programDir: string, names: readonly string[]): void {
  for (const name of names) {
    const target = join(programDir, "node_modules", name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(REPO_ROOT, "node_modules", name), target, "dir");
  }
}
