/**
 * Processes a suite started that outlive it. As a vitest globalSetup (vitest.engine.config.mts,
 * vitest.package.config.mts, vitest.languages.config.mts): before any test, the run gets a marker in its environment, which
 * every process it starts inherits (the test workers, the Pulumi CLI, its language host and
 * plugins, the dynamic-provider host's `node`); after the last test, any process still carrying
 * it, other than this one and vitest's own workers on their way out, is killed and named in an
 * error that fails the run. Other runs on the same machine carry other markers.
 *
 * It reads /proc (Linux, where CI runs); elsewhere it says so and checks nothing.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** The environment variable every process of the run inherits. */
export const RUN_MARKER = "CALENDLY_TEST_RUN";
/** How long vitest's workers (and whatever exits with them) get to go after the last test. */
const GRACE_MS = 10_000;

export interface ProcessInfo {
  pid: number;
  ppid: number;
  command: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // Gone meanwhile, or not ours to read.
  }
}

/** A process by its /proc entry, or undefined when it is gone. */
export function processInfo(pid: number): ProcessInfo | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z") return undefined; // A zombie has ended; only its parent's wait is missing.
  const command = (read(`/proc/${pid}/cmdline`) ?? "").split("\0").filter(Boolean).join(" ");
  return { pid, ppid: Number(fields[1]), command };
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Live processes, this one aside, whose environment holds `<name>=<value>` (none without /proc). */
export function processesWith(name: string, value: string): ProcessInfo[] {
  if (!existsSync("/proc/self/environ")) return [];
  const marker = `${name}=${value}`;
  const found: ProcessInfo[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    const environ = read(`/proc/${pid}/environ`);
    if (!environ?.split("\0").includes(marker)) continue;
    const info = processInfo(pid);
    if (info) found.push(info);
  }
  return found;
}

/** vitest's own workers: children of this process running vitest. */
const isVitestWorker = (p: ProcessInfo) => p.ppid === process.pid && /vitest/.test(p.command);

export default function setup(): (() => Promise<void>) | undefined {
  if (!existsSync("/proc/self/environ")) {
    process.stderr.write("leftover-processes: no /proc here; processes left behind are not checked\n");
    return undefined;
  }
  const run = randomUUID();
  process.env[RUN_MARKER] = run;
  return async function teardown() {
    let left = processesWith(RUN_MARKER, run).filter((p) => !isVitestWorker(p));
    for (const deadline = Date.now() + GRACE_MS; left.length > 0 && Date.now() < deadline; ) {
      await sleep(200);
      left = processesWith(RUN_MARKER, run).filter((p) => !isVitestWorker(p));
    }
    if (left.length === 0) return;
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    throw new Error(
      `${left.length} process(es) this run started outlived it (killed now):\n` +
        left.map((p) => `  ${p.pid} (parent ${p.ppid}): ${p.command}`).join("\n"),
    );
  };
}
