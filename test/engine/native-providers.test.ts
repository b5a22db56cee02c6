/**
 * Two Calendly accounts in one program: two explicit `calendly` providers with two tokens (two
 * emulator users, Olivia and Mia), each managing its own subscription, through the real CLI, the
 * YAML host and the plugin. What each provider sends is read from the emulator's record of calls,
 * which names the user behind every token. An exported CALENDLY_TOKEN (a third user's) changes
 * nothing: an explicit provider's own token wins.
 */
import { describe, expect, it } from "vitest";
import { OWNER_TOKEN } from "./support/emulator";
import { nativePrograms, nativeSubscriptions, ref, yamlProgram } from "./support/native";
import { engineScenario } from "./support/scenario";

const MEMBER_TOKEN = "emu-member-token";
const ADMIN_TOKEN = "emu-admin-token";
const OLIVIA = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const MIA = "2c3d4e5f-6a7b-4c8d-ae9f-0a1b2c3d4e5f";

const scenario = engineScenario();
const program = nativePrograms(scenario);

function subscription(name: string, provider: string) {
  return {
    type: "calendly:WebhookSubscription",
    properties: { url: `https://receiver.example.com/${name}`, events: ["invitee.created"], scope: "user" },
    options: { provider: ref(provider) },
  };
}

function whoAmI(provider: string) {
  return {
    "fn::invoke": {
      function: "calendly:index:getCurrentUser",
      arguments: {},
      options: { provider: ref(provider) },
      return: "uri",
    },
  };
}

const twoAccounts = (apiUrl: string) =>
  yamlProgram("native-providers", {
    config: {
      oliviaToken: { type: "string", secret: true },
      miaToken: { type: "string", secret: true },
    },
    variables: { oliviaUser: whoAmI("olivia"), miaUser: whoAmI("mia") },
    resources: {
      olivia: { type: "pulumi:providers:calendly", properties: { token: ref("oliviaToken"), apiUrl } },
      mia: { type: "pulumi:providers:calendly", properties: { token: ref("miaToken"), apiUrl } },
      oliviaBookings: subscription("olivia", "olivia"),
      miaBookings: subscription("mia", "mia"),
    },
    outputs: {
      oliviaUser: ref("oliviaUser"),
      miaUser: ref("miaUser"),
      oliviaSubscriptionUser: ref("oliviaBookings.user"),
      miaSubscriptionUser: ref("miaBookings.user"),
    },
  });

/** The users whose tokens made the calls of `operation` since `since`. */
function callers(operation: string, since: number): string[] {
  return scenario.emulator.control
    .requests({ operation: operation as never })
    .filter((r) => r.seq > since)
    .map((r) => String(r.user).split("/").at(-1)!)
    .sort();
}

describe("two explicit providers, two tokens", () => {
  it("each creates, refreshes and deletes its own account's subscription", async () => {
    // No calendly:token in the stack: only the explicit providers have tokens.
    const stack = await program("two-accounts", twoAccounts(scenario.emulator.url), {
      token: null,
      env: { CALENDLY_TOKEN: ADMIN_TOKEN },
    });
    await stack.ws.setConfig("oliviaToken", OWNER_TOKEN, { secret: true });
    await stack.ws.setConfig("miaToken", MEMBER_TOKEN, { secret: true });

    await stack.ws.up();
    const outputs = await stack.ws.outputs();
    const userUri = (id: string) => `${scenario.emulator.url}/users/${id}`;
    expect(outputs).toMatchObject({
      oliviaUser: userUri(OLIVIA),
      miaUser: userUri(MIA),
      oliviaSubscriptionUser: userUri(OLIVIA),
      miaSubscriptionUser: userUri(MIA),
    });
    expect(callers("createWebhookSubscription", 0)).toEqual([OLIVIA, MIA].sort());
    const atCalendly = scenario.emulator.control.subscriptions();
    expect(
      atCalendly.map((s) => [s.callback_url.split("/").at(-1), String(s.user).split("/").at(-1)]).sort(),
    ).toEqual([
      ["mia", MIA],
      ["olivia", OLIVIA],
    ]);
    // Each subscription is bound to its own provider in the state.
    const providers = nativeSubscriptions(await stack.ws.exportState()).map((r) => [
      r.urn.split("::").at(-1),
      r.provider,
    ]);
    expect(providers).toEqual(
      expect.arrayContaining([
        ["oliviaBookings", expect.stringContaining("pulumi:providers:calendly::olivia::")],
        ["miaBookings", expect.stringContaining("pulumi:providers:calendly::mia::")],
      ]),
    );

    const beforeRefresh = scenario.emulator.control.requests().at(-1)?.seq ?? 0;
    await stack.ws.refresh();
    expect(callers("getWebhookSubscription", beforeRefresh)).toEqual([OLIVIA, MIA].sort());

    const beforeDestroy = scenario.emulator.control.requests().at(-1)?.seq ?? 0;
    await stack.ws.destroy();
    expect(callers("deleteWebhookSubscription", beforeDestroy)).toEqual([OLIVIA, MIA].sort());
    expect(scenario.emulator.control.subscriptions()).toEqual([]);
  });
});
