/**
 * The package schema (packages/pulumi-calendly/schema.json): current with what the plugin's
 * description writes (`npm run codegen`; the SDKs' own check needs Go: `npm run codegen:check`),
 * valid against Pulumi's package metaschema (a copy of pkg/codegen/schema/pulumi.json of
 * github.com/pulumi/pulumi/pkg/v3 v3.276.0 in test/fixtures/pulumi/package.schema.json), and what
 * the plugin serves.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { packageSchema, packageSchemaText, SCHEMA_FILE } from "pulumi-calendly/plugin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginProcess, REPO_ROOT, startPlugin } from "./support/plugin";

const committed = readFileSync(join(REPO_ROOT, "packages/pulumi-calendly/schema.json"), "utf8");

let plugin: PluginProcess;

beforeAll(async () => {
  plugin = await startPlugin({ noEngine: true });
});

afterAll(async () => {
  await plugin?.close();
});

describe("the package schema", () => {
  it("is current: schema.json is what src/plugin/schema writes (else run `npm run codegen` and commit)", () => {
    expect(committed === packageSchemaText(), "schema.json is stale: run `npm run codegen`").toBe(true);
  });

  it("is valid against Pulumi's package metaschema", () => {
    const metaschema = JSON.parse(
      readFileSync(join(REPO_ROOT, "test/fixtures/pulumi/package.schema.json"), "utf8"),
    );
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(metaschema);
    expect(validate(JSON.parse(committed)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("describes every property, marks signingKey and token secret, and requires what check requires", () => {
    const schema = packageSchema();
    const resource = schema.resources["calendly:index:WebhookSubscription"]!;
    for (const [name, spec] of [
      ...Object.entries(resource.inputProperties),
      ...Object.entries(resource.properties),
      ...Object.entries(schema.config.variables),
    ]) {
      expect(spec.description.length, name).toBeGreaterThan(20);
    }
    expect(resource.inputProperties.signingKey?.secret).toBe(true);
    expect(resource.properties.signingKey?.secret).toBe(true);
    expect(schema.config.variables.token?.secret).toBe(true);
    expect(resource.requiredInputs.sort()).toEqual(["events", "scope", "url"]);
    expect(Object.keys(schema.functions).sort()).toEqual([
      "calendly:index:getCurrentUser",
      "calendly:index:getInvitee",
      "calendly:index:markedUrl",
    ]);
  });

  it("is what the plugin serves, from the file the package ships, with the package's version", async () => {
    expect(SCHEMA_FILE).toBe(join(REPO_ROOT, "packages/pulumi-calendly/schema.json"));
    expect(await plugin.getSchema()).toBe(committed);
    const version = JSON.parse(
      readFileSync(join(REPO_ROOT, "packages/pulumi-calendly/package.json"), "utf8"),
    ).version;
    expect(await plugin.getPluginInfo()).toBe(version);
    expect(JSON.parse(committed).version).toBe(version);
  });
});
