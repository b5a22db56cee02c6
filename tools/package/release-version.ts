/**
 * The release's version, from the tag that triggered it (.github/workflows/release.yml):
 *
 *   npx tsx tools/package/release-version.ts v0.3.0
 *
 * writes 0.3.0 into packages/pulumi-calendly/package.json and into the User-Agent's constant
 * (src/calendly/version.ts), and, when GITHUB_SERVER_URL and GITHUB_REPOSITORY are set (Actions),
 * the package's `repository`, which npm's provenance checks against the workflow's repository.
 * Prints the version. Refuses a tag that is not `v` and a semantic version.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/** `v1.2.3` → `1.2.3`; throws with the fix for anything else. */
export function versionFromTag(tag: string): string {
  const version = tag.replace(/^refs\/tags\//, "").replace(/^v/, "");
  if (!tag.replace(/^refs\/tags\//, "").startsWith("v") || !SEMVER.test(version)) {
    throw new Error(`tag "${tag}" is not v<major>.<minor>.<patch> (e.g. v0.3.0): push a tag such as v0.3.0`);
  }
  return version;
}

export interface ReleaseTarget {
  /** The repository's root folder. */
  root: string;
  env?: Record<string, string | undefined>;
}

/** Writes `version` where the package keeps it; returns the files written. */
export function setReleaseVersion(version: string, target: ReleaseTarget): string[] {
  const packageFile = join(target.root, "packages/pulumi-calendly/package.json");
  const versionFile = join(target.root, "packages/pulumi-calendly/src/calendly/version.ts");
  const pkg = JSON.parse(readFileSync(packageFile, "utf8")) as Record<string, unknown>;
  pkg.version = version;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = target.env ?? {};
  if (server && repository) {
    pkg.repository = {
      type: "git",
      url: `git+${server}/${repository}.git`,
      directory: "packages/pulumi-calendly",
    };
  }
  writeFileSync(packageFile, `${JSON.stringify(pkg, null, 2)}\n`);
  const source = readFileSync(versionFile, "utf8");
  const next = source.replace(
    /export const PROJECT_VERSION = "[^"]*";/,
    `export const PROJECT_VERSION = "${version}";`,
  );
  if (next === source && !source.includes(`PROJECT_VERSION = "${version}"`)) {
    throw new Error(`${versionFile} has no PROJECT_VERSION constant to set`);
  }
  writeFileSync(versionFile, next);
  return [packageFile, versionFile];
}

if (require.main === module) {
  try {
    const version = versionFromTag(process.argv[2] ?? "");
    setReleaseVersion(version, { root: resolve(__dirname, "../.."), env: process.env });
    process.stdout.write(`${version}\n`);
  } catch (error) {
    process.stderr.write(`release-version: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
