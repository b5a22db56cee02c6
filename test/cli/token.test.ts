/**
 * `calendly-webhooks token put | delete`, spawned as users run it, against the SSM stub with the
 * real AWS SDK (moto checks the same calls in test/moto/token.test.ts): the parameter the stack's
 * watchdog reads (the stack's own naming rule), created tagged then overwritten on rotation, the
 * token from stdin only (piped, or typed hidden at a terminal), refused when empty, and never in
 * any output or error; with `--parameter`, another SecureString (the invitee-details example's),
 * by the same rules.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CliError } from "../../cli/args";
import { readSecret } from "../../cli/secret-input";
import { watchdogTokenParameterName } from "../../infra/watchdog-token";
import { createTokenReader } from "../../lambda/watchdog-token";
import { type SsmStub, STUB_AWS_ENV, startSsmStub } from "../../tools/aws-stubs";
import { runCli, runInProcess } from "./helpers";

const TOKEN = "tok-TOKENPUT-first-3c9d1e";
const ROTATED = "tok-TOKENPUT-rotated-8a2f44";
const MARK = "TOKENPUT";
/** The repository's own project and dev stack (Pulumi.yaml, Pulumi.dev.yaml: aws:region us-east-1). */
const DEV_PARAMETER = watchdogTokenParameterName("calendly-webhooks", "dev");

let ssm: SsmStub;
let env: Record<string, string>;
let project: string;

beforeAll(async () => {
  ssm = await startSsmStub();
  // No shared AWS config of the machine: the stub, dummy credentials, and a region the stack file overrides.
  env = {
    ...STUB_AWS_ENV,
    AWS_REGION: "us-west-2",
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_PROFILE: "",
  };
  // Another Pulumi project: its own name, a stack in another region, and a subfolder to run from.
  project = mkdtempSync(join(tmpdir(), "token-put-"));
  writeFileSync(join(project, "Pulumi.yaml"), "name: other-project\nruntime: nodejs\n");
  writeFileSync(join(project, "Pulumi.qa.yaml"), "config:\n  aws:region: eu-west-1\n");
  writeFileSync(join(project, "Pulumi.noregion.yaml"), "config:\n  other-project:x: 1\n");
  mkdirSync(join(project, "infra"));
});

afterAll(async () => {
  await ssm?.close();
  rmSync(project, { recursive: true, force: true });
});

beforeEach(() => {
  ssm.clearFaults();
  ssm.writes.length = 0;
});

/** The real binary, as users and the deploy workflow run it. */
const put = (args: string[], input: string | undefined, options: { cwd?: string } = {}) =>
  runCli(["token", "put", ...args], env, { input, ...options });
/**
 * The same command in this process (seconds faster), for the cases that are about its rules; the
 * SSM client gets what the SDK reads from the environment in a spawned run.
 */
const here = () => ({
  ssm: {
    endpoint: ssm.url,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  },
});
const putHere = (args: string[], input: string, options: { cwd?: string } = {}) =>
  runInProcess(["token", "put", ...args], env, here(), undefined, { input, ...options });
function noToken(run: { stdout: string; stderr: string }) {
  expect(run.stdout + run.stderr).not.toContain(MARK);
}

describe("token put", () => {
  it("creates the SecureString the stack's watchdog reads, tagged, from the token piped on stdin", async () => {
    ssm.deleteParameter(DEV_PARAMETER);
    const run = await put(["--stack", "dev"], `${TOKEN}\n`);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(
      `Created SSM parameter ${DEV_PARAMETER} (SecureString, us-east-1, version 1) with the Calendly token: ` +
        'the watchdog of stack "dev" uses it from its next run.\n',
    );
    noToken(run);
    // The stack's own rule (infra/watchdog-token.ts): the parameter its watchdog is told and may read.
    expect(DEV_PARAMETER).toBe("/calendly-webhooks/dev/watchdog/calendly-token");
    expect(ssm.getStored(DEV_PARAMETER)).toMatchObject({
      value: TOKEN,
      type: "SecureString",
      version: 1,
      tags: { project: "calendly-webhooks", stack: "dev", "managed-by": "calendly-webhooks token put" },
    });
    expect(ssm.writes).toEqual([
      {
        operation: "PutParameter",
        name: DEV_PARAMETER,
        type: "SecureString",
        overwrite: false,
        tags: { project: "calendly-webhooks", stack: "dev", "managed-by": "calendly-webhooks token put" },
        outcome: "written",
      },
    ]);
  });

  it("rotates with the same command: the parameter overwritten, a new version, which the watchdog's reader gets", async () => {
    const run = await put(["--stack", "dev"], ROTATED);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Updated SSM parameter \S+ \(SecureString, us-east-1, version 2\)/);
    noToken(run);
    // AWS takes tags only on a create: the second write is an overwrite without them.
    expect(ssm.writes.map((w) => [w.outcome, w.overwrite, w.tags !== undefined])).toEqual([
      ["exists", false, true],
      ["written", true, false],
    ]);
    expect(ssm.getStored(DEV_PARAMETER)).toMatchObject({ value: ROTATED, version: 2, type: "SecureString" });
    const read = createTokenReader(
      { source: "ssm", parameterName: DEV_PARAMETER },
      () =>
        new SSMClient({
          endpoint: ssm.url,
          region: "us-east-1",
          credentials: { accessKeyId: "test", secretAccessKey: "test" },
        }),
    );
    expect(await read()).toBe(ROTATED);
  });

  it("--json prints what was written, without the token", async () => {
    const run = await putHere(["--stack", "dev", "--json"], ROTATED);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      stack: "dev",
      parameter: DEV_PARAMETER,
      region: "us-east-1",
      version: 3,
      created: false,
    });
    noToken(run);
  });

  it("refuses an empty stdin with a clear message, before any AWS call", async () => {
    // The binary with nothing on stdin (the CI case), and blank input in this process.
    for (const [input, run] of [
      ["", await put(["--stack", "dev"], "")],
      ["\n", await putHere(["--stack", "dev"], "\n")],
      ["  \n\t\n", await putHere(["--stack", "dev"], "  \n\t\n")],
    ] as const) {
      expect(run.code, JSON.stringify(input)).toBe(1);
      expect(run.stderr).toBe(
        "calendly-webhooks token: no Calendly token on stdin (it was empty): pipe it in, e.g. " +
          `printf '%s' "$CALENDLY_TOKEN" | calendly-webhooks token put --stack dev, or run the command in a ` +
          "terminal to type it (hidden)\n",
      );
    }
    expect(ssm.writes).toEqual([]);
  });

  it("refuses more than the token on stdin, without repeating any of it", async () => {
    const twoLines = await putHere(["--stack", "dev"], `${TOKEN}\n${ROTATED}\n`);
    expect(twoLines.code).toBe(1);
    expect(twoLines.stderr).toMatch(/the Calendly token on stdin is not one word \(2 lines\)/);
    noToken(twoLines);
    const spaced = await putHere(["--stack", "dev"], `Bearer ${TOKEN}`);
    expect(spaced.stderr).toMatch(/not one word \(it contains spaces\)/);
    noToken(spaced);
    expect(ssm.writes).toEqual([]);
  });

  it("never takes the token from the command line, and does not echo one typed there", async () => {
    const spawned = await runCli(["token", "put", TOKEN, "--stack", "dev"], env, { input: "" });
    for (const [args, run] of [
      [["token", "put", TOKEN, "--stack", "dev"], spawned],
      [["token", TOKEN, "--stack", "dev"], await runInProcess(["token", TOKEN, "--stack", "dev"], env)],
      [
        ["token", "put", "--stack", "dev", "--token", TOKEN],
        await runInProcess(["token", "put", "--stack", "dev", "--token", TOKEN], env),
      ],
    ] as const) {
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(
        /^calendly-webhooks token: .*\nusage: calendly-webhooks token \(put \| delete\)/,
      );
      noToken(run);
    }
    expect((await runInProcess(["token", "put", "x", "--stack", "dev"], env)).stderr).toContain(
      'token put takes no argument after "put": the token is read from stdin, never from the command line',
    );
    expect(ssm.writes).toEqual([]);
  });

  it("needs --stack, and a stack of the project: a name without its stack file writes nothing", async () => {
    const missing = await putHere([], TOKEN);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--stack is required");
    const unknown = await putHere(["--stack", "staging"], TOKEN);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/project "calendly-webhooks" has no stack file Pulumi\.staging\.yaml in /);
    noToken(unknown);
    expect(ssm.writes).toEqual([]);
  });

  it("names the parameter after the project it runs in (Pulumi.yaml, found from a subfolder), in the stack's aws:region", async () => {
    const qa = await putHere(["--stack", "acme/qa", "--json"], TOKEN, { cwd: join(project, "infra") });
    expect(qa.code).toBe(0);
    expect(JSON.parse(qa.stdout)).toMatchObject({
      stack: "qa",
      parameter: "/other-project/qa/watchdog/calendly-token",
      region: "eu-west-1",
      created: true,
    });
    // --region wins; without aws:region in the stack file, AWS_REGION (the SDK's usual sources).
    const override = await put(["--stack", "qa", "--region", "ap-southeast-2", "--json"], TOKEN, {
      cwd: project,
    });
    expect(JSON.parse(override.stdout)).toMatchObject({ region: "ap-southeast-2" });
    const fromEnv = await putHere(["--stack", "noregion", "--json"], TOKEN, { cwd: project });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({
      parameter: "/other-project/noregion/watchdog/calendly-token",
      region: "us-west-2",
    });
    // A fully qualified name must be of this project.
    const other = await putHere(["--stack", "acme/calendly-webhooks/qa"], TOKEN, { cwd: project });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--stack names project "calendly-webhooks", but');
    const bad = await putHere(["--stack", "qa", "--region", "Europe"], TOKEN, { cwd: project });
    expect(bad.code).toBe(2);
  });

  it("an AWS refusal: exit 1, one line naming the parameter, the region, AWS's error and the permission; no token", async () => {
    ssm.injectFaults({ type: "denied" }, 1);
    const run = await put(["--stack", "dev"], TOKEN);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^calendly-webhooks token: could not write SSM parameter ${DEV_PARAMETER} in us-east-1 \\(AccessDeniedException: .*not authorized.*\\): ` +
          "the AWS identity needs ssm:PutParameter \\(and ssm:AddTagsToResource, to create it\\) on the parameter\\n$",
      ),
    );
    noToken(run);
    // SSM down through the SDK's retries.
    ssm.injectFaults({ type: "outage", status: 500 }, 10);
    const down = await putHere(["--stack", "dev"], TOKEN);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /could not write SSM parameter \S+ in us-east-1 \(InternalServerError: stub outage\)/,
    );
    noToken(down);
  });
});

describe("token put --parameter: another function's token (the invitee-details example consumer's)", () => {
  /** What InviteeDetailsConsumer names by default for the repository's dev stack. */
  const EXAMPLE_PARAMETER = "/calendly-webhooks/dev/invitee-details/calendly-token";

  it("writes that SecureString, tagged, from stdin, in the stack's region; the watchdog's is untouched", async () => {
    ssm.deleteParameter(EXAMPLE_PARAMETER);
    const watchdogBefore = ssm.getStored(DEV_PARAMETER);
    const run = await put(["--stack", "dev", "--parameter", EXAMPLE_PARAMETER], `${TOKEN}\n`);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(
      `Created SSM parameter ${EXAMPLE_PARAMETER} (SecureString, us-east-1, version 1) with the Calendly token: ` +
        "the functions told this name use it from their next read of it.\n",
    );
    noToken(run);
    expect(ssm.getStored(EXAMPLE_PARAMETER)).toMatchObject({
      value: TOKEN,
      type: "SecureString",
      description:
        "A Calendly token read by a function of stack dev told this name (calendly-webhooks token put --parameter)",
      tags: { project: "calendly-webhooks", stack: "dev", "managed-by": "calendly-webhooks token put" },
    });
    expect(ssm.writes.map((w) => w.name)).toEqual([EXAMPLE_PARAMETER]);
    expect(ssm.getStored(DEV_PARAMETER)).toEqual(watchdogBefore);

    // Rotation is the same command; --json names the parameter.
    const rotated = await putHere(["--stack", "dev", "--parameter", EXAMPLE_PARAMETER, "--json"], ROTATED);
    expect(JSON.parse(rotated.stdout)).toEqual({
      stack: "dev",
      parameter: EXAMPLE_PARAMETER,
      region: "us-east-1",
      version: 2,
      created: false,
    });
    expect(ssm.getStored(EXAMPLE_PARAMETER)).toMatchObject({ value: ROTATED, version: 2 });
  });

  it("an empty stdin is refused with the command to pipe into, --parameter included", async () => {
    const run = await putHere(["--stack", "dev", "--parameter", EXAMPLE_PARAMETER], "");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `printf '%s' "$CALENDLY_TOKEN" | calendly-webhooks token put --stack dev --parameter ${EXAMPLE_PARAMETER}`,
    );
    expect(ssm.writes).toEqual([]);
  });

  it("refuses a name SSM would not take (exit 2, before reading stdin or calling AWS), never echoing stdin", async () => {
    for (const [name, problem] of [
      ["invitee-details/calendly-token", "--parameter must start with /"],
      ["/aws/reserved", "--parameter must not start with /aws or /ssm"],
      ["/a//b", "--parameter must be /-separated parts"],
      ["/a/b/", "--parameter must be /-separated parts"],
      ["/a b", "--parameter must be /-separated parts"],
    ] as const) {
      const run = await putHere(["--stack", "dev", "--parameter", name], TOKEN);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toContain(problem);
      noToken(run);
    }
    expect(ssm.writes).toEqual([]);
  });

  it("delete removes that parameter only", async () => {
    ssm.putParameter(EXAMPLE_PARAMETER, TOKEN);
    ssm.putParameter(DEV_PARAMETER, TOKEN);
    const run = await runInProcess(
      ["token", "delete", "--stack", "dev", "--parameter", EXAMPLE_PARAMETER],
      env,
      here(),
    );
    expect(run).toMatchObject({
      code: 0,
      stdout: `Deleted SSM parameter ${EXAMPLE_PARAMETER} (us-east-1).\n`,
    });
    expect(ssm.getStored(EXAMPLE_PARAMETER)).toBeUndefined();
    expect(ssm.getStored(DEV_PARAMETER)).toMatchObject({ value: TOKEN });
  });
});

describe("token delete", () => {
  it("removes the parameter (after pulumi destroy); a second delete has nothing to do and still succeeds", async () => {
    ssm.putParameter("/other-project/qa/watchdog/calendly-token", TOKEN);
    const first = await runCli(["token", "delete", "--stack", "qa"], env, { cwd: project });
    expect(first).toMatchObject({
      code: 0,
      stdout: "Deleted SSM parameter /other-project/qa/watchdog/calendly-token (eu-west-1).\n",
    });
    expect(ssm.getStored("/other-project/qa/watchdog/calendly-token")).toBeUndefined();
    const again = await runInProcess(["token", "delete", "--stack", "qa", "--json"], env, here(), undefined, {
      cwd: project,
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      stack: "qa",
      parameter: "/other-project/qa/watchdog/calendly-token",
      region: "eu-west-1",
      deleted: false,
    });
  });

  it("without an action, or with another one: a usage error", async () => {
    expect((await runInProcess(["token", "--stack", "dev"])).stderr).toContain(
      "say what to do: token put, or token delete",
    );
    const typo = await runInProcess(["token", "putt", "--stack", "dev"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown action (did you mean "put"?): token takes put or delete');
  });
});

describe("the token typed at a terminal", () => {
  /** A terminal-like stdin: raw mode switches recorded, keystrokes pushed as data. */
  function terminal() {
    const stream = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void };
    const modes: boolean[] = [];
    stream.isTTY = true;
    stream.setRawMode = (mode: boolean) => void modes.push(mode);
    return { stream, modes };
  }
  const prompt = (written: string[]) => ({
    what: "the Calendly token",
    pipeExample: "…",
    write: (text: string) => void written.push(text),
  });

  it("is read with the echo off (raw mode), backspace honoured, up to Enter, and never written back", async () => {
    const { stream, modes } = terminal();
    const written: string[] = [];
    const reading = readSecret(stream, prompt(written));
    stream.write(`${TOKEN}x\u007f`);
    stream.write("\r");
    expect(await reading).toBe(TOKEN);
    expect(modes).toEqual([true, false]);
    expect(written.join("")).toBe("Paste the Calendly token (input hidden), then Enter: \n");
  });

  it("Ctrl-C cancels: nothing is returned", async () => {
    const { stream, modes } = terminal();
    const reading = readSecret(stream, prompt([]));
    stream.write("abc\u0003");
    await expect(reading).rejects.toThrow(new CliError("cancelled: nothing was written"));
    expect(modes).toEqual([true, false]);
  });
});
