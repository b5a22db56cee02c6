/**
 * The package's functions through the plugin process: markedUrl (the TypeScript helper's result,
 * for every language), getCurrentUser and getInvitee against the emulator, with their results
 * holding exactly what the schema promises.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { markedUrl } from "pulumi-calendly";
import { secretValue } from "pulumi-calendly/plugin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/server";
import { type PluginProcess, REPO_ROOT, startPlugin } from "./support/plugin";

const schema = JSON.parse(readFileSync(join(REPO_ROOT, "packages/pulumi-calendly/schema.json"), "utf8")) as {
  functions: Record<string, { outputs: { properties: Record<string, unknown>; required: string[] } }>;
};

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  emulator = await startEmulator();
  plugin = await startPlugin();
  await plugin.configure({ token: secretValue("emu-oauth-invitees-token"), apiUrl: emulator.url });
});

afterAll(async () => {
  await plugin?.close();
  await emulator?.close();
});

function expectSchemaShape(token: string, result: Record<string, unknown>) {
  const outputs = schema.functions[token]!.outputs;
  expect(Object.keys(result).sort()).toEqual(Object.keys(outputs.properties).sort());
  for (const key of outputs.required) expect(result[key], key).not.toBeNull();
}

describe("markedUrl", () => {
  it("is the TypeScript markedUrl, with no Calendly call", async () => {
    const before = emulator.control.requestCount();
    const args = {
      url: "https://hooks.example.com/calendly?x=1",
      name: "bookings",
      events: ["invitee.created", "invitee.canceled"],
      scope: "user",
      signingKeyGeneration: 2,
    };
    const { result, failures } = await plugin.invoke("calendly:index:markedUrl", args);
    expect(failures).toEqual([]);
    expect(result).toEqual({ url: markedUrl(args.url, args.name, args) });
    expect(result.url).toMatch(
      /^https:\/\/hooks\.example\.com\/calendly\?x=1&subscription=bookings&v=[0-9a-f]{8}$/,
    );
    expect(emulator.control.requestCount()).toBe(before);
  });

  it("names each bad argument", async () => {
    const { failures } = await plugin.invoke("calendly:index:markedUrl", {
      url: "hooks",
      events: [],
      scope: "team",
      signingKeyGeneration: 0,
    });
    expect(failures.map((f) => f.property).sort()).toEqual([
      "events",
      "name",
      "scope",
      "signingKeyGeneration",
      "url",
    ]);
  });
});

describe("getCurrentUser", () => {
  it("the token's user and organization URIs, as the schema describes them", async () => {
    const { result } = await plugin.invoke("calendly:index:getCurrentUser", {});
    expect(result).toMatchObject({
      uri: `${emulator.url}/users/0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d`,
      currentOrganization: `${emulator.url}/organizations/5b2e7a4c-9d1f-4c3e-8a6b-1f0e2d3c4b5a`,
    });
    expectSchemaShape("calendly:index:getCurrentUser", result);
  });
});

describe("getInvitee", () => {
  it("by URI, and by the event's and invitee's UUIDs, as the schema describes it", async () => {
    const fired = emulator.control.fireEvent({ event: "invitee.created" });
    const uri = String(fired.envelope.payload.uri);
    const byUri = await plugin.invoke("calendly:index:getInvitee", { uri });
    expect(byUri.result).toMatchObject({ uri, status: "active" });
    expectSchemaShape("calendly:index:getInvitee", byUri.result);
    const [, eventUuid, , inviteeUuid] = new URL(uri).pathname.split("/").slice(-4);
    const byIds = await plugin.invoke("calendly:index:getInvitee", { eventUuid, inviteeUuid });
    expect(byIds.result).toEqual(byUri.result);
  });

  it("asks for an invitee, and explains one Calendly does not have", async () => {
    expect((await plugin.invoke("calendly:index:getInvitee", {})).failures).toEqual([
      { property: "uri", reason: "give the invitee's uri, or both eventUuid and inviteeUuid" },
    ]);
    const missing = await plugin
      .invoke("calendly:index:getInvitee", { uri: `${emulator.url}/scheduled_events/e0/invitees/i0` })
      .catch((e: Error) => e);
    expect((missing as Error).message).toMatch(/404/);
  });
});
