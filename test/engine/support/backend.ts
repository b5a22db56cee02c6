/** What a workspace's file backend holds on disk, for searches of secrets in plain text. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Workspace } from "./pulumi";

/** The text of every file in the workspace's file backend (checkpoints, history, backups). */
export function backendText(ws: Workspace): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else texts.push(readFileSync(file, "latin1"));
    }
  };
  walk(join(ws.root, "state"));
  return texts.join("\n");
}
