/** Help, usage errors and exit code 2, through the real binary and in-process. */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../cli/main";
import { runCli, runInProcess } from "./helpers";

describe("help", () => {
  it("prints the command list with --help, exit 0, nothing on stderr", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const command of COMMANDS) expect(run.stdout).toContain(command.name);
    expect(run.stdout).toContain("Exit codes: 0 success, 1 failure, 2 usage error");
  });

  it.each(COMMANDS.map((c) => c.name))("%s --help prints its usage and options, exit 0", async (name) => {
    const run = await runInProcess([name, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout.startsWith(`calendly-webhooks ${name}`)).toBe(true);
    expect(run.stdout).toContain("Options:");
  });

  it("help <command> is the same as <command> --help", async () => {
    const a = await runInProcess(["help", "verify"]);
    const b = await runInProcess(["verify", "-h"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it("--help wins over other (even bad) options", async () => {
    const run = await runInProcess(["send-test", "--nope", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--tamper");
  });
});

describe("usage errors exit 2 with the usage line", () => {
  it("no command", async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("a command is needed");
  });

  it("unknown command, with a spelling hint", async () => {
    const run = await runCli(["lsit"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "lsit" (did you mean "list"?)');
    expect(run.stdout).toBe("");
  });

  it("unknown option, with a spelling hint and the command's usage line", async () => {
    const run = await runCli(["list", "--jsno"]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe('calendly-webhooks list: unknown option --jsno (did you mean "--json"?)');
    expect(lines[1]).toMatch(/^usage: calendly-webhooks list /);
  });

  it("--token is refused with the reason and the alternatives", async () => {
    const run = await runInProcess(["whoami", "--token", "abc"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--token is not accepted");
    expect(run.stderr).toContain("CALENDLY_TOKEN");
    expect(run.stderr).not.toContain("abc");
  });

  it.each([
    [["send-test", "--key", "k"], "--url is required"],
    [["send-test", "--url", "http://127.0.0.1:9/"], "a signing key is required"],
    [["send-test", "--url", "ftp://x", "--key", "k"], "--url must be an http(s) URL"],
    [
      ["send-test", "--url", "http://127.0.0.1:9/", "--key", "k", "--event", "invitee.cancelled"],
      'unknown event "invitee.cancelled" (did you mean "invitee.canceled"?)',
    ],
    [
      [
        "send-test",
        "--url",
        "http://127.0.0.1:9/",
        "--key",
        "k",
        "--event",
        "meeting_recap.created",
        "--scope",
        "organization",
      ],
      "not allowed in organization scope",
    ],
    [["send-test", "--url", "http://127.0.0.1:9/", "--key", "a", "--key", "b"], "signs with one key"],
    [["verify", "--body", "x", "--key", "k"], "--header is required"],
    [["verify", "--header", "t=1,v1=00", "--key", "k"], "--body is required"],
    [
      ["verify", "--header", "t=1,v1=00", "--body", "/nonexistent/body.json", "--key", "k"],
      "cannot read --body /nonexistent/body.json (ENOENT)",
    ],
    [
      ["verify", "--header", "t=1,v1=00", "--body", "x", "--key", "k", "--tolerance", "soon"],
      "--tolerance must be a whole number of seconds",
    ],
    [
      ["list", "--scope", "users"],
      '--scope must be one of organization, user, group, got "users" (did you mean "user"?)',
    ],
    [["list", "--scope", "group"], "--scope group needs --group"],
    [["adopt", "--scope", "organization", "--user", "u"], "--user only applies to --scope user"],
    [["list", "--api-url", "localhost:4010"], "--api-url must be an http(s) URL"],
    [["whoami", "extra"], 'unexpected argument "extra"'],
    [["list", "--scope"], "--scope needs a value"],
    [["whoami", "--json=yes"], "--json is a flag and takes no value"],
    [
      ["verify", "--key", "-dash-key", "--header", "h", "--body", "b"],
      '--key\'s value starts with "-": write it as --key=<value>',
    ],
  ])("%j: %s", async (args, message) => {
    const run = await runInProcess(args, {
      CALENDLY_TOKEN: "unused",
      CALENDLY_API_URL: "http://127.0.0.1:9",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    // A value that may be a signing key is never echoed.
    expect(run.stderr).not.toContain("dash-key");
    expect(run.stderr).toMatch(new RegExp(`\\nusage: calendly-webhooks ${args[0]} `));
    expect(run.stdout).toBe("");
  });
});

describe("other global behaviour", () => {
  it("--version prints the project version", async () => {
    const run = await runInProcess(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("global options may come before the command", async () => {
    const run = await runInProcess(["--api-url", "not-a-url", "whoami"], { CALENDLY_TOKEN: "t" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--api-url must be an http(s) URL");
  });

  it("a command that needs a token says how to give one (exit 1)", async () => {
    const run = await runCli(["list"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("no Calendly token: set CALENDLY_TOKEN");
    expect(run.stderr).toContain("--stack <name>");
  });
});
