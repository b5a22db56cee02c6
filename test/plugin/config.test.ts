/**
 * The provider's configuration through the plugin process: CheckConfig, DiffConfig, and which
 * token and API each kind of provider ends up with (src/plugin/config.ts has the table). Which
 * token a provider uses is read back from the emulator: `getCurrentUser` names the token's user.
 */
import { secretValue } from "pulumi-calendly/plugin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator/server";
import { type PluginProcess, type StartOptions, startPlugin } from "./support/plugin";

const OWNER = { token: "emu-owner-token", name: "Olivia Owner" };
const MEMBER = { token: "emu-member-token", name: "Mia Member" };
const ADMIN = { token: "emu-admin-token", name: "Adam Admin" };

let emulator: Emulator;
const started: PluginProcess[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  for (const plugin of started) await plugin.close();
  await emulator?.close();
});

async function plugin(options: StartOptions = {}) {
  const p = await startPlugin(options);
  started.push(p);
  return p;
}

/** The name of the user whose token the provider configured with `args` (as `name`) uses. */
async function whoIs(p: PluginProcess, args: Record<string, unknown>, name = "default") {
  await p.configure(args, name);
  return (await p.invoke("calendly:index:getCurrentUser", {})).result.name;
}

describe("CheckConfig", () => {
  it("returns the token as a secret, and names a bad apiUrl", async () => {
    const p = await plugin();
    const ok = await p.checkConfig({ token: OWNER.token, apiUrl: emulator.url, version: "0.2.0" });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs).toEqual({ token: secretValue(OWNER.token), apiUrl: emulator.url, version: "0.2.0" });
    const bad = await p.checkConfig({ apiUrl: "api.calendly.com" });
    expect(bad.failures).toEqual([
      {
        property: "apiUrl",
        reason: expect.stringMatching(/^apiUrl "api\.calendly\.com" is not an absolute URL/),
      },
    ]);
    // The token must not travel in clear: plain http only to a loopback host (the core's rule).
    const plain = await p.checkConfig({ apiUrl: "http://calendly.internal" });
    expect(plain.failures).toEqual([
      {
        property: "apiUrl",
        reason: expect.stringMatching(/^apiUrl "http:\/\/calendly\.internal" is plain http/),
      },
    ]);
  });

  it("warns of a key it does not know (a typo), without failing", async () => {
    const p = await plugin();
    const checked = await p.checkConfig({ tokn: "x" });
    expect(checked.failures).toEqual([]);
    expect(p.messages.map((m) => m.message)).toEqual([
      expect.stringMatching(/Unknown calendly configuration "tokn"/),
    ]);
  });
});

describe("DiffConfig", () => {
  it("a new token or API is an update of the provider, never a replacement of its subscriptions", async () => {
    const p = await plugin();
    const diff = await p.diffConfig(
      { token: secretValue(OWNER.token) },
      { token: secretValue(MEMBER.token) },
    );
    expect(diff).toMatchObject({ changes: "some", replaces: [], diffs: ["token"] });
    expect((await p.diffConfig({ token: OWNER.token }, { token: secretValue(OWNER.token) })).changes).toBe(
      "none",
    );
  });
});

describe("Configure: whose token", () => {
  it("the default provider: stack config (its arguments), and an exported CALENDLY_TOKEN wins over it", async () => {
    const args = { token: secretValue(OWNER.token), apiUrl: emulator.url };
    expect(await whoIs(await plugin(), args)).toBe(OWNER.name);
    expect(await whoIs(await plugin({ env: { CALENDLY_TOKEN: MEMBER.token } }), args)).toBe(MEMBER.name);
  });

  it("the default provider takes the stack's config as it is now (PULUMI_CONFIG) over the one stored with it", async () => {
    // `refresh` and `destroy` without --run-program configure from the state: after a rotation, the old token.
    const stored = { token: secretValue(OWNER.token), apiUrl: "http://127.0.0.1:1" };
    const env = { PULUMI_CONFIG: JSON.stringify({ token: ADMIN.token, apiUrl: emulator.url }) };
    expect(await whoIs(await plugin({ env }), stored)).toBe(ADMIN.name);
  });

  it("an explicit provider: its own token wins over CALENDLY_TOKEN and never falls back to the stack's", async () => {
    const env = {
      CALENDLY_TOKEN: MEMBER.token,
      PULUMI_CONFIG: JSON.stringify({ token: ADMIN.token, apiUrl: "http://127.0.0.1:1" }),
    };
    expect(
      await whoIs(await plugin({ env }), { token: secretValue(OWNER.token), apiUrl: emulator.url }, "acme"),
    ).toBe(OWNER.name);
    // Without a token of its own: the environment's, not the stack's.
    expect(await whoIs(await plugin({ env }), { apiUrl: emulator.url }, "acme")).toBe(MEMBER.name);
  });

  it("CALENDLY_API_URL when no apiUrl is configured", async () => {
    const env = { CALENDLY_API_URL: emulator.url };
    expect(await whoIs(await plugin({ env }), { token: secretValue(OWNER.token) })).toBe(OWNER.name);
  });

  it("two providers, two tokens: each process its own account", async () => {
    const [a, b] = [await plugin(), await plugin()];
    await a.configure({ token: secretValue(OWNER.token), apiUrl: emulator.url }, "acme");
    await b.configure({ token: secretValue(MEMBER.token), apiUrl: emulator.url }, "globex");
    const [ua, ub] = await Promise.all([
      a.invoke("calendly:index:getCurrentUser", {}),
      b.invoke("calendly:index:getCurrentUser", {}),
    ]);
    expect([ua.result.name, ub.result.name]).toEqual([OWNER.name, MEMBER.name]);
  });

  it("answers that it accepts secrets and previews", async () => {
    expect(await (await plugin()).configure({})).toEqual({ acceptSecrets: true, supportsPreview: true });
  });
});
