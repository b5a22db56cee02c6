/**
 * The package as a user gets it (`npm run test:package`, in .ci/run and in the release workflow):
 * the READMEs' way in, run as written. `npm pack -w pulumi-calendly` in the repository (or the
 * tarball PULUMI_CALENDLY_TARBALL names: the release workflow's, which it then publishes), then
 * `npm install <that file>` in a fresh Pulumi TypeScript program in a temporary folder outside the
 * repository (as `pulumi new typescript` lays one out). Then, against the emulator:
 * - the real Pulumi CLI: up, a clean preview, a replacement that keeps the generated key, destroy;
 * - what a preview already refuses: an API URL without a scheme or over plain http, adoptExisting
 *   without a signingKey;
 * - on Node.js 20 (/usr/bin/node here), the package stops at load with its one line, in plain
 *   node, in the CLI, in `pulumi preview` and in `pulumi refresh`, never deep inside undici;
 * - the package's command line, every `npx pulumi-calendly` line of its README run as written in
 *   the program's folder (none may reach the registry), and `adopt`'s declarations pasted into the
 *   program's index.ts, whose preview then says it will take the subscription over, and whose up
 *   does;
 * - the native plugin as the package installs it: its bin serves the schema.
 *
 * The program's own dependencies come from npm's cache, at the versions this repository's lockfile
 * pins, in npm's offline mode (offline-install.ts): a registry that stalls cannot fail the run. The
 * README's `npm install <that file>` then runs as written: from the cache where it can, with the
 * registry's metadata of its peer where a fresh machine's cache lacks it.
 *
 * Nothing of the repository is on that program's module path, so the code every operation runs is
 * the tarball's, required by the shim from the program's own node_modules.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, relative } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalendlyClient } from "../../calendly";
import type { Emulator } from "../../emulator/server";
import { PACKAGE_DIR } from "../../tools/package/build";
import { OWNER_TOKEN, startEngineEmulator } from "../engine/support/emulator";
import {
  createWorkspace,
  findPulumiCli,
  REPO_ROOT,
  type RunResult,
  resourcesOfType,
  type Workspace,
} from "../engine/support/pulumi";
import {
  type InstallRecord,
  installOffline,
  type LockEntry,
  npmCacheFirst,
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
  bin: Record<string, string>;
};
const README = readFileSync(join(PACKAGE_DIR, "README.md"), "utf8");
const rootLock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockEntry>;
};
const PROGRAM_NAME = "calendly-package-proof";

/** A Node.js older than the package wants, where the machine has one (Node 20 here). */
const OLD_NODE = "/usr/bin/node";
const oldNodeVersion = existsSync(OLD_NODE)
  ? spawnSync(OLD_NODE, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim()
  : "";
const haveOldNode = /^(1\d|2[01])\./.test(oldNodeVersion) || /^22\.(\d|1[0-8])\./.test(oldNodeVersion);
const NODE_STOP =
  /^pulumi-calendly needs Node\.js 22\.19\.0 or newer, and this is \d+\.\d+\.\d+: its HTTP client, undici 8, needs zlib's zstd support/m;

/** What a deploy job does: the token only in the environment. */
const DEPLOY = { env: { CALENDLY_TOKEN: OWNER_TOKEN } };
const URL_BASE = "https://hooks.example.com/calendly";

let root: string;
let programDir: string;
let tarball: string;
let emulator: Emulator;
let ws: Workspace;
let install: InstallRecord;
let readmeInstall: InstallRecord;

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** `pulumi new typescript`'s layout, with the package's README example as index.ts. */
function writeProgram(dir: string, packed: { file: string; integrity: string }) {
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
        file: relative(dir, packed.file),
        integrity: packed.integrity,
        manifest: { version, license, dependencies, peerDependencies, engines, bin },
      },
    }),
  );
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
  writeFileSync(join(dir, "index.ts"), PROGRAM);
}

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { markedUrl, type WebhookEvent, WebhookSubscription } from "pulumi-calendly";

const config = new pulumi.Config();
const events = config.requireObject<WebhookEvent[]>("events");

const bookings = new WebhookSubscription("bookings", {
  url: markedUrl("${URL_BASE}", "bookings", { events, scope: "user" }),
  events,
  scope: "user",
  adoptExisting: config.getBoolean("adoptExisting"),
});

export const uri = bookings.uri;
export const url = bookings.url;
export const signingKey = bookings.signingKey;
`;

/**
 * Runs a shell command line as a user types it, in the program's folder. Asynchronously: the
 * emulator answering it runs in this process.
 */
function shell(line: string, env: Record<string, string> = {}, input = ""): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "bash",
      ["--noprofile", "--norc", "-c", line],
      {
        cwd: programDir,
        timeout: 120_000,
        env: {
          PATH: [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter),
          HOME: process.env.HOME ?? root,
          // A package that had to come from the registry fails instead (the issue: `npx <name>`
          // once asked the registry for someone else's package).
          npm_config_offline: "true",
          npm_config_update_notifier: "false",
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, signal: error?.signal ?? null, stdout, stderr, output: `${stdout}\n${stderr}` });
      },
    );
    child.stdin?.end(input);
  });
}

/** The lines of the package README's shell blocks that start with `prefix`, comments stripped. */
function readmeCommands(prefix: string): string[] {
  const lines: string[] = [];
  for (const [, block] of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block!.split("\n")) {
      const command = line.replace(/\s+#.*$/, "").trim();
      if (command.startsWith(prefix)) lines.push(command);
    }
  }
  return lines;
}

/** The package README's first TypeScript block: its example program, as a user pastes it. */
const README_EXAMPLE = /```ts\n([\s\S]*?)```/.exec(README)![1]!;

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "pulumi-calendly-proof-")));
  const given = process.env.PULUMI_CALENDLY_TARBALL;
  if (given) {
    tarball = given;
  } else {
    // The README's command, in the repository (`npm ci` ran already: its root has tsc and esbuild),
    // writing the file outside the checkout; the package's `prepack` builds dist/ afresh.
    const [packed] = JSON.parse(
      npm(["pack", "-w", "pulumi-calendly", "--json", "--pack-destination", root], REPO_ROOT),
    ) as { filename: string }[];
    tarball = join(root, basename(packed!.filename));
  }
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  programDir = join(root, "program");
  mkdirSync(programDir);
  writeProgram(programDir, { file: tarball, integrity });
  install = installOffline(programDir);
  // The README's command, as written: from npm's cache where it can, else with the registry's
  // metadata, which a fresh machine's cache lacks (offline-install.ts).
  readmeInstall = npmCacheFirst(programDir, ["install", tarball], "The README's npm install <tarball>");
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

describe("the packed package, installed as the README says", () => {
  it("holds the built JavaScript, its declarations, its command line, the plugin and its schema, README and LICENSE, and no sources or tests", () => {
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
      "dist/node-version.js",
      "dist/cli.js",
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
    expect(basename(tarball)).toBe(`${packageJson.name}-${packageJson.version}.tgz`);
    // The README names the file `npm pack -w pulumi-calendly` writes.
    expect(README).toContain(`npm install /path/to/the/clone/${basename(tarball)}`);
    expect(README).toContain("npm ci && npm pack -w pulumi-calendly");
  });

  it("is installed with its dependencies from npm's cache, offline", () => {
    expect(
      install.attempts.map((a) => a.mode),
      JSON.stringify(install.attempts),
    ).toEqual(["offline"]);
  });

  it("is installed from the tarball into a program outside the repository, as a folder of its own", () => {
    console.log(`the README's npm install <tarball>: ${JSON.stringify(readmeInstall.attempts)}`);
    expect(relative(REPO_ROOT, programDir).startsWith("..")).toBe(true);
    const installed = realpathSync(join(programDir, "node_modules", "pulumi-calendly"));
    expect(installed).toBe(join(programDir, "node_modules", "pulumi-calendly"));
    // Its dependencies came from npm's cache, beside it, and its command is linked.
    for (const dependency of ["undici", "zod"]) {
      expect(realpathSync(join(programDir, "node_modules", dependency)).startsWith(programDir)).toBe(true);
    }
    expect(packageJson.bin).toMatchObject({ "pulumi-calendly": "dist/cli.js" });
    expect(realpathSync(join(programDir, "node_modules", ".bin", "pulumi-calendly"))).toBe(
      join(installed, "dist", "cli.js"),
    );
    const program = JSON.parse(readFileSync(join(programDir, "package.json"), "utf8"));
    expect(program.dependencies["pulumi-calendly"]).toMatch(/^file:.*\.tgz$/);
  });

  it("type-checks the program against the package's declarations", () => {
    execFileSync(join(programDir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", programDir], {
      encoding: "utf8",
    });
  });
});

describe.skipIf(!haveOldNode)(`on Node.js ${oldNodeVersion || "older than 22.19"}: one line, at load`, () => {
  it("plain node: each entry point stops with the reason and the fix; the command line with that line alone", async () => {
    for (const entry of ["pulumi-calendly", "pulumi-calendly/provider", "pulumi-calendly/client"]) {
      const run = spawnSync(OLD_NODE, ["-e", `require(${JSON.stringify(entry)})`], {
        cwd: programDir,
        encoding: "utf8",
      });
      expect(run.status, entry).toBe(1);
      // Node's own report of an uncaught error: where, then the one line (no stack, no properties).
      expect(run.stderr, entry).toMatch(new RegExp(`^\\[?Error: ${NODE_STOP.source.slice(1)}`, "m"));
      expect(run.stderr, entry).not.toMatch(/__pulumiRunError|^\s+at /m);
      expect(run.stderr, entry).not.toMatch(/Cannot read properties of undefined/);
    }
    const cli = await shell("npx pulumi-calendly --help", {
      PATH: ["/usr/bin", dirname(process.execPath), "/bin"].join(delimiter),
    });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe("");
    expect(cli.stderr.trim().split("\n")).toHaveLength(1);
    expect(cli.stderr).toMatch(NODE_STOP);
  });

  it("pulumi preview: the program stops with the line alone, not undici's TypeError", async () => {
    const preview = await ws.preview([], { allowFailure: true, env: oldNodeFirst() });
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(new RegExp(`error: ${NODE_STOP.source.slice(1)}`, "m"));
    expect(preview.output).not.toMatch(/Cannot read properties of undefined|at Object\.<anonymous>/);
  });
});

/** PATH with the old Node.js first (the language host and the provider host run `node`). */
function oldNodeFirst(): Record<string, string> {
  const cli = findPulumiCli();
  return { PATH: [cli.binDir, "/usr/bin", ws.env.PATH ?? ""].join(delimiter) };
}

describe("what a preview refuses, before anything is touched", () => {
  it.each([
    [
      "api.calendly.com",
      /calendly:apiUrl "api\.calendly\.com" is not an absolute URL; give it with its scheme, e\.g\. https:\/\/api\.calendly\.com/,
    ],
    [
      "http://calendly.example.com",
      /calendly:apiUrl "http:\/\/calendly\.example\.com" is plain http: the Calendly token would travel in clear; use https:\/\/calendly\.example\.com\//,
    ],
  ])("calendly:apiUrl %s: names the key and a valid value", async (apiUrl, message) => {
    await ws.setConfig("calendly:apiUrl", apiUrl);
    try {
      const before = emulator.control.requestCount();
      const preview = await ws.preview([], { allowFailure: true, env: DEPLOY.env });
      expect(preview.code).not.toBe(0);
      expect(preview.output).toMatch(message);
      expect(preview.output).toMatch(/pulumi config set calendly:apiUrl https:\/\/api\.calendly\.com/);
      expect(emulator.control.requestCount()).toBe(before);
    } finally {
      await ws.setConfig("calendly:apiUrl", emulator.url);
    }
  });

  it("adoptExisting without a signingKey", async () => {
    await ws.setConfig("adoptExisting", "true");
    try {
      const preview = await ws.preview([], { allowFailure: true });
      expect(preview.code).not.toBe(0);
      expect(preview.output).toMatch(/property signingKey .*has a problem: adoptExisting needs signingKey/);
    } finally {
      await ws.run(["config", "rm", "adoptExisting"]);
    }
  });
});

describe("the real Pulumi CLI in that program, against the emulator", () => {
  const agent = `${packageJson.name}/${packageJson.version} `;
  let firstKey: string;

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
    firstKey = (await ws.outputs({ showSecrets: true })).signingKey as string;
  });

  it("a second preview expects no changes and calls Calendly not once", async () => {
    const before = emulator.control.requestCount();
    const preview = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(preview.code, preview.output).toBe(0);
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("a change of events replaces the subscription, creating first, with the same generated key", async () => {
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
    expect((await ws.outputs({ showSecrets: true })).signingKey).toBe(firstKey);
  });

  it.skipIf(!haveOldNode)(
    "refresh on Node.js 20: the provider stops with the one line, not undici's TypeError",
    async () => {
      const refresh = await ws.refresh([], { allowFailure: true, env: { ...DEPLOY.env, ...oldNodeFirst() } });
      expect(refresh.code).not.toBe(0);
      expect(refresh.output).toMatch(/pulumi-calendly needs Node\.js 22\.19\.0 or newer, and this is /);
      expect(refresh.output).not.toMatch(/Cannot read properties of undefined/);
      expect(emulator.control.subscriptions()).toHaveLength(1);
    },
  );

  it("destroy leaves none at Calendly and none in state", async () => {
    await ws.destroy([], DEPLOY);
    expect(emulator.control.subscriptions()).toHaveLength(0);
    expect(resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE)).toHaveLength(0);
  });
});

describe("the package's command line, from the program's folder", () => {
  const handmadeKey = "a-key-made-by-hand-0123456789";
  const handmadeUrl = "https://hooks.example.com/handmade";
  let handmade: string;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    cliEnv = { CALENDLY_API_URL: emulator.url, CALENDLY_TOKEN: OWNER_TOKEN };
    // A subscription someone made by hand, for list and adopt to find. Not for invitee.created, the
    // event fired below: its URL answers nothing, and deliveries to it would fail until Calendly
    // disabled it (watch would say so, adopt would skip it).
    const seed = emulator.control.seed();
    const calendly = createCalendlyClient({ token: OWNER_TOKEN, baseUrl: emulator.url });
    try {
      const me = await calendly.getCurrentUser();
      handmade = (
        await calendly.createWebhookSubscription({
          url: handmadeUrl,
          events: ["invitee.canceled"],
          scope: "user",
          organization: me.currentOrganization,
          user: me.uri,
          signingKey: handmadeKey,
        })
      ).uri;
    } finally {
      await calendly.close();
    }
    expect(seed).toBeDefined();
  });

  it("runs every `npx pulumi-calendly` line of the README as written, never asking the registry", async () => {
    const commands = readmeCommands("npx pulumi-calendly");
    expect(commands.length).toBeGreaterThanOrEqual(6);
    const invitee = emulator.control.fireEvent({ event: "invitee.created" }).envelope.payload.uri as string;
    const results: (readonly [string, RunResult])[] = [];
    // The block's first line reads the token (a fresh shell has none): run before each, typed on stdin.
    const block =
      /```sh\n(read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN) [^\n]*\nnpx pulumi-calendly/.exec(README);
    expect(block).not.toBeNull();
    for (const line of commands) {
      const run = await shell(
        `${block![1]} && ${line}`,
        { CALENDLY_API_URL: emulator.url, INVITEE_URI: invitee },
        `${OWNER_TOKEN}\n`,
      );
      results.push([line, run]);
    }
    for (const [line, run] of results) {
      // `watch --once` exits 1 unless every subscription is healthy; the emulator's are.
      expect(run.code, `${line}\n${run.output}`).toBe(0);
      expect(run.output, line).not.toMatch(/npm error|ENOTCACHED|need to install/i);
    }
    const output = (prefix: string) => results.find(([line]) => line.startsWith(prefix))![1].stdout;
    expect(output("npx pulumi-calendly whoami")).toContain(emulator.control.seed().users[0]!.uri);
    expect(output("npx pulumi-calendly list")).toContain(handmade.split("/").pop());
    expect(output("npx pulumi-calendly invitee")).toMatch(/^name:\s+\S/m);
    expect(output("npx pulumi-calendly --help")).toMatch(/^pulumi-calendly <command> \[options\]/);
  });

  it("runs the README's emulator line and its token lines as written", async () => {
    const [emulatorLine] = readmeCommands("CALENDLY_API_URL=http://127.0.0.1:4010");
    expect(emulatorLine).toBe(
      "CALENDLY_API_URL=http://127.0.0.1:4010 CALENDLY_TOKEN=emu-owner-token npx pulumi-calendly whoami",
    );
    const run = await shell(emulatorLine!.replace("http://127.0.0.1:4010", emulator.url));
    expect(run.code, run.output).toBe(0);
    const [readToken] = readmeCommands("read -rs CALENDLY_TOKEN");
    expect(readToken).toBe("read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN");
    const typed = await shell(
      `${readToken} && npx pulumi-calendly whoami`,
      { CALENDLY_API_URL: emulator.url },
      `${OWNER_TOKEN}\n`,
    );
    expect(typed.code, typed.output).toBe(0);
    expect(typed.output).not.toContain(OWNER_TOKEN);
  });

  it("adopt's declarations paste below index.ts's imports; the preview says it will adopt; up does", async () => {
    const adopt = await shell("npx pulumi-calendly adopt --scope user", cliEnv);
    expect(adopt.code, adopt.output).toBe(0);
    const keyConfig = /pulumi config set --secret (calendly-handmade-signing-key)/.exec(adopt.stdout)?.[1];
    expect(keyConfig).toBeDefined();
    // Pasted at the end of the README's example program: below its imports, beside its declarations.
    writeFileSync(join(programDir, "index.ts"), `${README_EXAMPLE}\n${adopt.stdout}`);
    execFileSync(join(programDir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", programDir], {
      encoding: "utf8",
    });
    await ws.run(["config", "set", "--secret", keyConfig!], { input: handmadeKey });

    const preview = await ws.preview([], DEPLOY);
    expect(preview.stdout).toMatch(
      /\+\s+pulumi-nodejs:dynamic\/calendly:WebhookSubscription calendly-handmade create/,
    );
    expect(preview.output).toMatch(
      /adoptExisting: if Calendly already holds a subscription for https:\/\/hooks\.example\.com\/handmade .*takes it over/,
    );

    await ws.up([], DEPLOY);
    const ids = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE).map((r) => r.id);
    expect(ids).toContain(handmade.split("/").pop());
    expect(emulator.control.subscriptions().filter((s) => s.callback_url === handmadeUrl)).toHaveLength(1);
    await ws.destroy([], DEPLOY);
    expect(emulator.control.subscriptions()).toHaveLength(0);
  });
});

describe("the README's example program, as written", () => {
  let firstKey: string;

  beforeAll(async () => {
    writeFileSync(join(programDir, "index.ts"), README_EXAMPLE);
    await ws.up([], DEPLOY);
    firstKey = String((await ws.outputs({ showSecrets: true })).signingKey);
  });

  afterAll(async () => {
    await ws?.destroy([], DEPLOY);
    expect(emulator.control.subscriptions()).toHaveLength(0);
  });

  it("rotates its generated key by the one number it names: previewed as a rotation, created first, a new key", async () => {
    const raised = README_EXAMPLE.replace("signingKeyGeneration: 1,", "signingKeyGeneration: 2,");
    expect(raised).not.toBe(README_EXAMPLE);
    writeFileSync(join(programDir, "index.ts"), raised);
    const preview = await ws.preview();
    expect(preview.stdout).toMatch(/bookings\s+replace\s+\[diff: ~signingKeyGeneration,url\]/);
    const detailed = await ws.preview(["--diff"]);
    expect(detailed.stdout).toMatch(/~ signingKeyGeneration: 1 => 2/);
    expect(detailed.output).not.toMatch(/must delete the old subscription/);

    const since = emulator.control.requests().at(-1)!.seq;
    await ws.up([], DEPLOY);
    const calls = emulator.control
      .requests()
      .filter((r) => r.seq > since && r.operation !== "getCurrentUser")
      .map((r) => r.operation);
    expect(calls).toEqual(["createWebhookSubscription", "deleteWebhookSubscription"]);
    expect(String((await ws.outputs({ showSecrets: true })).signingKey)).not.toBe(firstKey);
  });

  it("a generation raised on the resource alone, not in markedUrl's values: the preview warns of the gap and names the fix", async () => {
    const resourceOnly = README_EXAMPLE.replace(
      "signingKeyGeneration: 1,",
      "signingKeyGeneration: 2,",
    ).replace("  ...bookingsSpec,\n", "  ...bookingsSpec,\n  signingKeyGeneration: 3,\n");
    expect(resourceOnly).toContain("signingKeyGeneration: 3,");
    writeFileSync(join(programDir, "index.ts"), resourceOnly);
    const preview = await ws.preview();
    expect(preview.stdout).toMatch(/bookings\s+replace\s+\[diff: ~[^\]]*signingKeyGeneration[^\]]*\]/);
    expect(preview.output).toMatch(
      /pulumi-calendly: warning: keeping the URL https:\/\/hooks\.example\.com\/calendly\?subscription=bookings&v=\w+, `pulumi up` must delete the old subscription before creating the new one/,
    );
    expect(preview.output).toMatch(/Give markedUrl every value that replaces the subscription/);
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
