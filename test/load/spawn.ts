/**
 * Servers under load run in their own Node process, so the load generator (and the AWS stubs, which
 * stand for services elsewhere) do not share their event loop: what we measure is the server's
 * work, as on a machine of its own, give or take the cores the two processes share.
 *
 * A server script reports its URL over the IPC channel (`{ url }`) and answers `"cpu"` with its
 * CPU time so far (`{ cpu: { user, system } }`, microseconds); its stdout (a receiver's log lines)
 * goes to /dev/null, written all the same.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "../..");

export interface ServerProcess {
  url: string;
  pid: number;
  /** CPU time (user + system, microseconds) the process has used so far. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

type Message = { url?: string; cpu?: { user: number; system: number }; error?: string };

/** Starts `script` (a .ts path relative to the project) under tsx with `env` over this environment. */
export async function spawnServer(script: string, env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", resolve(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr.push(chunk.toString("utf8"));
    if (stderr.length > 50) stderr.shift();
  });

  const url = await new Promise<string>((done, fail) => {
    const onExit = (code: number | null) =>
      fail(new Error(`${script} exited (${code}) before listening: ${stderr.join("").slice(-2000)}`));
    child.once("exit", onExit);
    child.once("message", (message: Message) => {
      child.off("exit", onExit);
      if (message.url) done(message.url);
      else fail(new Error(`${script}: ${message.error ?? "no URL"}`));
    });
  });

  return {
    url,
    pid: child.pid ?? -1,
    async cpuMicros() {
      const answer = once(child, "message") as Promise<[Message]>;
      child.send("cpu");
      const [{ cpu }] = await answer;
      return (cpu?.user ?? 0) + (cpu?.system ?? 0);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The child's side: report `url` to the parent, answer CPU queries, stop on SIGTERM or orphaning. */
export function serveForParent(url: string, close: () => Promise<void>): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.stdout.write(`${url}\n`);
    return;
  }
  process.on("message", (message) => {
    if (message === "cpu") send({ cpu: process.cpuUsage() });
  });
  const stop = () => {
    close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  // The parent died without stopping us.
  process.once("disconnect", stop);
  send({ url });
}
