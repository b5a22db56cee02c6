/**
 * `--stack <name>`: the token and API URL come from `pulumi config get`. A fake `pulumi` first on
 * PATH answers for a few stacks and logs its arguments, so the real integration (spawning the
 * CLI, reading stdout, telling "not found" from other failures) is exercised.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { runCli, runInProcess } from "./helpers";

let emu: TestEmulator;
let dir: string;
let log: string;
let path: string;

function fakePulumi(token: string, apiUrl: string): string {
  return `#!/bin/sh
# A stand-in for the Pulumi CLI: answers "config get <key> --stack <stack>" for a few stacks.
echo "$*" >> "${log}"
if [ "$1 $2 $4" != "config get --stack" ]; then echo "error: unexpected arguments: $*" >&2; exit 2; fi
case "$5/$3" in
  dev/calendly:token|prod/calendly:token|elsewhere/calendly:token) printf '%s\\n' '${token}' ;;
  dev/calendly:apiUrl) printf '%s\\n' '${apiUrl}' ;;
  elsewhere/calendly:apiUrl) printf '%s\\n' 'http://127.0.0.1:9' ;;
  broken/*) echo "error: no stack named '$5' found" >&2; exit 255 ;;
  *) echo "error: configuration key '$3' not found for stack '$5'" >&2; exit 255 ;;
esac
`;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), "cli-stack-"));
  log = join(dir, "pulumi.log");
  writeFileSync(log, "");
  writeFileSync(join(dir, "pulumi"), fakePulumi(emu.tokens.admin, emu.url));
  chmodSync(join(dir, "pulumi"), 0o755);
  path = `${dir}${delimiter}${process.env.PATH ?? ""}`;
});

afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("--stack", () => {
  it("reads calendly:token and calendly:apiUrl from the stack through `pulumi config get`", async () => {
    writeFileSync(log, "");
    const run = await runCli(["whoami", "--stack", "dev"], { PATH: path });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^user:\\s+${emu.users.admin}$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^api:\\s+${emu.url}$`, "m"));
    expect(run.stdout).toMatch(/^token from:\s+stack "dev"$/m);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "config get calendly:token --stack dev",
      "config get calendly:apiUrl --stack dev",
    ]);
  });

  it("works before the command too, and wins over CALENDLY_TOKEN (with a note)", async () => {
    const run = await runInProcess(["--stack", "dev", "list", "--json"], {
      PATH: path,
      CALENDLY_TOKEN: "ignored-token",
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
    expect(run.stderr).toContain('using the token of stack "dev"; CALENDLY_TOKEN is ignored');
  });

  it("a stack without calendly:apiUrl falls back to CALENDLY_API_URL", async () => {
    const run = await runInProcess(["whoami", "--json", "--stack", "prod"], {
      PATH: path,
      CALENDLY_API_URL: emu.url,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).apiUrl).toBe(emu.url);
  });

  it("--api-url wins over the stack's calendly:apiUrl", async () => {
    const run = await runInProcess(["whoami", "--json", "--stack", "elsewhere", "--api-url", emu.url], {
      PATH: path,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).apiUrl).toBe(emu.url);
  });

  it("a stack without calendly:token: says to use CALENDLY_TOKEN, never to put the token in config", async () => {
    const run = await runInProcess(["whoami", "--stack", "empty"], { PATH: path });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'calendly-webhooks whoami: Pulumi stack "empty" has no calendly:token (this project\'s stacks keep the token out of their config and state): set CALENDLY_TOKEN instead of --stack\n',
    );
  });

  it("a failing `pulumi config get` is reported with Pulumi's reason", async () => {
    const run = await runInProcess(["whoami", "--stack", "broken"], { PATH: path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `could not read calendly:token from Pulumi stack "broken" (no stack named 'broken' found)`,
    );
    expect(run.stderr).toContain("pulumi login");
  });

  it("without the Pulumi CLI on PATH: says so and suggests CALENDLY_TOKEN", async () => {
    const run = await runInProcess(["whoami", "--stack", "dev"], { PATH: join(dir, "nothing-here") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("`pulumi` is not on PATH");
    expect(run.stderr).toContain("set CALENDLY_TOKEN instead of --stack");
  });
});
