/**
 * What a file backend holds: the text of every file under a workspace's backend folder
 * (checkpoints, their history, backups, locks), to search for a secret in plain text.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Workspace } from "./pulumi";

/** Every file of `ws`'s backend, by path relative to it, read as latin1 (no byte is lost). */
export function backendFiles(ws: Workspace): Map<string, string> {
  const root = join(ws.root, "state");
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else files.set(relative(root, file), readFileSync(file, "latin1"));
    }
  };
  walk(root);
  return files;
}

/** The backend files of `ws` that contain `secret` in plain text (none, one hopes). */
export function backendFilesHolding(ws: Workspace, secret: string): string[] {
  return [...backendFiles(ws)].filter(([, text]) => text.includes(secret)).map(([path]) => path);
}
