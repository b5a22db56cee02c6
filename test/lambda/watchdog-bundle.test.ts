/**
 * The watchdog's bundle, built as the receiver's is: deterministic, self-contained, and working
 * when loaded on its own (the built file checks a subscription on the emulator).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalendlyClient } from "../../calendly";
import { buildWatchdogBundle, type ReceiverBundle, WATCHDOG_HANDLER } from "../../lambda/build";
import type { WatchdogResult } from "../../lambda/watchdog";
import { startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { captureStdout } from "./support";

const dirs: string[] = [];
let first: ReceiverBundle;
let second: ReceiverBundle;

beforeAll(async () => {
  for (let i = 0; i < 2; i++) dirs.push(await mkdtemp(join(tmpdir(), `watchdog-bundle-${i}-`)));
  first = await buildWatchdogBundle(dirs[0]);
  second = await buildWatchdogBundle(dirs[1]);
}, 60_000);
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("buildWatchdogBundle", () => {
  it("writes watchdog.js and its map, deterministic byte for byte, matching the handler setting", async () => {
    expect(first.entryFile).toBe(join(dirs[0]!, "watchdog.js"));
    expect(WATCHDOG_HANDLER).toBe("watchdog.handler");
    expect(second.sha256).toBe(first.sha256);
    expect(await readFile(second.mapFile)).toEqual(await readFile(first.mapFile));
    const code = await readFile(first.entryFile, "utf8");
    const loaded = new Set([...code.matchAll(/(?<!\[)require\("([^"]+)"\)/g)].map((m) => m[1]!));
    expect([...loaded].filter((name) => !name.startsWith("node:"))).toEqual([]);
    expect(code.trimEnd().endsWith("//# sourceMappingURL=watchdog.js.map")).toBe(true);
  });

  it("checks subscriptions when loaded on its own", async () => {
    const emu: TestEmulator = await startTestEmulator();
    const saved = { ...process.env };
    try {
      const client = createCalendlyClient({ token: emu.tokens.owner, baseUrl: emu.url });
      const sub = await client.createWebhookSubscription({
        url: "https://hooks.example.com/calendly",
        events: ["invitee.created"],
        organization: emu.org,
        scope: "organization",
      });
      await client.close();
      Object.assign(process.env, {
        WATCHED_SUBSCRIPTIONS: JSON.stringify({ bookings: sub.uri }),
        CALENDLY_TOKEN: emu.tokens.owner,
        CALENDLY_API_URL: emu.url,
      });
      // The built file, not the sources: a broken bundle fails here.
      const bundle = require(first.entryFile) as { handler: (event: unknown) => Promise<WatchdogResult> };
      const { result } = await captureStdout(() => bundle.handler({ source: "aws.events" }));
      expect(result).toEqual({ healthy: ["bookings"], retrying: [], disabled: [], missing: [], unknown: [] });
    } finally {
      process.env = saved;
      await emu.close();
    }
  });
});
