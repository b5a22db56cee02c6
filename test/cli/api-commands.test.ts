/**
 * whoami, list and adopt against the emulator over real HTTP, through the real binary: output,
 * flags for disabled and retrying subscriptions, `--json`, and the one-line errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookSubscription } from "../../calendly";
import { type CalendlyClient, createCalendlyClient } from "../../calendly";
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { waitUntilRetrying } from "../support/subscription-states";
import { runCli, runInProcess } from "./helpers";

let emu: TestEmulator;
let client: CalendlyClient;
let failing: Receiver;
let healthy: WebhookSubscription;
let retrying: WebhookSubscription;
let disabled: WebhookSubscription;
let env: Record<string, string>;

function uuid(sub: WebhookSubscription): string {
  return sub.uri.slice(sub.uri.lastIndexOf("/") + 1);
}

beforeAll(async () => {
  // Short delivery timings: a failing receiver sets retry_started_at within milliseconds.
  emu = await startTestEmulator({ delivery: { retryInitialMs: 50, retryMaxMs: 100, retryWindowMs: 60_000 } });
  env = { CALENDLY_API_URL: emu.url, CALENDLY_TOKEN: emu.tokens.owner };
  client = createCalendlyClient({ token: emu.tokens.owner, baseUrl: emu.url });
  failing = await startReceiver(() => ({ status: 500 }));
  const base = { organization: emu.org, scope: "user" as const, user: emu.users.owner, signingKey: "k" };
  healthy = await client.createWebhookSubscription({
    ...base,
    url: "https://hooks.example.com/calendly/bookings",
    events: ["invitee.created", "invitee.canceled"],
  });
  retrying = await client.createWebhookSubscription({
    ...base,
    url: `${failing.url}/calendly`,
    events: ["event_type.created"],
  });
  disabled = await client.createWebhookSubscription({
    ...base,
    url: "https://old.example.com/hook",
    events: ["invitee.created"],
  });
  emu.control.disableSubscription(uuid(disabled));
  emu.control.fireEvent({ event: "event_type.created", user: emu.users.owner });
  await waitUntilRetrying(client, retrying.uri);
});

afterAll(async () => {
  await client?.close();
  await emu?.close();
  await failing?.close();
});

describe("whoami", () => {
  it("prints the token's user and organization URIs", async () => {
    const run = await runCli(["whoami"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^user:\\s+${emu.users.owner}$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^organization:\\s+${emu.org}$`, "m"));
    expect(run.stdout).toContain("Olivia Owner <olivia@acme.example>");
    expect(run.stdout).toMatch(/^token from:\s+CALENDLY_TOKEN$/m);
    expect(run.stderr).toBe("");
  });

  it("--json gives the URIs to scripts", async () => {
    const run = await runCli(["whoami", "--json"], { ...env, CALENDLY_TOKEN: emu.tokens.member });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      user: emu.users.member,
      organization: emu.org,
      name: "Mia Member",
      email: "mia@acme.example",
      apiUrl: emu.url,
    });
  });

  it("an invalid token: one line, what to do, exit 1", async () => {
    const run = await runCli(["whoami"], { ...env, CALENDLY_TOKEN: emu.tokens.expired });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("Calendly rejected the token from CALENDLY_TOKEN (401");
    expect(run.stderr).toContain("set CALENDLY_TOKEN to a valid personal access token");
  });

  it("--api-url beats CALENDLY_API_URL", async () => {
    const run = await runInProcess(["whoami", "--api-url", emu.url], {
      ...env,
      CALENDLY_API_URL: "http://127.0.0.1:9",
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^api:\\s+${emu.url}$`, "m"));
  });
});

describe("list", () => {
  it("shows every subscription and flags the disabled and the retrying one", async () => {
    const run = await runCli(["list"], env);
    expect(run.code).toBe(0);
    const row = (sub: WebhookSubscription) =>
      run.stdout.split("\n").find((l) => l.startsWith(uuid(sub))) ?? "";
    expect(row(healthy)).toMatch(
      / active +- +https:\/\/hooks\.example\.com\/calendly\/bookings +invitee\.canceled,invitee\.created$/,
    );
    expect(row(disabled)).toContain("DISABLED");
    expect(row(retrying)).toContain("active, RETRYING");
    expect(row(retrying)).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/);
    expect(run.stdout).toContain(
      `! ${uuid(disabled)} https://old.example.com/hook: DISABLED: Calendly gave up; the next \`pulumi up --refresh\` replaces it, or delete and recreate`,
    );
    expect(run.stdout).toMatch(
      new RegExp(`! ${uuid(retrying)} \\S+: RETRYING since \\S+ \\(\\d+ s ago\\): the receiver is failing`),
    );
    expect(run.stdout).not.toContain(`! ${uuid(healthy)}`);
    expect(run.stdout).toContain("3 subscription(s): 1 ok, 1 retrying, 1 disabled.");
  });

  it("does not flag a retry_started_at older than 24 h: it is history, not a live flag", async () => {
    const startedAt = Date.parse((await client.getWebhookSubscription(retrying.uri)).retryStartedAt!);
    const run = await runInProcess(["list"], env, {}, () => startedAt + 24 * 3_600_000 + 1_000);
    expect(run.code).toBe(0);
    const row = run.stdout.split("\n").find((l) => l.startsWith(uuid(retrying))) ?? "";
    expect(row).toMatch(/^\S+ +active +\d{4}-/);
    expect(run.stdout).not.toContain("RETRYING");
    expect(run.stdout).toContain("3 subscription(s): 2 ok, 0 retrying, 1 disabled.");
    const justInside = await runInProcess(["list"], env, {}, () => startedAt + 24 * 3_600_000 - 1_000);
    expect(justInside.stdout).toContain("active, RETRYING");
  });

  it("--json prints the client's subscription objects and nothing else", async () => {
    const run = await runCli(["list", "--json"], env);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as WebhookSubscription[];
    expect(listed.map((s) => s.uri).sort()).toEqual([healthy.uri, retrying.uri, disabled.uri].sort());
    const again = listed.find((s) => s.uri === disabled.uri)!;
    expect(Object.keys(again).sort()).toEqual(Object.keys(healthy).sort());
    expect(again.state).toBe("disabled");
    expect(listed.find((s) => s.uri === retrying.uri)!.retryStartedAt).not.toBeNull();
  });

  it("another scope: the organization scope is empty here", async () => {
    const run = await runInProcess(["list", "--scope", "organization"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`No webhook subscriptions in organization scope in organization ${emu.org}.\n`);
  });

  it("organization scope with a member's token: 403 explained in one line", async () => {
    const run = await runCli(["list", "--scope", "organization", "--json"], {
      ...env,
      CALENDLY_TOKEN: emu.tokens.member,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("permission denied (403");
    expect(run.stderr).toContain(
      "organization scope needs an organization owner's or admin's token: use --scope user",
    );
  });

  it("Calendly's rate limit: the retry is reported on stderr, stdout stays clean JSON", async () => {
    emu.control.injectFaults({
      match: { method: "GET", path: "/webhook_subscriptions" },
      fault: { kind: "status", status: 429, resetSeconds: 0 },
    });
    const run = await runInProcess(["list", "--json"], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(3);
    expect(run.stderr).toMatch(
      /Calendly GET \/webhook_subscriptions: rate limited \(429\); retrying in \d+ ms\n/,
    );
  });

  it("an unreachable API URL: says to check --api-url, exit 1", async () => {
    const run = await runInProcess(
      ["list"],
      { CALENDLY_TOKEN: "t", CALENDLY_API_URL: "http://127.0.0.1:9" },
      {
        clientOptions: { retry: { maxAttempts: 2, baseDelayMs: 1 } },
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /could not fetch the token's user \(\/users\/me\): no answer from http:\/\/127\.0\.0\.1:9 after 2 attempt\(s\) \(ECONNREFUSED[^)]*\): check --api-url \/ CALENDLY_API_URL and the network\n$/,
    );
  });
});

describe("adopt", () => {
  it("prints a declaration with adoptExisting for each active subscription and skips the disabled one", async () => {
    const run = await runCli(["adopt"], env);
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain('new WebhookSubscription("calendly-bookings", {');
    expect(out).toContain('  url: "https://hooks.example.com/calendly/bookings",');
    expect(out).toContain('  events: ["invitee.canceled", "invitee.created"],');
    expect(out).toContain(`  url: "${failing.url}/calendly",`);
    expect(out).toContain('  events: ["event_type.created"],');
    expect(out).toContain(`  organization: "${emu.org}",`);
    expect(out).toContain(`  user: "${emu.users.owner}",`);
    expect(out.match(/ {2}adoptExisting: true,/g)).toHaveLength(2);
    expect(out).toContain('signingKey: new pulumi.Config().requireSecret("calendly-bookings-signing-key"),');
    expect(out).toContain("//   pulumi config set --secret calendly-bookings-signing-key");
    expect(out).toContain("Calendly never returns signing keys");
    expect(out).not.toContain('url: "https://old.example.com/hook"');
    expect(out).toContain(`// Skipped ${disabled.uri} (https://old.example.com/hook): disabled`);
    expect(run.stderr).toContain(`skipped ${disabled.uri}: disabled`);
  });

  it("--json gives the same plan to scripts", async () => {
    const run = await runInProcess(["adopt", "--json"], env);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.adopt).toHaveLength(2);
    const bookings = plan.adopt.find((a: { uri: string }) => a.uri === healthy.uri);
    expect(bookings).toEqual({
      name: "calendly-bookings",
      uri: healthy.uri,
      signingKeyConfig: "calendly-bookings-signing-key",
      configCommand: "pulumi config set --secret calendly-bookings-signing-key",
      args: {
        url: "https://hooks.example.com/calendly/bookings",
        events: ["invitee.canceled", "invitee.created"],
        scope: "user",
        organization: emu.org,
        user: emu.users.owner,
        adoptExisting: true,
      },
    });
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        uri: disabled.uri,
        state: "disabled",
        reason: expect.stringContaining("replacement"),
      }),
    ]);
  });
});
