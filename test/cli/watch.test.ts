/**
 * `calendly-webhooks watch`: the watchdog's pass from the command line, against the emulator over
 * HTTP. Each state, the exit code of `--once`, which subscriptions it checks, the number of
 * Calendly calls, `--json`, `--count`, and no token in the output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookSubscription } from "../../calendly";
import { type CalendlyClient, createCalendlyClient } from "../../calendly";
import type { WatchdogResult } from "../../lambda/watchdog-check";
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { type SubscriptionStates, subscriptionsInEveryState } from "../support/subscription-states";
import { runCli, runInProcess } from "./helpers";

let emu: TestEmulator;
let client: CalendlyClient;
let failing: Receiver;
let env: Record<string, string>;
let subs: SubscriptionStates;

const uuid = (sub: WebhookSubscription) => sub.uri.slice(sub.uri.lastIndexOf("/") + 1);
const calls = () => emu.control.requestCount({ operation: "getWebhookSubscription" });

beforeAll(async () => {
  emu = await startTestEmulator({ delivery: { retryInitialMs: 50, retryMaxMs: 100, retryWindowMs: 60_000 } });
  env = { CALENDLY_API_URL: emu.url, CALENDLY_TOKEN: emu.tokens.owner };
  client = createCalendlyClient({ token: emu.tokens.owner, baseUrl: emu.url });
  failing = await startReceiver(() => ({ status: 500 }));
  subs = await subscriptionsInEveryState({
    client,
    control: emu.control,
    organization: emu.org,
    user: emu.users.owner,
    failingUrl: failing.url,
  });
});

afterAll(async () => {
  await client?.close();
  await emu?.close();
  await failing?.close();
});

const named = () => [
  "--subscription",
  `bookings=${subs.healthy.uri}`,
  "--subscription",
  `types=${subs.retrying.uri}`,
  "--subscription",
  `old=${subs.disabled.uri}`,
  "--subscription",
  `gone=${subs.missing.uri}`,
];

describe("watch --once", () => {
  it("checks each named subscription once, shows its state and what to do, and exits 1 when any is not healthy", async () => {
    const before = calls();
    const run = await runCli(["watch", "--once", ...named()], env);
    expect(run.code).toBe(1);
    expect(calls() - before).toBe(4);
    const row = (name: string) => run.stdout.split("\n").find((line) => line.startsWith(`${name} `)) ?? "";
    expect(row("bookings")).toMatch(/^bookings +healthy +active +-$/);
    expect(row("types")).toMatch(
      /RETRYING +active +\d{4}-\S+ \(\d+ s ago\) +the receiver failed deliveries recently/,
    );
    expect(row("old")).toMatch(/DISABLED +disabled .*`pulumi up --refresh` replaces it/);
    expect(row("gone")).toMatch(/MISSING +- .*creates it again/);
    expect(run.stdout).toMatch(
      /^Watchdog pass at \S+: 4 subscription\(s\) from --subscription, 4 Calendly call\(s\)/,
    );
    expect(run.stdout).toContain("1 healthy, 1 retrying, 1 disabled, 1 missing, 0 unknown.");
    expect(run.stderr).toContain("some subscriptions need attention");
    expect(`${run.stdout}${run.stderr}`).not.toContain(emu.tokens.owner);
  });

  it("exits 0 when every subscription is healthy (for cron)", async () => {
    const run = await runCli(["watch", "--once", "--subscription", `bookings=${subs.healthy.uri}`], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("1 healthy, 0 retrying, 0 disabled, 0 missing, 0 unknown.");
  });

  it("a rejected token is UNKNOWN, never healthy, and the token is not shown", async () => {
    const run = await runCli(["watch", "--once", "--subscription", `bookings=${subs.healthy.uri}`], {
      ...env,
      CALENDLY_TOKEN: emu.tokens.expired,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^bookings +UNKNOWN +- +- +http_401: the check itself failed/m);
    expect(`${run.stdout}${run.stderr}`).not.toContain(emu.tokens.expired);
  });

  it("takes the watchdog's WATCHED_SUBSCRIPTIONS, and the same retrying window (--retrying-window)", async () => {
    const watched = JSON.stringify({ bookings: subs.healthy.uri, types: subs.retrying.uri });
    const run = await runInProcess(["watch", "--once", "--json"], { ...env, WATCHED_SUBSCRIPTIONS: watched });
    const pass = JSON.parse(run.stdout) as { at: string; result: WatchdogResult };
    expect(pass.result).toEqual({
      healthy: ["bookings"],
      retrying: ["types"],
      disabled: [],
      missing: [],
      unknown: [],
    });
    const startedAt = Date.parse((await client.getWebhookSubscription(subs.retrying.uri)).retryStartedAt!);
    const later = await runInProcess(
      ["watch", "--once", "--json", "--retrying-window", "1"],
      { ...env, WATCHED_SUBSCRIPTIONS: watched },
      {},
      () => startedAt + 3_600_000 + 1_000,
    );
    expect(later.code).toBe(0);
    expect((JSON.parse(later.stdout) as { result: WatchdogResult }).result.healthy).toEqual([
      "bookings",
      "types",
    ]);
  });

  it("without names, checks every subscription of the scope (one list call, then one GET each)", async () => {
    const before = calls();
    const lists = emu.control.requestCount({ operation: "listWebhookSubscriptions" });
    const run = await runInProcess(["watch", "--once", "--json"], env);
    const pass = JSON.parse(run.stdout) as { result: WatchdogResult };
    expect(calls() - before).toBe(3);
    expect(emu.control.requestCount({ operation: "listWebhookSubscriptions" }) - lists).toBe(1);
    expect(pass.result).toEqual({
      healthy: [uuid(subs.healthy)],
      retrying: [uuid(subs.retrying)],
      disabled: [uuid(subs.disabled)],
      missing: [],
      unknown: [],
    });
  });
});

describe("watch, repeated", () => {
  it("--count runs that many passes, --interval apart", async () => {
    const before = calls();
    const run = await runInProcess(
      [
        "watch",
        "--count",
        "2",
        "--interval",
        "0",
        "--json",
        "--subscription",
        `bookings=${subs.healthy.uri}`,
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(2);
    expect(calls() - before).toBe(2);
  });

  it.each([
    [["watch", "--once", "--count", "2"], "--once and --count exclude each other"],
    [["watch", "--count", "0"], "--count must be a whole number from 1"],
    [["watch", "--interval", "soon"], "--interval must be a whole number"],
    [["watch", "--subscription", "bookings"], "--subscription takes <name>=<uri>"],
    [["watch", "--subscription", "a=x", "--subscription", "a=y"], 'names "a" twice'],
  ])("%j is a usage error before any call", async (argv, message) => {
    const run = await runInProcess(argv as string[], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
