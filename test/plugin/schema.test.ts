/**
 * The package schema (packages/pulumi-calendly/schema.json): current with what the plugin's
 * description writes (`npm run codegen`; the SDKs' own check needs Go: `npm run codegen:check`),
 * valid against Pulumi's package metaschema (a copy of pkg/codegen/schema/pulumi.json of
 * github.com/pulumi/pulumi/pkg/v3 v3.276.0 in test/fixtures/pulumi/package.schema.json), and what
 * the plugin serves.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

describe("the single-file plugin (dist/pulumi-resource-calendly.js, what `pulumi plugin install --file` takes)", () => {
  it("runs alone, away from the package, and serves the same schema and version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "calendly-single-file-"));
    const command = join(dir, "pulumi-resource-calendly");
    copyFileSync(join(REPO_ROOT, "packages/pulumi-calendly/dist/pulumi-resource-calendly.js"), command);
    const single = await startPlugin({ noEngine: true, command });
    try {
      expect(await single.getSchema()).toBe(committed);
      expect(await single.getPluginInfo()).toBe(await plugin.getPluginInfo());
      const { failures } = await single.check({
        url: "https://hooks.example.com/x",
        events: ["invitee.created"],
        scope: "user",
      });
      expect(failures).toEqual([]);
    } finally {
      await single.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
