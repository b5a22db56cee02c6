/** `npm run dev -- --once` as a newcomer runs it: every event verified and on the bus, then a clean stop. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { EVENT_RULES, WEBHOOK_EVENTS } from "../../calendly";
import { PROJECT_ROOT } from "../../tools/pulumi-host/serialize";

it("npm run dev shows each event verified and handed to the sink, a watchdog pass, then deletes the subscription", async () => {
  const { stdout } = await promisify(execFile)(
    "npm",
    ["run", "-s", "dev", "--", "--once", "--emulator-port", "0", "--receiver-port", "0"],
    { cwd: PROJECT_ROOT, env: process.env, timeout: 60_000 },
  );
  const userScopeEvents = WEBHOOK_EVENTS.filter((e) => EVENT_RULES[e].scopes.includes("user"));
  for (const event of userScopeEvents) {
    expect(stdout).toMatch(new RegExp(`✓ ${event.replace(".", "\\.")}\\s+verified → EventBridge`));
  }
  expect(stdout).toContain(
    `${userScopeEvents.length}/${userScopeEvents.length} events on the bus, 0 failed delivery attempts`,
  );
  // The example consumer, on one delivered invitee.created, fetched the invitee by its URI.
  expect(stdout).toMatch(
    /✓ invitee\.created → GET \/scheduled_events\/[0-9a-f-]{36}\/invitees\/[0-9a-f-]{36} .*\n {4}Grace Hopper <grace@example\.com>, active; 30 Minute Meeting at \S+, google_conference; 1 answer\(s\)\n/,
  );
  expect(stdout).toMatch(/Running the watchdog once/);
  expect(stdout).toMatch(/✓ bookings healthy \(active, retry_started_at never\) → SubscriptionHealthy=1/);
  expect(stdout).toContain("1 Calendly call for 1 subscription");
  expect(stdout).toContain("Calendly holds 0 subscriptions");
  expect(stdout).not.toMatch(/✗/);
}, 60_000);
