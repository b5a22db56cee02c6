/**
 * Installs a program's dependencies without the npm registry: from the packages `npm ci` of this
 * repository already put in npm's cache.
 *
 * A program with no lockfile makes `npm install` ask the registry for every package's metadata,
 * and a registry that stalls fails the run (once: `ERESOLVE ... Found: @pulumi/pulumi@undefined`
 * after 214 s). So the program gets a lockfile made from the repository's own (`programLock`): the
 * entries its dependencies reach, as Node would resolve them in the repository's node_modules,
 * with the versions, tarball URLs and integrity hashes `npm ci` installed, plus the packed tarball.
 * `npm ci --offline` then reads every tarball from the cache by its hash, never resolves a version
 * and makes no network request (npm's offline mode: a package missing from the cache is an
 * `ENOTCACHED` error, not a download).
 *
 * When the cache lacks something (`ENOTCACHED`: a cache cleaned since `npm ci`), the install is
 * run against the registry, up to 3 times, and a last failure says which attempt failed and why.
 */
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

export interface ProgramDependencies {
  name: string;
  /** Names of the repository's packages the program depends on, at the repository's versions. */
  dependencies: string[];
  devDependencies: string[];
  /** The packed tarball, as a dependency of the program (a path relative to the program). */
  tarball: { name: string; file: string; integrity: string; manifest: LockEntry };
}

/** The `packages` of a lockfile for the program, and its package.json's dependency fields. */
export function programLock(
  repositoryLock: Record<string, LockEntry>,
  program: ProgramDependencies,
): { packageJson: Record<string, Record<string, string>>; lock: object } {
  const entries: Record<string, LockEntry> = {};

  /** Where Node finds `name` from the package at `from` (a lockfile path; "" for the root). */
  const locate = (from: string, name: string): string | undefined => {
    for (let base = from; ; ) {
      const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (repositoryLock[candidate] && !repositoryLock[candidate].link) return candidate;
      if (!base) return undefined;
      const parent = base.lastIndexOf("/node_modules/");
      base = parent < 0 ? "" : base.slice(0, parent);
    }
  };
  /** What npm installs for a package: its dependencies, optional ones, and peers not optional. */
  const needs = (entry: LockEntry): string[] => [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !entry.peerDependenciesMeta?.[n]?.optional),
  ];
  const visit = (from: string, names: string[]) => {
    for (const name of names) {
      const path = locate(from, name);
      if (!path) {
        const entry = from ? (entries[from] ?? program.tarball.manifest) : undefined;
        if (entry?.optionalDependencies?.[name]) continue;
        throw new Error(`${name} (needed by ${from || program.name}) is not in the repository's lockfile`);
      }
      if (entries[path]) continue;
      // Why the repository has it (dev, peer) says nothing about the program: npm ci installs all.
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repositoryLock[path]!;
      entries[path] = entry;
      visit(path, needs(entry));
    }
  };

  const version = (name: string) => {
    const entry = repositoryLock[`node_modules/${name}`];
    if (!entry?.version) throw new Error(`${name} is not installed in the repository`);
    return entry.version;
  };
  const packageJson = {
    dependencies: {
      ...Object.fromEntries(program.dependencies.map((name) => [name, version(name)])),
      [program.tarball.name]: `file:${program.tarball.file}`,
    },
    devDependencies: Object.fromEntries(program.devDependencies.map((name) => [name, version(name)])),
  };
  visit("", [...program.dependencies, ...program.devDependencies]);
  const { manifest } = program.tarball;
  const tarballPath = `node_modules/${program.tarball.name}`;
  entries[tarballPath] = {
    ...manifest,
    resolved: `file:${program.tarball.file}`,
    integrity: program.tarball.integrity,
  };
  visit(tarballPath, needs(manifest));

  const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
  const lock = {
    name: program.name,
    lockfileVersion: 3,
    requires: true,
    packages: { "": { name: program.name, ...packageJson }, ...sorted },
  };
  return { packageJson, lock };
}

/** How the install went: each attempt, the last one the one that succeeded. */
export interface InstallRecord {
  attempts: { mode: "offline" | "registry"; ms: number; error?: string }[];
}

const REGISTRY_ATTEMPTS = 3;

/** `npm ci` in `dir` (which holds package.json and the lockfile): from the cache, else the registry. */
export function installOffline(dir: string): InstallRecord {
  return npmCacheFirst(dir, ["ci"], "npm ci of the packed package's program", { cleanOnFailure: true });
}

/**
 * `npm <command>` in `dir`, from npm's cache only (`--offline`), else against the registry
 * (`--prefer-offline`: what the cache holds, the rest downloaded), up to 3 times. The README's
 * `npm install <tarball>` needs this: unlike `npm ci` from a lockfile, it builds the tree anew and
 * reads the registry's metadata of the packages it checks (the tarball's peer `@pulumi/pulumi`),
 * which `npm ci` never put in the cache, so on a fresh machine it cannot run offline.
 */
export function npmCacheFirst(
  dir: string,
  command: string[],
  what: string,
  options: { cleanOnFailure?: boolean } = {},
): InstallRecord {
  const record: InstallRecord = { attempts: [] };
  const run = (mode: "offline" | "registry") => {
    const started = Date.now();
    const args = [
      ...command,
      "--no-audit",
      "--no-fund",
      mode === "offline" ? "--offline" : "--prefer-offline",
    ];
    try {
      execFileSync("npm", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      record.attempts.push({ mode, ms: Date.now() - started });
      return true;
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      const output = `${stderr ?? ""}\n${stdout ?? ""}`;
      const lines = output.split("\n").filter((line) => /npm (error|ERR)/.test(line));
      const reason = lines.slice(0, 6).join("\n") || output.trim() || String(error);
      record.attempts.push({ mode, ms: Date.now() - started, error: reason });
      if (options.cleanOnFailure) rmSync(join(dir, "node_modules"), { recursive: true, force: true });
      return false;
    }
  };
  if (run("offline")) return record;
  for (let attempt = 1; attempt <= REGISTRY_ATTEMPTS; attempt++) {
    if (run("registry")) return record;
  }
  throw new Error(
    `${what} failed: from npm's cache (run \`npm ci\` in the repository first; it fills the cache), ` +
      `then ${REGISTRY_ATTEMPTS} times against the registry.\n` +
      record.attempts.map((a, i) => `attempt ${i + 1} (${a.mode}, ${a.ms} ms):\n${a.error}`).join("\n"),
  );
}

/** Writes the program's package.json fields and lockfile beside its other files. */
export function writeProgramPackage(
  dir: string,
  name: string,
  fields: { packageJson: Record<string, Record<string, string>>; lock: object },
): void {
  const manifest = { name, private: true, main: "index.ts", ...fields.packageJson };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, "package-lock.json"), `${JSON.stringify(fields.lock, null, 2)}\n`);
}
