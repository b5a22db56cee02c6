/**
 * Scenario 5, token rotation, through the real Pulumi CLI: the token a stack was deployed with is
 * revoked at Calendly and replaced, then `refresh` and `destroy` run without an `up` first.
 *
 * Without `--run-program` the engine does not run the program: it loads the default `pulumi-nodejs`
 * provider from the state, with the stack configuration stored as that provider's inputs at the last
 * update, so the provider would be configured with the revoked token. An explicit `CALENDLY_TOKEN`
 * wins over stack config, and `--run-program` takes the current config.
 */
import { join } from "node:path";
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed } from "../../emulator/seed";
import type { Emulator } from "../../emulator/server";
import { startEngineEmulator } from "./support/emulator";
import { createWorkspace, resourcesOfType, type Workspace } from "./support/pulumi";

const PROGRAM = join(__dirname, "programs", "subscriptions");
const OLD_TOKENS = ["rotation-old-token-0001", "rotation-old-token-0002"];
const NEW_TOKEN = "rotation-new-token-0003";
const ENV_TOKEN = "rotation-env-token-0004";

let emulator: Emulator;
const workspaces: Workspace[] = [];

async function deployedWith(oldToken: string, stack: string): Promise<Workspace> {
  const ws = await createWorkspace({ programDir: PROGRAM, stack });
  workspaces.push(ws);
  await ws.setConfig("calendly:token", oldToken, { secret: true });
  await ws.setConfig("calendly:apiUrl", emulator.url);
  const url = `https://receiver.example.com/hooks?subscription=${stack}`;
  await ws.setConfig(
    "subscriptions",
    JSON.stringify([{ name: "bookings", url, events: ["invitee.created"] }]),
  );
  await ws.up();
  return ws;
}

function atCalendly(stack: string) {
  return emulator.control.subscriptions().filter((s) => s.callback_url.endsWith(`subscription=${stack}`));
}

beforeAll(async () => {
  const seed = defaultSeed();
  const owner = seed.tokens.find((t) => t.token === "emu-owner-token")!;
  for (const token of [...OLD_TOKENS, NEW_TOKEN, ENV_TOKEN]) seed.tokens.push({ ...owner, token });
  emulator = await startEngineEmulator({ seed });
});

afterAll(async () => {
  for (const ws of workspaces) ws.dispose();
  await emulator?.close();
});

describe("after the deployed token is revoked and replaced in stack config", () => {
  it("refresh and destroy without --run-program use the token stored with the provider: 401", async () => {
    const ws = await deployedWith(OLD_TOKENS[0]!, "stored-token");
    emulator.control.revokeToken(OLD_TOKENS[0]!);
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
    emulator.control.revokeToken(OLD_TOKENS[1]!);
    const env = { CALENDLY_TOKEN: ENV_TOKEN };
    await ws.refresh([], { env });
    const [resource] = resourcesOfType(await ws.exportState(), WEBHOOK_SUBSCRIPTION_TYPE);
    expect(resource?.outputs?.state).toBe("active");
    await ws.destroy([], { env });
    expect(atCalendly("env-token")).toHaveLength(0);
  });
});
