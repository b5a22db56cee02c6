/**
 * The stand-ins' record of every call the engine made, one JSON line per call, appended to the file
 * named by STANDINS_LOG. Tests read it to see the engine's order; the stand-ins read it back as
 * their "cloud": a resource exists while it has been created more times than deleted, so `refresh`
 * notices a resource deleted out of band (a line appended by hand) and `destroy` can be checked to
 * leave nothing behind.
 *
 * Every process appends whole lines with one write (O_APPEND), so the aws and random plugins (and
 * several instances of one) can share the file. Secrets never reach it: inputs are redacted.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";

export const LOG_ENV = "STANDINS_LOG";

export type Operation = "check" | "diff" | "create" | "read" | "update" | "delete" | "invoke";

export interface CallRecord {
  /** Plugin name: `aws`, `random`. */
  package: string;
  op: Operation;
  /** Resource type token, or the function token for an invoke. */
  type: string;
  urn?: string;
  id?: string;
  /** When the call arrived and when it was answered (ms since the epoch). */
  start: number;
  end: number;
  /** Inputs as received (check, create, update), secrets shown as "[secret]". */
  inputs?: Record<string, unknown>;
  /** For diff: changed properties and those forcing a replacement. */
  changes?: string[];
  replaces?: string[];
  /** For read: whether the resource still exists. */
  exists?: boolean;
  /** A create or update asked during a preview: nothing was changed. */
  preview?: boolean;
  /** A failure answered to the engine. */
  error?: string;
  pid: number;
}

export function appendRecord(file: string | undefined, record: CallRecord): void {
  if (!file) return;
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

export function readRecords(file: string): CallRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CallRecord);
}

/** `type` + `id`: how the cloud tells two resources apart. */
export function physicalKey(type: string, id: string): string {
  return `${type}\u0000${id}`;
}

/**
 * How many of each physical resource exist according to the record: a create adds one, a delete
 * takes one away. (Counts, not a set: a replacement created before the old one is deleted can
 * reuse an id, e.g. an API stage named `$default`.)
 */
export function existing(records: readonly CallRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    if (r.error || r.preview || r.id === undefined) continue;
    const key = physicalKey(r.type, r.id);
    if (r.op === "create") counts.set(key, (counts.get(key) ?? 0) + 1);
    else if (r.op === "delete") {
      const left = (counts.get(key) ?? 0) - 1;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    }
  }
  return counts;
}
