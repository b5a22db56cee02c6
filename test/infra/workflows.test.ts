/**
 * The GitHub workflows: they parse, and they run what docs/deployment.md says they run (tests on
 * every PR, `pulumi preview --diff` per stack as a PR comment, `pulumi up` for dev then prod behind
 * the prod environment's reviewers, a manual destroy). GitHub itself is not available here: this
 * checks the files, not a run.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
/** A GitHub Actions expression, as written in a workflow: `${{ expr }}`. */
const gh = (expression: string) => `$\{{ ${expression} }}`;

describe("the GitHub workflows", () => {
  interface Step {
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
    expect(files.sort()).toEqual(["ci.yml", "deploy.yml", "destroy.yml", "preview.yml", "pulumi-stack.yml"]);
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
    expect(job.strategy?.matrix.include.map((m) => m.stack)).toEqual(["dev", "prod"]);
    const [preview] = pulumiSteps(w, "preview");
    expect(preview.with).toMatchObject({
      diff: true,
      "comment-on-pr": true,
      "stack-name": gh("env.STACK"),
    });
    // Pull-request code never sees the Calendly token.
    expect(read(".github/workflows/preview.yml")).not.toMatch(/CALENDLY_TOKEN/);
    const aws = steps(w).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.with?.["role-to-assume"]).toBeDefined();
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

  it("pulumi-stack.yml runs in the stack's environment, with AWS OIDC and the token set as a secret", () => {
    const w = workflow("pulumi-stack.yml");
    expect(Object.keys(w.on)).toEqual(["workflow_call"]);
    const job = w.jobs.pulumi;
    expect(job.environment).toBe(gh("inputs.stack"));
    const all = job.steps ?? [];
    const aws = all.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.with?.["role-to-assume"]).toBe(gh("vars.AWS_ROLE_ARN"));
    const token = all.find((s) => s.run?.includes("pulumi config set --secret calendly:token"));
    expect(token?.env?.CALENDLY_TOKEN).toBe(gh("secrets.CALENDLY_TOKEN"));
    // From stdin, never on the command line.
    expect(token?.run).toMatch(
      /printf '%s' "\$CALENDLY_TOKEN" \| pulumi config set --secret calendly:token$/m,
    );
    const run = all.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
    expect(run?.with).toMatchObject({ command: gh("inputs.command"), refresh: true });
    expect(all.indexOf(token as Step)).toBeLessThan(all.indexOf(run as Step));
  });

  it("destroy.yml is manual, asks for the stack name twice, and runs `pulumi destroy`", () => {
    const w = workflow("destroy.yml");
    expect(Object.keys(w.on)).toEqual(["workflow_dispatch"]);
    const inputs = (w.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(["confirm", "stack"]);
    expect(w.jobs.destroy).toMatchObject({ needs: "confirm", with: { command: "destroy" } });
    expect(w.jobs.confirm.steps?.[0].run).toMatch(/"\$STACK" != "\$CONFIRM"/);
  });
});
