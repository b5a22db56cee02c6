/**
 * What a file backend holds: the text of every file under a workspace's backend folder
 * (checkpoints, their history, backups, locks), to search for a secret in plain text, and, with
 * `searchBackend`, inside every secret those files store, decrypted the way Pulumi's passphrase
 * secrets manager does: what a holder of the stack's passphrase (the preview job) can read.
 *
 * The passphrase manager (pulumi/pkg `secrets/passphrase/manager.go`, sdk `resource/config/crypt.go`):
 * the stack's `encryptionsalt` is `v1:<base64 salt>:<check value>`; the key is PBKDF2-SHA256 of
 * the passphrase and that salt, 1,000,000 rounds, 32 bytes; each secret is `v1:<base64 12-byte
 * nonce>:<base64 AES-256-GCM ciphertext with its 16-byte tag appended>` (Go's `Seal`).
 */
import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { PASSPHRASE, type Workspace } from "./pulumi";

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

/** The AES key of the workspace's stack, from its config file's `encryptionsalt` and the passphrase. */
function stackKey(ws: Workspace): Buffer {
  const config = parse(readFileSync(ws.configFile, "utf8")) as { encryptionsalt?: string };
  const [version, salt] = String(config.encryptionsalt ?? "").split(":");
  if (version !== "v1" || !salt) throw new Error(`${ws.configFile} has no passphrase encryptionsalt`);
  return pbkdf2Sync(PASSPHRASE, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
}

/**
 * `v1:<nonce>:<ciphertext>` at every position (a lookahead, so the check value inside the salt
 * `v1:<salt>:v1:<nonce>:<ciphertext>` is found too), where no base64 character precedes it.
 */
const CIPHERTEXT = /(?<![A-Za-z0-9+/=])(?=v1:([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2}))/g;

/**
 * A passphrase secret's plain text; `undefined` for text of that shape that is not one (the salt
 * `v1:<8-byte salt>:…`); an error when a 12-byte nonce's ciphertext does not open with `key`.
 */
function decrypt(key: Buffer, nonce: string, sealed: string): string | undefined {
  const iv = Buffer.from(nonce, "base64");
  const data = Buffer.from(sealed, "base64");
  if (iv.length !== 12 || data.length < 16) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new Error("a secret the stack's passphrase does not open");
  }
}

export interface BackendSearch {
  /** Every backend file searched. */
  files: string[];
  /** How many secrets (ciphertexts) those files hold, all of which were decrypted and searched. */
  secrets: number;
  /** Per needle (by its label), the files holding it: in plain text, or inside a decrypted secret. */
  found: Record<string, { file: string; as: "plain text" | "secret" }[]>;
}

/**
 * Searches every file of the backend, and every secret in them decrypted with the stack's
 * passphrase, for each needle. A ciphertext the key does not open fails the search: it would be a
 * secret the search cannot see into.
 */
export function searchBackend(ws: Workspace, needles: Record<string, string>): BackendSearch {
  const key = stackKey(ws);
  const contents = backendFiles(ws);
  const files = [...contents.keys()].sort();
  const found: BackendSearch["found"] = Object.fromEntries(Object.keys(needles).map((label) => [label, []]));
  let secrets = 0;
  for (const file of files) {
    const text = contents.get(file)!;
    const opened: string[] = [];
    for (const [, nonce, sealed] of text.matchAll(CIPHERTEXT)) {
      let plain: string | undefined;
      try {
        plain = decrypt(key, nonce!, sealed!);
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
      if (plain === undefined) continue;
      opened.push(plain);
      secrets++;
    }
    for (const [label, needle] of Object.entries(needles)) {
      if (text.includes(needle)) found[label]!.push({ file, as: "plain text" });
      else if (opened.some((plain) => plain.includes(needle))) found[label]!.push({ file, as: "secret" });
    }
  }
  return { files, secrets, found };
}
