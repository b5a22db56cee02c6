/**
 * The GitHub workflows: they parse, and they run what docs/deployment.md says they run (tests on
 * every PR, `pulumi preview --diff` per stack as a PR comment, `pulumi up` for dev then prod behind
 * the prod environment's reviewers, a manual destroy), with the Calendly token only where that
 * page's threat model puts it. Their shell steps run here under bash. GitHub itself is not
 * available: this checks the files and scripts, not a run (npm run lint:workflows runs
 * actionlint on them too).
 */
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
/** A GitHub Actions expression, as written in a workflow: `${{ expr }}`. */
const gh = (expression: string) => `$\{{ ${expression} }}`;
const ON_MAIN = "github.ref == 'refs/heads/main'";

/** Runs a step's `run:` script as GitHub's runner does (bash -eo pipefail), with only `env`. */
function bash(script: string | undefined, env: Record<string, string>) {
  expect(script).toBeDefined();
  const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script ?? ""], {
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout };
}

/**
 * Runs a step's script with a recording `npx` first on PATH: what it was called with (one argument
 * a line) and what it read on stdin, as the real CLI would receive them.
 */
function withRecordingNpx(script: string | undefined, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "workflow-npx-"));
  try {
    writeFileSync(
      path.join(dir, "npx"),
      `#!/bin/sh
printf '%s\n' "$@" > "${dir}/argv"
cat > "${dir}/stdin"
`,
      { mode: 0o755 },
    );
    const run = bash(script, { ...env, PATH: `${dir}${path.delimiter}${process.env.PATH}` });
    return {
      ...run,
      argv: readFileSync(path.join(dir, "argv"), "utf8").split("\n").filter(Boolean),
      stdin: readFileSync(path.join(dir, "stdin"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the GitHub workflows", () => {
  interface Step {
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
  }
  interface Job {
    steps?: Step[];
    uses?: string;
    with?: Record<string, unknown>;
    needs?: string | string[];
    environment?: string;
    env?: Record<string, string>;
    if?: string;
    strategy?: { matrix: { include: { stack: string }[] } };
  }
  interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
  }
  const workflow = (name: string) => parse(read(`.github/workflows/${name}`)) as Workflow;
  const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
  const pulumiSteps = (w: Workflow, command: string) =>
    steps(w).filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === command);

  it("all parse; every job that tests or runs Pulumi installs Node 22 and the locked dependencies", () => {
    const files = readdirSync(path.join(ROOT, ".github/workflows"));
    expect(files.sort()).toEqual([
      "ci.yml",
      "deploy.yml",
      "destroy.yml",
      "preview.yml",
      "pulumi-stack.yml",
      "release.yml",
    ]);
    let checked = 0;
    for (const file of files) {
      const w = workflow(file);
      const busy = (j: Job) =>
        j.steps?.some((s) => s.uses?.startsWith("pulumi/actions@") || s.run?.includes(".ci/run"));
      for (const job of Object.values(w.jobs).filter(busy)) {
        checked++;
        const node = job.steps?.find((s) => s.uses?.startsWith("actions/setup-node@"));
        expect(node?.with?.["node-version"], file).toBe(22);
        expect(
          job.steps?.some((s) => s.run === "npm ci" || s.run === "bash .ci/run"),
          file,
        ).toBe(true);
      }
    }
    expect(checked).toBe(4); // ci, deploy's test, preview, pulumi-stack
    expect(read(".ci/run")).toMatch(/^npm ci\b/m);
  });

  it("ci.yml tests every pull request and every push to main", () => {
    const w = workflow("ci.yml");
    expect(Object.keys(w.on).sort()).toEqual(["pull_request", "push"]);
    expect(steps(w).map((s) => s.run)).toContain("bash .ci/run");
  });

  it("preview.yml posts `pulumi preview --diff` of each stack on pull requests", () => {
    const w = workflow("preview.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(w.permissions).toMatchObject({ "pull-requests": "write", "id-token": "write" });
    const job = w.jobs.preview;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(job.strategy?.matrix.include.map((m) => m.stack)).toEqual(["dev", "prod"]);
    const [preview] = pulumiSteps(w, "preview");
    expect(preview.with).toMatchObject({
      diff: true,
      "comment-on-pr": true,
      "stack-name": gh("env.STACK"),
    });
    // Pull-request code runs here: no Calendly token, and no environment whose secrets hold one.
    // (Its comments explain why; what runs names no CALENDLY_* secret or variable.)
    expect(JSON.stringify(w)).not.toMatch(/CALENDLY/);
    expect(job.environment).toBeUndefined();
    const aws = steps(w).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.with?.["role-to-assume"]).toBe(gh("vars[matrix.aws_role]"));
  });

  it("deploy.yml tests, then runs `pulumi up` for dev, then for prod in its protected environment", () => {
    const w = workflow("deploy.yml");
    expect(w.on.push).toEqual({ branches: ["main"] });
    expect(steps(w).map((s) => s.run)).toContain("bash .ci/run");
    expect(w.jobs.dev).toMatchObject({ needs: "test", with: { stack: "dev", command: "up" } });
    expect(w.jobs.prod).toMatchObject({ needs: "dev", with: { stack: "prod", command: "up" } });
    for (const job of [w.jobs.dev, w.jobs.prod])
      expect(job.uses).toBe("./.github/workflows/pulumi-stack.yml");
  });

  it("deploy.yml run by hand deploys main only: from another branch it fails before any stack", () => {
    const w = workflow("deploy.yml");
    expect(Object.keys(w.on).sort()).toEqual(["push", "workflow_dispatch"]);
    for (const job of [w.jobs.dev, w.jobs.prod]) expect(job.if).toBe(ON_MAIN);
    const [guard] = w.jobs.test.steps ?? [];
    expect(guard?.if).toBe("github.ref != 'refs/heads/main'");
    expect(bash(guard?.run, { REF: "refs/heads/feature" })).toMatchObject({ status: 1 });
    expect(bash(guard?.run, { REF: "refs/heads/feature" }).stdout).toMatch(
      /::error::Deploy runs from main only/,
    );
  });

  it("pulumi-stack.yml runs main's code in the stack's environment, with AWS OIDC", () => {
    const w = workflow("pulumi-stack.yml");
    expect(Object.keys(w.on)).toEqual(["workflow_call"]);
    const job = w.jobs.pulumi;
    expect(job.if).toBe(ON_MAIN);
    expect(job.environment).toBe(gh("inputs.stack"));
    const all = job.steps ?? [];
    const aws = all.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.with?.["role-to-assume"]).toBe(gh("vars.AWS_ROLE_ARN"));
    const run = all.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
    expect(run?.with).toMatchObject({
      command: gh("inputs.command"),
      refresh: true,
      upsert: gh("inputs.command == 'up'"),
    });
  });

  it("pulumi-stack.yml hands the token to the Pulumi step and to token put alone, never into stack config", () => {
    const w = workflow("pulumi-stack.yml");
    const job = w.jobs.pulumi;
    const all = job.steps ?? [];
    const run = all.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
    expect(run?.env).toEqual({ CALENDLY_TOKEN: gh("secrets.CALENDLY_TOKEN") });
    // Not for the job (npm ci's install scripts), only for the Pulumi step, the watchdog's token put
    // and the check that it is set.
    expect(JSON.stringify(job.env ?? {})).not.toMatch(/CALENDLY/);
    const holders = all.filter((s) => JSON.stringify(s).includes("secrets.CALENDLY_TOKEN"));
    expect(holders).toHaveLength(3);
    const put = all.find((s) => s.run?.includes("token put"));
    expect(holders).toContain(put);
    const isSet = holders.find((s) => s !== run && s !== put);
    expect(bash(isSet?.run, { CALENDLY_TOKEN: "", ENVIRONMENT: "prod" }).stdout).toMatch(
      /::error::CALENDLY_TOKEN is not set in the 'prod' environment/,
    );
    expect(bash(isSet?.run, { CALENDLY_TOKEN: "t", ENVIRONMENT: "prod" }).status).toBe(0);
    // No workflow writes the token into config.
    for (const file of readdirSync(path.join(ROOT, ".github/workflows")))
      expect(read(`.github/workflows/${file}`), file).not.toMatch(/config set[^\n]*calendly:token/);
  });

  it("pulumi-stack.yml puts the watchdog's token with calendly-webhooks token put before pulumi up, for up only, on stdin", () => {
    const all = workflow("pulumi-stack.yml").jobs.pulumi.steps ?? [];
    const put = all.find((s) => s.run?.includes("calendly-webhooks token put"));
    expect(put?.if).toBe("inputs.command == 'up'");
    expect(put?.env).toEqual({
      CALENDLY_TOKEN: gh("secrets.CALENDLY_TOKEN"),
      STACK_NAME: gh("inputs.stack"),
    });
    // After what it needs (the dependencies, the deploy role), before the Pulumi step.
    const at = (step: Step | undefined) => all.indexOf(step as Step);
    const pulumiStep = all.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(at(put)).toBeGreaterThan(all.findIndex((s) => s.run === "npm ci"));
    expect(at(put)).toBeGreaterThan(
      all.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")),
    );
    expect(at(put)).toBeLessThan(at(pulumiStep));
    // What the CLI receives: the token on stdin, exactly, and nowhere on its command line.
    const token = "tok-workflow-3f9a";
    const ran = withRecordingNpx(put?.run, { CALENDLY_TOKEN: token, STACK_NAME: "prod" });
    expect(ran.status).toBe(0);
    expect(ran.argv).toEqual(["--no-install", "calendly-webhooks", "token", "put", "--stack", "prod"]);
    expect(ran.stdin).toBe(token);
    expect(put?.run).not.toMatch(/token put[^\n]*\$CALENDLY_TOKEN/);
  });

  it("pulumi-stack.yml deletes the watchdog's token parameter after pulumi destroy, for destroy only", () => {
    const all = workflow("pulumi-stack.yml").jobs.pulumi.steps ?? [];
    const del = all.find((s) => s.run?.includes("calendly-webhooks token delete"));
    expect(del?.if).toBe("inputs.command == 'destroy'");
    expect(JSON.stringify(del)).not.toMatch(/CALENDLY_TOKEN/);
    expect(all.indexOf(del as Step)).toBeGreaterThan(
      all.findIndex((s) => s.uses?.startsWith("pulumi/actions@")),
    );
    const ran = withRecordingNpx(del?.run, { STACK_NAME: "dev" });
    expect(ran.argv).toEqual(["--no-install", "calendly-webhooks", "token", "delete", "--stack", "dev"]);
  });

  it("pulumi-stack.yml refuses a stack whose config holds calendly:token, before npm ci", () => {
    const all = workflow("pulumi-stack.yml").jobs.pulumi.steps ?? [];
    const guard = all.find((s) => s.run?.includes("calendly:token"));
    expect(guard?.env).toEqual({ CONFIG_FILE: `Pulumi.${gh("inputs.stack")}.yaml` });
    expect(all.indexOf(guard as Step)).toBeLessThan(all.findIndex((s) => s.run === "npm ci"));
    const dir = mkdtempSync(path.join(tmpdir(), "workflow-guard-"));
    try {
      const check = (text: string | undefined) => {
        const file = path.join(dir, "Pulumi.prod.yaml");
        rmSync(file, { force: true });
        if (text !== undefined) writeFileSync(file, text);
        return bash(guard?.run, { CONFIG_FILE: file });
      };
      const secure = "\n    secure: v1:abc\n";
      for (const key of ["calendly:token:", '"calendly:token":', "'calendly:token' :"]) {
        const refused = check(`config:\n  calendly:apiUrl: https://api.calendly.com\n  ${key}${secure}`);
        expect(refused.status, key).toBe(1);
        expect(refused.stdout).toMatch(/::error file=.*::calendly:token is in the stack's config/);
      }
      expect(check("config:\n  calendly:apiUrl: https://api.calendly.com\n").status).toBe(0);
      expect(check(read("Pulumi.prod.yaml")).status).toBe(0);
      expect(check(undefined).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("only jobs of main in a GitHub environment can read CALENDLY_TOKEN", () => {
    let holders = 0;
    for (const file of readdirSync(path.join(ROOT, ".github/workflows"))) {
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        if (!JSON.stringify(job).includes("secrets.CALENDLY_TOKEN")) continue;
        holders++;
        expect(job.environment, `${file} ${name}`).toBeDefined();
        expect(job.if, `${file} ${name}`).toBe(ON_MAIN);
      }
    }
    expect(holders).toBe(1);
  });

  it("destroy.yml is manual, asks for the stack name twice, and runs `pulumi destroy`", () => {
    const w = workflow("destroy.yml");
    expect(Object.keys(w.on)).toEqual(["workflow_dispatch"]);
    const inputs = (w.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(["confirm", "stack"]);
    expect(w.jobs.destroy).toMatchObject({ needs: "confirm", if: ON_MAIN, with: { command: "destroy" } });
    const confirm = w.jobs.confirm.steps?.[0];
    const main = "refs/heads/main";
    expect(bash(confirm?.run, { STACK: "prod", CONFIRM: "prod", REF: main }).status).toBe(0);
    expect(bash(confirm?.run, { STACK: "prod", CONFIRM: "dev", REF: main }).stdout).toMatch(
      /::error::confirmation 'dev' does not match stack 'prod'/,
    );
    const branch = bash(confirm?.run, { STACK: "prod", CONFIRM: "prod", REF: "refs/heads/x" });
    expect(branch).toMatchObject({ status: 1 });
    expect(branch.stdout).toMatch(/::error::Destroy runs from main only/);
  });

  it("release.yml, on a tag v*, publishes with provenance the very tarball test:package proved, versioned from the tag", () => {
    const w = workflow("release.yml");
    expect(w.on).toEqual({ push: { tags: ["v*"] } });
    expect(w.permissions).toEqual({ contents: "read" });
    expect(Object.keys(w.jobs)).toEqual(["publish"]);
    const job = w.jobs.publish as Job & { permissions?: Record<string, string> };
    // The OIDC token npm's provenance needs, and nothing that could write to the repository.
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(JSON.stringify(w)).not.toMatch(/CALENDLY_TOKEN/);
    const all = job.steps ?? [];
    const node = all.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(node?.with).toMatchObject({ "node-version": 22, "registry-url": "https://registry.npmjs.org" });

    const index = (test: (s: Step) => boolean, what: string) => {
      const at = all.findIndex(test);
      expect(at, what).toBeGreaterThanOrEqual(0);
      return at;
    };
    const ci = index((s) => s.run === "npm ci", "npm ci");
    const version = index((s) => s.run?.includes("tools/package/release-version.ts") === true, "version");
    const tests = index((s) => s.run === "npm run lint && npm run typecheck && npm test", "tests");
    const pack = index(
      (s) => /npm pack -w pulumi-calendly --pack-destination release/.test(s.run ?? ""),
      "pack",
    );
    const install = index((s) => s.run === "npm run pulumi:install", "pulumi:install");
    const proof = index((s) => s.run === "npm run test:package", "test:package");
    const publish = index((s) => s.run?.startsWith("npm publish") === true, "publish");
    expect([ci, version, tests, pack, install, proof, publish]).toEqual(
      [ci, version, tests, pack, install, proof, publish].sort((a, b) => a - b),
    );
    expect(all[version]?.run).toContain('"$GITHUB_REF_NAME"');
    // The tarball the pack step writes is the one test:package proves and the one published.
    const tarball = `release/pulumi-calendly-${gh("steps.version.outputs.version")}.tgz`;
    expect(all[proof]?.env?.PULUMI_CALENDLY_TARBALL).toBe(`${gh("github.workspace")}/${tarball}`);
    // `$` and `{VERSION}` apart: the shell's variable, written as the workflow does.
    expect(all[publish]?.run).toBe(
      `npm publish "release/pulumi-calendly-$\{VERSION}.tgz" --provenance --access public`,
    );
    expect(all[publish]?.env).toMatchObject({
      VERSION: gh("steps.version.outputs.version"),
      NODE_AUTH_TOKEN: gh("secrets.NPM_TOKEN"),
    });
  });

  it("release.yml's version step writes the tag's version where the package keeps it, and refuses other tags", () => {
    const step = workflow("release.yml").jobs.publish.steps?.find((s) =>
      s.run?.includes("tools/package/release-version.ts"),
    );
    const dir = mkdtempSync(path.join(tmpdir(), "release-version-"));
    try {
      // A copy of the files it touches, so the step runs as written without changing this checkout.
      for (const file of [
        "tools/package/release-version.ts",
        "packages/pulumi-calendly/package.json",
        "packages/pulumi-calendly/src/calendly/version.ts",
      ]) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), read(file));
      }
      // What `npm ci` left in the checkout: npx finds tsx there, as on the runner.
      symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
      const output = path.join(dir, "github-output");
      const env = {
        GITHUB_OUTPUT: output,
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "example/calendly-webhooks-pulumi",
      };
      const script = `cd ${JSON.stringify(dir)} && ${step?.run}`;
      expect(bash(script, { ...env, GITHUB_REF_NAME: "v1.4.0" }).status).toBe(0);
      expect(readFileSync(output, "utf8")).toBe("version=1.4.0\n");
      const pkg = JSON.parse(readFileSync(path.join(dir, "packages/pulumi-calendly/package.json"), "utf8"));
      expect(pkg.version).toBe("1.4.0");
      expect(pkg.repository).toEqual({
        type: "git",
        url: "git+https://github.com/example/calendly-webhooks-pulumi.git",
        directory: "packages/pulumi-calendly",
      });
      expect(
        readFileSync(path.join(dir, "packages/pulumi-calendly/src/calendly/version.ts"), "utf8"),
      ).toContain('export const PROJECT_VERSION = "1.4.0";');
      for (const tag of ["1.4.0", "v1.4", "release-1"]) {
        writeFileSync(output, "");
        expect(bash(script, { ...env, GITHUB_REF_NAME: tag }).status, tag).not.toBe(0);
        expect(readFileSync(output, "utf8"), tag).toBe("");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
