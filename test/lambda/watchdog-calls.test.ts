/**
 * How many Calendly requests one watchdog run makes, against the emulator: what docs/watchdog.md
 * quotes ("at most N GETs per watched subscription", and in the rate-limit and cost notes). One
 * GET per subscription when Calendly answers; a GET answered 429 or 5xx, or not answered, is tried
 * again by the client (lambda/watchdog.ts: `maxAttempts`), so a check can take several. The
 * client's waits are skipped (the `sleep` seam), so every attempt the run's deadline allows is made.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CalendlyClient, createCalendlyClient, type WebhookSubscription } from "../../calendly";
import type { FaultRule } from "../../emulator/faults";
import { type Emulator, startEmulator } from "../../emulator/server";
import { createWatchdog } from "../../lambda/watchdog";
import { captureStdout } from "./support";

const TOKEN = "emu-owner-token";
const DOC = readFileSync(join(__dirname, "..", "..", "docs", "watchdog.md"), "utf8");

let emulator: Emulator;
let client: CalendlyClient;
let watched: Record<string, WebhookSubscription>;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createCalendlyClient({ token: TOKEN, baseUrl: emulator.url });
  const me = await client.getCurrentUser();
  const create = (name: string) =>
    client.createWebhookSubscription({
      url: `https://hooks.example.com/calendly?subscription=${name}`,
      events: ["invitee.created"],
      organization: me.currentOrganization,
      user: me.uri,
      scope: "user",
    });
  watched = { bookings: await create("bookings"), recaps: await create("recaps") };
});

afterAll(async () => {
  await client?.close();
  await emulator?.close();
});

beforeEach(() => emulator.control.clearFaults());

/** One run; the GETs it made, per watched subscription's name. */
async function getsPerSubscription(): Promise<Record<string, number>> {
  const before = emulator.control.requests().at(-1)?.seq ?? 0;
  const watchdog = createWatchdog({
    env: {
      CALENDLY_TOKEN: TOKEN,
      CALENDLY_API_URL: emulator.url,
      WATCHED_SUBSCRIPTIONS: JSON.stringify(
        Object.fromEntries(Object.entries(watched).map(([name, sub]) => [name, sub.uri])),
      ),
      POWERTOOLS_SERVICE_NAME: "calendly-watchdog-calls",
    },
    sleep: async () => undefined,
  });
  await captureStdout(() => watchdog.run());
  const requests = emulator.control.requests().filter((r) => r.seq > before);
  expect(requests.every((r) => r.operation === "getWebhookSubscription")).toBe(true);
  return Object.fromEntries(
    Object.entries(watched).map(([name, sub]) => [
      name,
      requests.filter((r) => r.path === new URL(sub.uri).pathname).length,
    ]),
  );
}

function failing(fault: FaultRule["fault"]): FaultRule {
  return {
    match: { method: "GET", path: new URL(watched.bookings!.uri).pathname },
    fault,
    times: 1_000,
  };
}

/** The bound docs/watchdog.md states. */
function documentedMaximum(): number {
  const match = /at\s+most\s+(\d+)\s+`GET`s\s+per\s+watched\s+subscription/.exec(DOC);
  if (!match) throw new Error("docs/watchdog.md no longer states the most GETs a check can take");
  return Number(match[1]);
}

describe("Calendly requests per watchdog run", () => {
  it("one GET per watched subscription when Calendly answers", async () => {
    expect(await getsPerSubscription()).toEqual({ bookings: 1, recaps: 1 });
  });

  it.each<[string, FaultRule["fault"]]>([
    ["429 on every attempt", { kind: "status", status: 429, resetSeconds: 1 }],
    ["5xx on every attempt", { kind: "status", status: 503 }],
    ["the connection reset on every attempt", { kind: "reset" }],
  ])(
    "%s: the check takes as many GETs as docs/watchdog.md says at most, the others one",
    async (_, fault) => {
      emulator.control.injectFaults(failing(fault));
      const gets = await getsPerSubscription();
      expect(gets).toEqual({ bookings: documentedMaximum(), recaps: 1 });
    },
  );

  it("a 404 (the subscription deleted) is not tried again", async () => {
    await client.deleteWebhookSubscription(watched.recaps!.uri);
    expect(await getsPerSubscription()).toEqual({ bookings: 1, recaps: 1 });
  });
});
