/**
 * The native provider from YAML, the language with no SDK at all, through the real CLI and the
 * YAML language host (`npm run pulumi:install` builds both) against the emulator. The program
 * declares `type: calendly:WebhookSubscription` and marks its URL with the schema's
 * `calendly:index:markedUrl` function; the plugin is `node_modules/.bin/pulumi-resource-calendly`,
 * found on PATH (support/native-lifecycle.ts runs the five steps), or through Pulumi.yaml's
 * `plugins: providers`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  nativePrograms,
  PLUGIN_DIR,
  PROJECT_PLUGIN,
  pathWithoutPlugin,
  ref,
  yamlProgram,
} from "./support/native";
import { describeNativeLifecycle, LIFECYCLE_KEY } from "./support/native-lifecycle";
import { findPulumiCli, REPO_ROOT } from "./support/pulumi";
import { engineScenario } from "./support/scenario";

const scenario = engineScenario();
const program = nativePrograms(scenario);

/** A YAML program with one subscription, its URL marked by the schema's markedUrl function. */
function bookings(receiverUrl: string, events: string[], extra: Record<string, unknown> = {}): string {
  return yamlProgram("native-yaml", {
    config: { signingKey: { type: "string", secret: true } },
    variables: {
      events,
      url: {
        "fn::invoke": {
          function: "calendly:index:markedUrl",
          arguments: { url: receiverUrl, name: "bookings", events: ref("events"), scope: "user" },
          return: "url",
        },
      },
    },
    resources: {
      bookings: {
        type: "calendly:WebhookSubscription",
        properties: { url: ref("url"), events: ref("events"), scope: "user", signingKey: ref("signingKey") },
      },
    },
    outputs: {
      uri: ref("bookings.uri"),
      state: ref("bookings.state"),
      callbackUrl: ref("bookings.callbackUrl"),
    },
    ...extra,
  });
}

describeNativeLifecycle("a YAML program, the plugin on PATH", scenario, async (receiverUrl) => {
  const stack = await program("yaml", bookings(receiverUrl, ["invitee.created"]));
  await stack.ws.setConfig("signingKey", LIFECYCLE_KEY, { secret: true });
  return { ws: stack.ws, declareEvents: async (events) => stack.write(bookings(receiverUrl, events)) };
});

describe("the plugin found elsewhere than on PATH", () => {
  it("through Pulumi.yaml's plugins: providers, up and destroy run without the CLI's PATH warning", async () => {
    const text = bookings("https://receiver.example.com/calendly", ["invitee.created"], {
      plugins: PROJECT_PLUGIN,
    });
    const stack = await program("yaml-project-plugin", text, { plugin: "elsewhere" });
    await stack.ws.setConfig("signingKey", LIFECYCLE_KEY, { secret: true });
    const up = await stack.ws.up();
    expect(up.output).not.toMatch(/using pulumi-resource-calendly from \$PATH/);
    expect(scenario.emulator.control.subscriptions()).toHaveLength(1);
    await stack.ws.destroy();
    expect(scenario.emulator.control.subscriptions()).toEqual([]);
  });

  it("installed from the single-file plugin with pulumi plugin install --file, up and destroy run", async () => {
    const text = bookings("https://receiver.example.com/calendly", ["invitee.created"]);
    const stack = await program("yaml-installed-plugin", text, { plugin: "elsewhere" });
    await stack.ws.setConfig("signingKey", LIFECYCLE_KEY, { secret: true });
    const single = join(REPO_ROOT, "packages/pulumi-calendly/dist/pulumi-resource-calendly.js");
    const version = JSON.parse(
      readFileSync(join(REPO_ROOT, "packages/pulumi-calendly/package.json"), "utf8"),
    ).version;
    const cli = join(findPulumiCli().binDir, "pulumi");
    const install = spawnSync(cli, ["plugin", "install", "resource", "calendly", version, "--file", single], {
      encoding: "utf8",
      env: stack.ws.env,
    });
    expect(install.status, install.stderr).toBe(0);
    const listed = spawnSync(cli, ["plugin", "ls"], { encoding: "utf8", env: stack.ws.env });
    expect(listed.stdout).toMatch(new RegExp(`calendly\\s+resource\\s+${version.replaceAll(".", "\\.")}`));
    const up = await stack.ws.up();
    expect(up.output).not.toMatch(/using pulumi-resource-calendly from \$PATH/);
    expect(scenario.emulator.control.subscriptions()).toHaveLength(1);
    await stack.ws.destroy();
    expect(scenario.emulator.control.subscriptions()).toEqual([]);
  });

  it("pulumi package get-schema prints the package's schema.json", () => {
    const plugin = join(PLUGIN_DIR, "pulumi-resource-calendly");
    const run = spawnSync(join(findPulumiCli().binDir, "pulumi"), ["package", "get-schema", plugin], {
      encoding: "utf8",
      env: { ...process.env, PATH: pathWithoutPlugin(), PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    expect(run.status, run.stderr).toBe(0);
    const schema = readFileSync(join(REPO_ROOT, "packages/pulumi-calendly/schema.json"), "utf8");
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(schema));
  });
});
