/**
 * The stand-in `aws` and `random` plugins (tools/pulumi-standins) for a workspace: installed into its
 * PULUMI_HOME, where the engine looks for a plugin of the version the SDK asks for, with their call
 * log in the workspace's folder.
 */
import { join } from "node:path";
import { type InstalledPlugin, installStandins } from "../../../tools/pulumi-standins/install";
import {
  type CallRecord,
  existing,
  type Operation,
  readRecords,
} from "../../../tools/pulumi-standins/journal";
import type { Workspace } from "./pulumi";

export type { CallRecord };

export interface Standins {
  plugins: InstalledPlugin[];
  logFile: string;
  /** Every call recorded so far, oldest first. */
  calls(): CallRecord[];
  /** A mark to pass to `callsSince`, e.g. before one `pulumi up`. */
  mark(): number;
  callsSince(mark: number, op?: Operation): CallRecord[];
  /** The resources the stand-ins' "cloud" holds now, as `type id` strings. */
  existing(): string[];
}

export function installStandinsFor(ws: Workspace): Standins {
  const home = ws.env.PULUMI_HOME;
  if (!home) throw new Error("the workspace has no PULUMI_HOME");
  const logFile = join(ws.root, "standins.jsonl");
  const plugins = installStandins(home, logFile);
  const calls = () => readRecords(logFile);
  return {
    plugins,
    logFile,
    calls,
    mark: () => calls().length,
    callsSince: (mark, op) =>
      calls()
        .slice(mark)
        .filter((c) => op === undefined || c.op === op),
    existing: () => [...existing(calls()).keys()].map((key) => key.replace("\u0000", " ")),
  };
}
