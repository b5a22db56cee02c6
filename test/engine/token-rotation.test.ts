/**
 * Scenario 5, token rotation, through the real Pulumi CLI: the token a stack was deployed with is
 * revoked at Calendly and replaced, then `refresh` and `destroy` run without an `up` first.
 *
 * Without `--run-program` the engine does not run the program: it loads the default `pulumi-nodejs`
 * provider from the state, with the stack configuration stored as that provider's inputs at the last
 * update, so the provider would be configured with the revoked token. An explicit `CALENDLY_TOKEN`
 * wins over stack config, and `--run-program` takes the current config.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { describe, expect, it } from "vitest";
import { defaultSeed } from "../../emulator/seed";
import { OWNER_TOKEN } from "./support/emulator";
import { resourcesOfType, type Workspace } from "./support/pulumi";
import { engineScenario } from "./support/scenario";

const OLD_TOKENS = ["rotation-old-token-0001", "rotation-old-token-0002"];
const NEW_TOKEN = "rotation-new-token-0003";
const ENV_TOKEN = "rotation-env-token-0004";

/** Every token of this file is an owner's token, as the emulator's own. */
const scenario = engineScenario(() => {
  const seed = defaultSeed();
  const owner = seed.tokens.find((t) => t.token === OWNER_TOKEN)!;
  for (const token of [...OLD_TOKENS, NEW_TOKEN, ENV_TOKEN]) seed.tokens.push({ ...owner, token });
  return { seed };
});

const urlOf = (stack: string) => `https://receiver.example.com/hooks?subscription=${stack}`;

async function deployedWith(oldToken: string, stack: string): Promise<Workspace> {
  const ws = await scenario.workspace(stack, {
    token: oldToken,
    subscriptions: [{ name: "bookings", url: urlOf(stack), events: ["invitee.created"] }],
  });
  await ws.up();
  return ws;
}

function atCalendly(stack: string) {
  return scenario.atCalendly(urlOf(stack));
}

describe("after the deployed token is revoked and replaced in stack config", () => {
  it("refresh and destroy without --run-program use the token stored with the provider: 401", async () => {
    const ws = await deployedWith(OLD_TOKENS[0]!, "stored-token");
    scenario.emulator.control.revokeToken(OLD_TOKENS[0]!);
    await ws.setConfig("calendly:token", NEW_TOKEN, { secret: true });
    const refresh = await ws.refresh([], { allowFailure: true });
    expect(refresh.code).not.toBe(0);
    expect(refresh.output).toMatch(/401|revoked/i);
    expect(refresh.output).not.toContain(OLD_TOKENS[0]!);
    expect(refresh.output).not.toContain(NEW_TOKEN);
    // The documented way out with config alone: run the program, which configures the provider anew.
    await ws.refresh(["--run-program"]);
    await ws.destroy(["--run-program"]);
    expect(atCalendly("stored-token")).toHaveLength(0);
  });

  it("refresh and destroy succeed with the new token in CALENDLY_TOKEN", async () => {
    const ws = await deployedWith(OLD_TOKENS[1]!, "env-token");
    scenario.emulator.control.revokeToken(OLD_TOKENS[1]!);
    const env = { CALENDLY_TOKEN: ENV_TOKEN };
    await ws.refresh([], { env });
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.outputs?.state).toBe("active");
    await ws.destroy([], { env });
    expect(atCalendly("env-token")).toHaveLength(0);
  });
});
