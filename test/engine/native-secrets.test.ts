/**
 * Secrets of the native provider through the real CLI, the YAML host and the plugin: no token and
 * no signing key in plain text in any file of the backend (checkpoints, history, backups), in
 * anything the CLI printed, or in `stack export`. The program holds every kind there is:
 * - the default provider's token only in the environment (CALENDLY_TOKEN): never in the state;
 * - an explicit provider's token from secret stack config: stored, encrypted;
 * - a signing key the program gives (secret config), one the plugin generates for the default
 *   provider, and one it generates for the explicit provider: stored encrypted, as outputs and,
 *   the given one, as an input;
 * - a check failure on a bad key, which names the problem and not the value.
 * test/engine/secrets.test.ts proves the same of the dynamic resource. Two lines of defence keep the
 * keys encrypted here: the plugin answers them wrapped as secrets (test/plugin proves each answer),
 * and the schema marks signingKey `secret`, so the YAML host (as every SDK) registers the resource
 * with `additionalSecretOutputs: ["signingKey"]`.
 */
import { describe, expect, it } from "vitest";
import { backendFiles } from "./support/backend";
import { OWNER_TOKEN } from "./support/emulator";
import { nativePrograms, nativeSubscriptions, ref, yamlProgram } from "./support/native";
import type { RunResult } from "./support/pulumi";
import { engineScenario } from "./support/scenario";

const MEMBER_TOKEN = "emu-member-token";
const GIVEN_KEY = "native-secrets-given-signing-key-0123456789";
const BAD_KEY = "too-short-key";
const RECEIVER = "https://receiver.example.com/calendly";

const scenario = engineScenario();
const program = nativePrograms(scenario);

function secrets(events: string[], apiUrl: string): string {
  const hook = (name: string, extra: Record<string, unknown> = {}) => ({
    type: "calendly:WebhookSubscription",
    properties: { url: `${RECEIVER}?subscription=${name}`, events, scope: "user", ...extra },
  });
  return yamlProgram("native-secrets", {
    config: { givenKey: { type: "string", secret: true }, memberToken: { type: "string", secret: true } },
    resources: {
      member: { type: "pulumi:providers:calendly", properties: { token: ref("memberToken"), apiUrl } },
      given: hook("given", { signingKey: ref("givenKey") }),
      generated: hook("generated"),
      memberGenerated: { ...hook("member-generated"), options: { provider: ref("member") } },
    },
    outputs: {
      keys: {
        given: ref("given.signingKey"),
        generated: ref("generated.signingKey"),
        memberGenerated: ref("memberGenerated.signingKey"),
      },
    },
  });
}

describe("secrets of the native provider", () => {
  it("no token and no key in plain text in the backend, the CLI's output or the export", async () => {
    const printed: RunResult[] = [];
    const stack = await program("native-secrets", secrets(["invitee.created"], scenario.emulator.url), {
      token: null,
      env: { CALENDLY_TOKEN: OWNER_TOKEN },
    });
    await stack.ws.setConfig("givenKey", GIVEN_KEY, { secret: true });
    await stack.ws.setConfig("memberToken", MEMBER_TOKEN, { secret: true });
    printed.push(await stack.ws.up());

    const keys = (await stack.ws.outputs({ showSecrets: true })).keys as Record<string, string>;
    expect(keys.given).toBe(GIVEN_KEY);
    expect(keys.generated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.memberGenerated).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Stored encrypted: every key as an output, the given one as an input, the explicit token.
    const state = await stack.ws.exportState();
    for (const r of nativeSubscriptions(state))
      expect(r.outputs?.signingKey, r.urn).toHaveProperty("ciphertext");
    const given = nativeSubscriptions(state).find((r) => r.urn.endsWith("::given"));
    expect(given?.inputs?.signingKey).toHaveProperty("ciphertext");
    const member = (state.deployment.resources ?? []).find((r) =>
      r.urn.endsWith("pulumi:providers:calendly::member"),
    );
    expect(member?.inputs?.token).toHaveProperty("ciphertext");
    // The environment's token is no input of the default provider.
    const defaultProvider = (state.deployment.resources ?? []).find((r) =>
      /providers:calendly::default/.test(r.urn),
    );
    expect(defaultProvider?.inputs).not.toHaveProperty("token");

    // A change, previewed with its diff, applied; a refresh; a clean preview.
    stack.write(secrets(["invitee.canceled", "invitee.created"], scenario.emulator.url));
    const preview = await stack.ws.preview(["--diff"]);
    // The detailed diff shows what forces each replacement (the events), and no key.
    expect(preview.stdout.match(/\+-calendly:index:WebhookSubscription: \(replace\)/g)).toHaveLength(3);
    printed.push(preview, await stack.ws.up(), await stack.ws.refresh());
    printed.push(await stack.ws.preview(["--diff", "--expect-no-changes"]));

    // A bad key: the check names the problem, not the value.
    await stack.ws.setConfig("givenKey", BAD_KEY, { secret: true });
    const failed = await stack.ws.preview(["--diff"], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/signingKey must be at least 16 characters/);
    printed.push(failed);
    await stack.ws.setConfig("givenKey", GIVEN_KEY, { secret: true });

    const afterUp = (await stack.ws.outputs({ showSecrets: true })).keys as Record<string, string>;
    printed.push(await stack.ws.destroy());
    const text = [
      [...backendFiles(stack.ws).values()].join("\n"),
      JSON.stringify(state),
      ...printed.map((r) => r.output),
    ].join("\n");
    for (const secret of [
      OWNER_TOKEN,
      MEMBER_TOKEN,
      GIVEN_KEY,
      BAD_KEY,
      ...Object.values(keys),
      ...Object.values(afterUp),
    ]) {
      expect(text.includes(secret), `found ${secret.slice(0, 6)}…`).toBe(false);
    }
  });
});
