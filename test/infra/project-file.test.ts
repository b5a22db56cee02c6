/**
 * The files users run the program with: Pulumi.yaml (against Pulumi's own JSON schema and the
 * rules the CLI adds to it) and the committed stack files.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEY_KINDS, type RawStackConfig, validateStackConfig } from "../../infra/config";
import { MONITORING_DEFAULTS } from "../../infra/receiver/monitoring-settings";
import { RECEIVER_DEFAULTS } from "../../infra/receiver/settings";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const PROJECT = "calendly-webhooks";

interface Declaration {
  type?: string;
  items?: { type: string };
  description?: string;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}
const project = parse(read("Pulumi.yaml")) as {
  name: string;
  requiredPulumiVersion?: string;
  config: Record<string, Declaration>;
};

function schemaValidator() {
  // The copy of ../shared/pulumi/project.schema.json committed for CI.
  const schema = JSON.parse(read("test/fixtures/pulumi/project.schema.json"));
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}

/** What the CLI checks beyond the schema (sdk/go/common/workspace/project.go, Project.Validate). */
function cliProblems(config: Record<string, Declaration>, name: string): string[] {
  const problems: string[] = [];
  const matches = (type: string | undefined, value: unknown): boolean =>
    type === "string"
      ? typeof value === "string"
      : type === "integer"
        ? Number.isInteger(value)
        : type === "boolean"
          ? typeof value === "boolean"
          : type === "object"
            ? typeof value === "object" && value !== null && !Array.isArray(value)
            : type === "array"
              ? Array.isArray(value)
              : false;
  for (const [key, d] of Object.entries(config)) {
    const ownKey = !key.includes(":") || key.startsWith(`${name}:`);
    if (d.default !== undefined && d.value !== undefined) problems.push(`${key}: both default and value`);
    if (ownKey) {
      if (d.type === "array" && !d.items) problems.push(`${key}: array without items`);
      if (d.type && d.default !== undefined && !matches(d.type, d.default))
        problems.push(`${key}: default type`);
      if (d.type === "array" && Array.isArray(d.default)) {
        for (const item of d.default) if (!matches(d.items?.type, item)) problems.push(`${key}: item type`);
      }
    } else {
      if (d.type) problems.push(`${key}: a key of another namespace cannot declare a type`);
      if (d.default !== undefined) problems.push(`${key}: a key of another namespace cannot have a default`);
      if (d.value === undefined) problems.push(`${key}: a key of another namespace needs a value`);
    }
  }
  return problems;
}

/** The original, present on the machines this project is developed on (not on CI). */
const SHARED_SCHEMA = path.resolve(ROOT, "../shared/pulumi/project.schema.json");

describe("Pulumi.yaml", () => {
  it.skipIf(!existsSync(SHARED_SCHEMA))(
    "uses a fixture identical to ../shared/pulumi/project.schema.json",
    () => {
      expect(read("test/fixtures/pulumi/project.schema.json")).toBe(readFileSync(SHARED_SCHEMA, "utf8"));
    },
  );

  it("validates against Pulumi's project schema", () => {
    const validate = schemaValidator();
    expect(validate(project), JSON.stringify(validate.errors)).toBe(true);
  });

  it("is checked by that schema for real (a malformed declaration fails)", () => {
    const validate = schemaValidator();
    const broken = structuredClone(project);
    broken.config.routePath = { ...broken.config.routePath, type: "path" };
    expect(validate(broken)).toBe(false);
    const extra = structuredClone(project) as unknown as { config: Record<string, unknown> };
    extra.config.routePath = { type: "string", defaults: "/x" };
    expect(validate(extra)).toBe(false);
  });

  it("requires a Pulumi CLI that hands stack config to dynamic providers' configure (3.139.0, pulumi/pulumi#17673)", () => {
    expect(project.requiredPulumiVersion).toBe(">=3.139.0");
    // Pulumi's schema does not declare the key (it allows any other key), so it cannot check the
    // value: the CLI parses it as a blang/semver range before it runs anything, and refuses a CLI
    // outside it (test/engine/required-version.test.ts shows the real CLI doing both).
    const schema = JSON.parse(read("test/fixtures/pulumi/project.schema.json"));
    expect(schema.properties.requiredPulumiVersion).toBeUndefined();
    expect(schema.additionalProperties).toBe(true);
  });

  it("follows the CLI's own rules for config declarations", () => {
    expect(cliProblems(project.config, project.name)).toEqual([]);
    expect(cliProblems({ "calendly:token": { type: "string", secret: true } }, project.name)).toHaveLength(2);
    expect(cliProblems({ x: { type: "integer", default: "1" } }, project.name)).toEqual(["x: default type"]);
  });

  it("declares every key the program reads, with the type it reads it as, a description and a default", () => {
    const own = Object.entries(project.config).filter(([key]) => !key.includes(":"));
    expect(own.map(([key]) => key).sort()).toEqual(Object.keys(CONFIG_KEY_KINDS).sort());
    const types = {
      list: "array",
      object: "object",
      string: "string",
      wholeNumber: "integer",
      boolean: "boolean",
    };
    for (const [key, d] of own) {
      expect(d.type, key).toBe(types[CONFIG_KEY_KINDS[key as keyof typeof CONFIG_KEY_KINDS]]);
      expect(d.description?.length ?? 0, key).toBeGreaterThan(20);
      expect(d.default, key).toBeDefined();
    }
  });

  it("gives the receiver's and the monitoring's settings the component's own defaults", () => {
    // Two audiences, one value each: the stack's config (Pulumi.yaml, applied by the CLI) and whoever
    // constructs the component directly (RECEIVER_DEFAULTS, MONITORING_DEFAULTS).
    for (const [key, value] of Object.entries({ ...RECEIVER_DEFAULTS, ...MONITORING_DEFAULTS })) {
      expect(project.config[key]?.default, key).toEqual(value);
    }
  });

  it("documents the provider's keys: calendly:apiUrl declared, calendly:token explained, never valued", () => {
    expect(project.config["calendly:apiUrl"]).toMatchObject({ value: "https://api.calendly.com" });
    expect(project.config["calendly:token"]).toBeUndefined();
    // Explained as what not to do: this stack's token goes through CALENDLY_TOKEN and `token put`.
    expect(read("Pulumi.yaml")).not.toMatch(/config set[^\n]*calendly:token/);
    expect(read("Pulumi.yaml")).toMatch(/calendly-webhooks token put --stack <stack>/);
    expect(read("Pulumi.yaml")).toMatch(/Never `calendly:token` in a stack's config/);
  });
});

describe("the committed stack files", () => {
  const stackFiles = readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));

  /** Values as pulumi.Config returns them: the stack file over Pulumi.yaml's defaults. */
  function rawConfig(file: string): RawStackConfig {
    const values = (parse(read(file)) as { config: Record<string, unknown> }).config;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = value;
    }
    return raw;
  }

  it("include a dev stack", () => {
    expect(stackFiles).toContain("Pulumi.dev.yaml");
  });

  it.each(stackFiles)("%s holds no secret and only keys the project declares, with their types", (file) => {
    const values = (parse(read(file)) as { config: Record<string, unknown> }).config;
    expect(values["calendly:token"]).toBeUndefined();
    const encrypted = Object.entries(values).filter(
      ([, v]) => typeof v === "object" && v !== null && "secure" in v,
    );
    expect(encrypted).toEqual([]);
    for (const [key, value] of Object.entries(values)) {
      const [namespace, name] = key.split(":");
      expect(["aws", "calendly", PROJECT], key).toContain(namespace);
      if (namespace !== PROJECT) continue;
      const declaration = project.config[name];
      expect(declaration, key).toBeDefined();
      expect(cliProblems({ [name]: { ...declaration, default: value } }, PROJECT), key).toEqual([]);
    }
  });

  it.each(stackFiles)("%s passes the program's validation", (file) => {
    expect(validateStackConfig(rawConfig(file), PROJECT).problems).toEqual([]);
  });
});
