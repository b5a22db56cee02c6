/**
 * The package as a user gets it (`npm run test:package`, in .ci/run): `npm pack` of
 * packages/pulumi-calendly, installed with its dependencies into a fresh Pulumi TypeScript program
 * in a temporary folder outside the repository (as `pulumi new typescript` lays one out), then the
 * real Pulumi CLI runs it against the emulator: up, a clean preview, a replacement, destroy. The
 * dependencies come from npm's cache, at the versions this repository's lockfile pins, in npm's
 * offline mode (offline-install.ts): a registry that stalls cannot fail the run.
 *
 * Nothing of the repository is on that program's module path, so the code every operation runs is
 * the tarball's, required by the shim from the program's own node_modules.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { PACKAGE_DIR } from "../../tools/package/build";
import { OWNER_TOKEN, startEngineEmulator } from "../engine/support/emulator";
import {
  createWorkspace,
  findPulumiCli,
  REPO_ROOT,
  resourcesOfType,
  type Workspace,
} from "../engine/support/pulumi";
import {
  type InstallRecord,
  installOffline,
  type LockEntry,
  programLock,
  writeProgramPackage,
} from "./offline-install";

const PINNED_SHIM = readFileSync(
  join(REPO_ROOT, "test/fixtures/pulumi/webhook-subscription-provider.js"),
  "utf8",
);
const packageJson = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as LockEntry & {
  name: string;
  version: string;
};
const rootLock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockEntry>;
};
const PROGRAM_NAME = "calendly-package-proof";

/** What a deploy job does: the token only in the environment. */
const DEPLOY = { env: { CALENDLY_TOKEN: OWNER_TOKEN } };

let root: string;
let programDir: string;
let tarball: string;
let emulator: Emulator;
let ws: Workspace;
let install: InstallRecord;

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function writeProgram(dir: string, packed: { filename: string; integrity: string }) {
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    `name: ${PROGRAM_NAME}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
  );
  // The repository's versions of the program's own dependencies; the package from its tarball,
  // with its `bin`: npm ci links node_modules/.bin/pulumi-resource-calendly from the lockfile's entry.
  const { version, license, dependencies, peerDependencies, engines, bin } = packageJson;
  writeProgramPackage(
    dir,
    PROGRAM_NAME,
    programLock(rootLock.packages, {
      name: PROGRAM_NAME,
      dependencies: ["@pulumi/pulumi"],
      devDependencies: ["@types/node", "typescript"],
      tarball: {
        name: packageJson.name,
        file: relative(dir, join(root, packed.filename)),
        integrity: packed.integrity,
        manifest: { version, license, dependencies, peerDependencies, engines, bin },
      },
    }),
  );
  // Pulumi's own template (`pulumi new typescript`).
  writeFileSync(
    join(dir, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          outDir: "bin",
          target: "es2020",
          module: "commonjs",
          moduleResolution: "node",
          sourceMap: true,
          experimentalDecorators: true,
          pretty: true,
          noFallthroughCasesInSwitch: true,
          noImplicitReturns: true,
          forceConsistentCasingInFileNames: true,
        },
        files: ["index.ts"],
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(dir, "index.ts"),
    `import * as pulumi from "@pulumi/pulumi";
import { markedUrl, type WebhookEvent, WebhookSubscription } from "pulumi-calendly";

const config = new pulumi.Config();
const events = config.requireObject<WebhookEvent[]>("events");

const bookings = new WebhookSubscription("bookings", {
  url: markedUrl("https://hooks.example.com/calendly", "bookings", { events, scope: "user" }),
  events,
  scope: "user",
});

export const uri = bookings.uri;
export const url = bookings.url;
export const signingKey = bookings.signingKey;
`,
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "pulumi-calendly-proof-"));
  // The package's `prepack` builds dist/ afresh first.
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", root], PACKAGE_DIR)) as {
    filename: string;
    integrity: string;
    files: { path: string }[];
  }[];
  tarball = join(root, packed!.filename);
  programDir = join(root, "program");
  mkdirSync(programDir);
  writeProgram(programDir, packed!);
  install = installOffline(programDir);
  emulator = await startEngineEmulator();
  ws = await createWorkspace({ programDir, stack: "proof" });
  await ws.setConfig("calendly:apiUrl", emulator.url);
  await ws.setConfig("events", JSON.stringify(["invitee.created"]));
}, 600_000);

afterAll(async () => {
  ws?.dispose();
  await emulator?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("holds the built JavaScript, its declarations, the plugin and its schema, README and LICENSE, and no sources or tests", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""));
    for (const file of [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/provider/index.js",
      "dist/provider/shim.js",
      "dist/calendly/index.d.ts",
      "dist/calendly/signature.js",
      "dist/plugin/index.js",
      "dist/pulumi-resource-calendly.js",
      "bin/pulumi-resource-calendly",
      "schema.json",
    ]) {
      expect(files).toContain(file);
    }
    const shipped =
      /^(dist\/.*\.(js|d\.ts)|bin\/pulumi-resource-calendly|schema\.json|package\.json|README\.md|LICENSE)$/;
    expect(files.filter((f) => !shipped.test(f))).toEqual([]);
    expect(tarball).toMatch(new RegExp(`${packageJson.name}-${packageJson.version}\\.tgz$`));
  });

  it("is installed with its dependencies from npm's cache, offline", () => {
    expect(
      install.attempts.map((a) => a.mode),
      JSON.stringify(install.attempts),
    ).toEqual(["offline"]);
  });

  it("is installed from the tarball into a program outside the repository, as a folder of its own", () => {
    expect(relative(REPO_ROOT, programDir).startsWith("..")).toBe(true);
    const installed = realpathSync(join(programDir, "node_modules", "pulumi-calendly"));
    expect(installed).toBe(join(realpathSync(programDir), "node_modules", "pulumi-calendly"));
    // Its dependencies came from npm's cache, beside it.
    for (const dependency of ["undici", "zod"]) {
      expect(
        realpathSync(join(programDir, "node_modules", dependency)).startsWith(realpathSync(programDir)),
      ).toBe(true);
    }
  });

  it("type-checks the program against the package's declarations", () => {
    execFileSync(join(programDir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", programDir], {
      encoding: "utf8",
    });
  });
});

describe("the real Pulumi CLI in that program, against the emulator", () => {
  const agent = `${packageJson.name}/${packageJson.version} `;

  it("up creates the subscription, storing only the shim, byte for byte the repository's pinned one", async () => {
    await ws.up([], DEPLOY);
    const subs = emulator.control.subscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.events).toEqual(["invitee.created"]);
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.id).toBe(subs[0]!.uuid);
    expect(resource?.outputs?.__provider).toBe(PINNED_SHIM);
    expect(resource?.inputs?.__provider).toBe(PINNED_SHIM);
    for (const request of emulator.control.requests())
      expect(request.user_agent?.startsWith(agent)).toBe(true);
  });

  it("a second preview expects no changes and calls Calendly not once", async () => {
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("a change of events replaces the subscription, the new one created before the old one is deleted", async () => {
    const old = emulator.control.subscriptions()[0]!;
    await ws.setConfig("events", JSON.stringify(["invitee.canceled", "invitee.created"]));
    const since = emulator.control.requests().at(-1)!.seq;
    const up = await ws.up([], DEPLOY);
    expect(up.stdout).toMatch(/\+-1 replaced/);
    const calls = emulator.control
      .requests()
      .filter((r) => r.seq > since && r.operation !== "getCurrentUser");
    expect(calls.map((r) => r.operation)).toEqual(["createWebhookSubscription", "deleteWebhookSubscription"]);
    for (const call of calls) expect(call.user_agent?.startsWith(agent)).toBe(true);
    const subs = emulator.control.subscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.uuid).not.toBe(old.uuid);
    expect(subs[0]!.events).toEqual(["invitee.canceled", "invitee.created"]);
  });

  it("destroy leaves none at Calendly and none in state", async () => {
    await ws.destroy([], DEPLOY);
    expect(emulator.control.subscriptions()).toHaveLength(0);
    expect(resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE)).toHaveLength(0);
  });
});

describe("the native plugin as the package installs it", () => {
  it("node_modules/.bin/pulumi-resource-calendly starts with the registry's dependencies and serves the schema", () => {
    const plugin = join(programDir, "node_modules", ".bin", "pulumi-resource-calendly");
    const schema = execFileSync(join(findPulumiCli().binDir, "pulumi"), ["package", "get-schema", plugin], {
      encoding: "utf8",
      env: { ...ws.env },
    });
    expect(JSON.parse(schema)).toMatchObject({ name: "calendly", version: packageJson.version });
    // gRPC and protobuf came from the registry, beside it, as dependencies of the package.
    for (const dependency of ["@grpc/grpc-js", "google-protobuf"]) {
      expect(
        realpathSync(join(programDir, "node_modules", dependency)).startsWith(realpathSync(programDir)),
      ).toBe(true);
    }
  });
});
