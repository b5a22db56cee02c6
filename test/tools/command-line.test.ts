/**
 * One way to read a command line (tools/command-line): the problems parseArgs' tokens reveal, each
 * named by its option and never quoting a value; the option values every entry point reads alike;
 * and the frame of a program (help, exit codes 0/1/2), through a real process.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../tools/command-line/parse";
import {
  hoursInMs,
  httpUrl,
  oneOf,
  port,
  positiveInteger,
  required,
  seconds,
  secondsInMs,
  someOf,
  wholeNumber,
} from "../../tools/command-line/values";

const OPTIONS = {
  json: { type: "boolean" },
  key: { type: "string", multiple: true },
  port: { type: "string" },
} as const;

describe("parseCommandLine", () => {
  it("returns typed values and, when allowed, the arguments", () => {
    const { values, positionals } = parseCommandLine(
      ["--json", "--key", "a", "--key=-b", "--port", "0", "x", "--", "--y"],
      OPTIONS,
      { allowPositionals: true },
    );
    expect(values).toEqual({ json: true, key: ["a", "-b"], port: "0" });
    expect(positionals).toEqual(["x", "--y"]);
  });

  it.each([
    [["--jsno"], "ERR_UNKNOWN_OPTION", "--jsno", 'unknown option --jsno (did you mean "--json"?)'],
    [["--secret=s3cr3t"], "ERR_UNKNOWN_OPTION", "--secret", "unknown option --secret"],
    [["-x"], "ERR_UNKNOWN_OPTION", "-x", "unknown option -x"],
    [["--port"], "ERR_MISSING_VALUE", "--port", "--port needs a value"],
    [["--json=s3cr3t"], "ERR_UNEXPECTED_VALUE", "--json", "--json is a flag and takes no value"],
    [
      ["--key", "-s3cr3t"],
      "ERR_AMBIGUOUS_VALUE",
      "--key",
      '--key\'s value starts with "-": write it as --key=<value>',
    ],
    [["stray"], "ERR_UNEXPECTED_ARGUMENT", undefined, 'unexpected argument "stray"'],
    [["--constructor"], "ERR_UNKNOWN_OPTION", "--constructor", "unknown option --constructor"],
  ])("%j: %s", (argv, code, option, message) => {
    expect(() => parseCommandLine(argv, OPTIONS)).toThrow(
      expect.objectContaining({ name: "CommandLineError", code, option, message }),
    );
    expect(message).not.toContain("s3cr3t");
  });

  it("takes a lone - as a value (stdin, by convention)", () => {
    expect(parseCommandLine(["--key", "-"], OPTIONS).values.key).toEqual(["-"]);
  });
});

describe("option values", () => {
  it("pass undefined through: the option was not given", () => {
    for (const read of [wholeNumber, positiveInteger, port, seconds, secondsInMs, hoursInMs, httpUrl]) {
      expect(read("x", undefined)).toBeUndefined();
    }
  });

  it("read a comma-separated list of choices, each trimmed", () => {
    expect(someOf("only", "scale, calls", ["handler", "calls", "scale"])).toEqual(["scale", "calls"]);
    expect(someOf("only", undefined, ["handler"])).toBeUndefined();
  });

  it("read durations in the unit their name says", () => {
    expect(seconds("tolerance", "180")).toBe(180);
    expect(secondsInMs("retry-initial", "0.2")).toBe(200);
    expect(secondsInMs("retry-window", "86400")).toBe(86_400_000);
    expect(hoursInMs("retrying-window", "24")).toBe(86_400_000);
  });

  it.each([
    ['--port must be an integer from 0 to 65535, got "abc"', () => port("port", "abc")],
    ['--port must be an integer from 0 to 65535, got "65536"', () => port("port", "65536")],
    ['--runs must be a whole number of at least 1, got "0"', () => positiveInteger("runs", "0")],
    [
      '--count must be a whole number from 1 to 9, got "1e3"',
      () => wholeNumber("count", "1e3", { min: 1, max: 9 }),
    ],
    ['--tolerance must be a whole number of seconds, got "soon"', () => seconds("tolerance", "soon")],
    ['--now must be a whole number of seconds, got " 12"', () => seconds("now", " 12")],
    ['--retry-max must be a number of seconds, got "-1"', () => secondsInMs("retry-max", "-1")],
    ['--retry-max must be a number of seconds, got "0x10"', () => secondsInMs("retry-max", "0x10")],
    [
      '--window must be a whole number of hours of at least 1, got "0"',
      () => hoursInMs("window", "0", { min: 1 }),
    ],
    ['--api-url must be an http(s) URL, got "localhost:4010"', () => httpUrl("api-url", "localhost:4010")],
    ['--url must be an http(s) URL, got "ftp://x"', () => httpUrl("url", "ftp://x")],
    [
      '--duplicate-url must be one of owner, organization, got "ownr" (did you mean "owner"?)',
      () => oneOf("duplicate-url", "ownr", ["owner", "organization"]),
    ],
    [
      '--variants must be one of floor, dynamic, native, got "natve" (did you mean "native"?)',
      () => someOf("variants", "floor,natve", ["floor", "dynamic", "native"]),
    ],
    ["--url is required", () => required("url", undefined)],
    ["--url is required", () => required("url", "")],
  ])("%s", (message, read) => {
    expect(read).toThrow(
      expect.objectContaining({
        name: "CommandLineError",
        message,
        code: message.endsWith("is required") ? "ERR_MISSING_OPTION" : "ERR_INVALID_VALUE",
      }),
    );
  });
});

describe("a program's frame (runProgram), as a real process", () => {
  const ROOT = join(__dirname, "..", "..");
  const program = `
    const { runProgram, port } = require("./tools/command-line");
    runProgram(
      { name: "npm run demo", help: "Usage: npm run demo -- [--port <n>] [--fail]\\n\\n  --port <n>  a port", options: { port: { type: "string" }, fail: { type: "boolean" } } },
      async ({ values }) => {
        if (values.fail) throw new Error("it failed");
        process.stdout.write("port " + port("port", values.port ?? "0") + "\\n");
        return 0;
      },
      process.argv.slice(1), // node -e: no script in argv
    );`;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "-e", program, "--", ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  it("runs main and exits with its code", () => {
    expect(run("--port", "80")).toMatchObject({ status: 0, stdout: "port 80\n", stderr: "" });
  });

  it("prints the help on --help, whatever else is there, and exits 0", () => {
    const result = run("--nope", "-h");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: npm run demo");
  });

  it("exits 2 on a bad command line or value: the problem, the usage line, where to read more", () => {
    for (const args of [
      ["--prot", "1"],
      ["--port", "x"],
    ]) {
      const result = run(...args);
      expect(result.status).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines[0]).toMatch(
        /^npm run demo: (unknown option --prot \(did you mean "--port"\?\)|--port must be)/,
      );
      expect(lines.slice(1)).toEqual([
        "Usage: npm run demo -- [--port <n>] [--fail]",
        'Run "npm run demo -- --help" for the options.',
      ]);
    }
  });

  it("exits 1 with one line when main fails", () => {
    expect(run("--fail")).toMatchObject({ status: 1, stderr: "npm run demo: it failed\n" });
  });
});
