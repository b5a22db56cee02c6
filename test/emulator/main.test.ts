/**
 * `npm run emulator` as people use it: a real process on a port of its own choosing (`--port 0`),
 * printing its URL and tokens, answering /users/me, and stopping cleanly on SIGTERM.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { call, type Json } from "./helpers";

const ROOT = join(__dirname, "..", "..");
// Children must run on this Node (22), whatever `node` comes first on the machine's PATH.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    // Each child leads its own process group (detached), so this ends npm, tsx and node together.
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
});

function start(
  command: string,
  args: string[],
): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on("line", (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, lines, exited };
}

async function waitForLine(
  lines: string[],
  pattern: RegExp,
  exited: Promise<unknown>,
): Promise<RegExpMatchArray> {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  for (;;) {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    if (done) throw new Error(`process exited without printing ${pattern}:\n${lines.join("\n")}`);
    await sleep(20);
  }
}

const tsx = join(ROOT, "node_modules", ".bin", "tsx");

describe("npm run emulator", () => {
  it("starts on --port 0, prints its URL and tokens, answers /users/me, and stops on SIGTERM", async () => {
    const { child, lines, exited } = start("npm", ["run", "--silent", "emulator", "--", "--port", "0"]);
    const [, url] = await waitForLine(
      lines,
      /^Calendly emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/,
      exited,
    );
    await waitForLine(lines, /^Control API:/, exited);
    expect(lines.join("\n")).toContain(`CALENDLY_API_URL=${url} CALENDLY_TOKEN=emu-owner-token`);
    expect(lines.some((l) => l.includes("emu-member-token") && l.includes("member"))).toBe(true);
    expect(lines.some((l) => l.includes("emu-free-token") && l.includes("free"))).toBe(true);

    const res = await call(url!, "GET", "/users/me", { token: "emu-owner-token" });
    expect(res.status).toBe(200);
    expect((res.json as Json).resource.uri.startsWith(`${url}/users/`)).toBe(true);
    await waitForLine(lines, /GET \/users\/me -> 200/, exited);

    process.kill(-child.pid!, "SIGTERM");
    await exited;
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
  });

  it("refuses a bad option with usage and exit code 2", async () => {
    const { lines, exited } = start(tsx, ["emulator/main.ts", "--port", "abc"]);
    expect(await exited).toBe(2);
    expect(lines.join("\n")).toMatch(/--port must be an integer/);
    expect(lines.join("\n")).toContain("Usage: npm run emulator");
  });

  it("refuses a reading of retry_started_at it does not know, naming the ones it does", async () => {
    const { lines, exited } = start(tsx, ["emulator/main.ts", "--retry-started-at", "messages"]);
    expect(await exited).toBe(2);
    expect(lines.join("\n")).toMatch(
      /--retry-started-at must be one of run, run-cleared, message, .*did you mean "message"/,
    );
  });

  it("refuses an unreadable seed file with exit code 1", async () => {
    const { lines, exited } = start(tsx, [
      "emulator/main.ts",
      "--port",
      "0",
      "--seed",
      "/nonexistent/seed.json",
    ]);
    expect(await exited).toBe(1);
    expect(lines.join("\n")).toMatch(/invalid emulator seed \(\/nonexistent\/seed\.json\)[\s\S]*cannot read/);
  });
});
