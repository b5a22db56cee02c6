/**
 * Runs a scenario of the Pulumi program in its own process (main.ts explains why) and returns
 * its Report. Also builds scenario configs the way the CLI does: Pulumi.yaml's defaults, then the
 * stack file's values.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import type { Report, Scenario } from "./types";

export const PROJECT_ROOT = path.resolve(__dirname, "../../..");
export const PROJECT = "calendly-webhooks";
/** A fake token: tests check it never appears in any resource or output. */
export const FAKE_TOKEN = "test-token-4f1b2c3d-never-anywhere";

export type ScenarioInput = Omit<Scenario, "reportFile" | "secretKeys" | "preview"> &
  Partial<Pick<Scenario, "secretKeys" | "preview">> & {
    /** Variables the program's process sees, as a deploy job exports them (e.g. CALENDLY_TOKEN). */
    env?: Record<string, string>;
  };

/** A config value as the CLI passes it to the program: strings as they are, the rest as JSON. */
function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function fullKey(key: string): string {
  return key.includes(":") ? key : `${PROJECT}:${key}`;
}

/** Pulumi.yaml's config block as the CLI applies it: project keys' defaults, others' values. */
export function projectConfig(): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(projectValues())) config[fullKey(key)] = encode(value);
  return config;
}

/** The project keys' defaults Pulumi.yaml declares, as values (short key → value), as the CLI applies them. */
export function projectDefaults(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(projectValues()).filter(([key]) => !key.includes(":")));
}

function projectValues(): Record<string, unknown> {
  const project = parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
    config?: Record<string, { default?: unknown; value?: unknown }>;
  };
  const values: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const value = declaration.value ?? declaration.default;
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/** `Pulumi.<stack>.yaml`'s values (no secure values expected in committed stack files). */
export function stackFileConfig(stack: string): Record<string, string> {
  const file = parse(readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(file.config ?? {})) config[fullKey(key)] = encode(value);
  return config;
}

/** Defaults + overrides (short keys are the project's) + an encrypted token, as after `config set --secret`. */
export function configWith(
  overrides: Record<string, unknown>,
  base = projectConfig(),
): Record<string, string> {
  const config: Record<string, string> = { ...base, "calendly:token": FAKE_TOKEN };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete config[fullKey(key)];
    else config[fullKey(key)] = encode(value);
  }
  return config;
}

const reportDir = mkdtempSync(path.join(tmpdir(), "stack-test-"));
let reports = 0;

/** The Report, and what the program wrote to stderr (Pulumi's warnings, under mocks). */
export type ScenarioResult = Report & { stderr: string };

export async function runScenario({ env: exported = {}, ...input }: ScenarioInput): Promise<ScenarioResult> {
  const scenario: Scenario = {
    preview: false,
    secretKeys: "calendly:token" in input.config ? ["calendly:token"] : [],
    ...input,
    reportFile: path.join(reportDir, `${input.stack}-${++reports}.json`),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TS_NODE_TRANSPILE_ONLY: "true",
    TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json"),
    STACK_SCENARIO: JSON.stringify(scenario),
  };
  // Only the config given counts: no token or config from the environment running the tests.
  delete env.CALENDLY_TOKEN;
  delete env.PULUMI_CONFIG;
  delete env.PULUMI_CONFIG_SECRET_KEYS;
  Object.assign(env, exported);
  const { stderr } = await promisify(execFile)(
    process.execPath,
    ["-r", "ts-node/register", path.join(__dirname, "main.ts")],
    {
      cwd: PROJECT_ROOT,
      env,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return { ...(JSON.parse(readFileSync(scenario.reportFile, "utf8")) as Report), stderr };
}
