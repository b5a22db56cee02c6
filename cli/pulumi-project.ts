/**
 * A stack of the Pulumi project the CLI runs in, read from its files as the Pulumi CLI would find
 * them: `Pulumi.yaml` in the folder or the nearest one above (its `name`, and `stackConfigDir` if
 * set), and the stack's `Pulumi.<stack>.yaml` beside it. Read directly rather than through
 * `pulumi config get`: what is needed here (the project's name, `aws:region`, `aws:profile`) is
 * plain text in those files, and the deploy workflow runs `token put` before its Pulumi step,
 * where no Pulumi CLI or backend login is at hand.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CliError, UsageError } from "./args";

export interface ProjectStack {
  /** The project's name (Pulumi.yaml `name`): what `pulumi.getProject()` returns. */
  project: string;
  /** The stack's name without organization or project: what `pulumi.getStack()` returns. */
  stack: string;
  /** The folder holding Pulumi.yaml. */
  projectDir: string;
  /** The stack's config file. */
  stackFile: string;
  /** `aws:region` and `aws:profile` of the stack's config, which the stack's AWS provider uses. */
  awsRegion?: string;
  awsProfile?: string;
}

/** Pulumi's stack names: letters, digits, `-`, `_`, `.` (and `org/` or `org/project/` before them). */
const STACK_PART = /^[A-Za-z0-9_.-]{1,100}$/;

/** Finds Pulumi.yaml from `cwd` up, and the stack `reference` (`dev`, `org/dev`, `org/project/dev`) in it. */
export async function findProjectStack(reference: string, cwd: string): Promise<ProjectStack> {
  // Imported here, not with the CLI: only `token` reads YAML.
  const { parse } = await import("yaml");
  const readYaml = (file: string): unknown => {
    try {
      return parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new CliError(
        `cannot read ${file} (${error instanceof Error ? error.message.split("\n")[0] : error})`,
      );
    }
  };
  const parts = reference.split("/");
  if (parts.length > 3 || !parts.every((part) => STACK_PART.test(part))) {
    throw new UsageError(
      "--stack must be a stack name (letters, digits, -, _ and .), optionally as <org>/<stack> or <org>/<project>/<stack>",
    );
  }
  const stack = parts.at(-1)!;
  const projectFile = nearestProjectFile(cwd);
  const projectDir = dirname(projectFile);
  const declared = readYaml(projectFile) as { name?: unknown; stackConfigDir?: unknown } | undefined;
  if (typeof declared?.name !== "string" || declared.name === "") {
    throw new CliError(`${projectFile} has no project name (\`name:\`)`);
  }
  const project = declared.name;
  if (parts.length === 3 && parts[1] !== project) {
    throw new UsageError(`--stack names project "${parts[1]}", but ${projectFile} is project "${project}"`);
  }
  const configDir =
    typeof declared.stackConfigDir === "string" ? resolve(projectDir, declared.stackConfigDir) : projectDir;
  const stackFile = join(configDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(stackFile)) {
    throw new CliError(
      `project "${project}" has no stack file Pulumi.${stack}.yaml in ${configDir}: check the stack's name, or create ` +
        `it (\`pulumi stack init ${stack}\`, then \`pulumi config set aws:region <region> --stack ${stack}\`)`,
    );
  }
  const config = (readYaml(stackFile) as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  const plain = (key: string) => {
    const value = config[key];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  return {
    project,
    stack,
    projectDir,
    stackFile,
    awsRegion: plain("aws:region"),
    awsProfile: plain("aws:profile"),
  };
}

function nearestProjectFile(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
    if (dirname(dir) === dir) {
      throw new CliError(
        `no Pulumi.yaml in ${resolve(cwd)} or any folder above it: run the command in the Pulumi project's folder`,
      );
    }
  }
}
