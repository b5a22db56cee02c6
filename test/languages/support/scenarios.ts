/**
 * The native provider's scenarios for a program in another language, on the real Pulumi CLI with
 * that language's host, against the Calendly emulator and the local receiver. One stack goes
 * through a user's year, in order:
 *
 *   1. up: the declared subscriptions exist at Calendly, none with `__provider` in the state;
 *   2. a clean preview (`--expect-no-changes`) that makes 0 Calendly calls;
 *   3. an events change during a stream of events (one every 50 ms, each Calendly call 200 ms
 *      late): the replacement creates first, and no event is lost;
 *   4. refresh after an out-of-band delete: the subscription leaves the state, and up restores it;
 *   5. import: a subscription made by hand (POST with a signing key) is imported by id; declared
 *      with its key, the next up makes 0 Calendly writes, and a delivery still verifies;
 *   6. no token and no signing key in plain text in any backend file or output;
 *   7. destroy: nothing of the stack is left at Calendly.
 *
 * The program (test/languages/programs/<language>) declares subscriptions from the same config as
 * the TypeScript scenarios' program (test/engine/support/scenario.ts), with `marked` to take its
 * URL from the provider's markedUrl function.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OWNER_TOKEN } from "../../engine/support/emulator";
import {
  countDeliveries,
  expectNoEventLost,
  NATIVE_STREAM,
  whileEventsFire,
} from "../../engine/support/event-stream";
import {
  createWorkspace,
  REPO_ROOT,
  type RunResult,
  resourcesOfType,
  type Workspace,
} from "../../engine/support/pulumi";
import { type EngineReceiver, startEngineReceiver } from "../../engine/support/receiver";
import { engineScenario } from "../../engine/support/scenario";

export const NATIVE_TYPE = "calendly:index:WebhookSubscription";
/** The folder that holds `pulumi-resource-calendly` (the package's bin), put on PATH. */
export const PLUGIN_DIR = `${REPO_ROOT}/packages/pulumi-calendly/bin`;

const KEY = "language-declared-signing-key-0123456789";
const HANDMADE_KEY = "language-handmade-signing-key-0123456789";
const CALENDLY_LATENCY_MS = 200;

export interface LanguageProgram {
  /** The Pulumi project folder. */
  programDir: string;
  /** Environment for every `pulumi` call (e.g. VIRTUAL_ENV). */
  env?: Record<string, string | undefined>;
  /** Folders put on PATH after the CLI's, before the rest (a virtualenv's bin). */
  path?: string[];
}

interface Declared {
  name: string;
  url: string;
  events: string[];
  scope?: string;
  explicitKey?: boolean;
  marked?: boolean;
}

/** Registers the scenarios of `language` (a describe block); `prepare` runs in beforeAll. */
export function languageScenarios(
  language: string,
  prepare: () => Promise<LanguageProgram> | LanguageProgram,
) {
  const scenario = engineScenario();
  let receiver: EngineReceiver;
  let ws: Workspace;
  /** Every CLI run's output, for the secrets check. */
  const printed: string[] = [];
  let declared: Declared[] = [];
  const keys: Record<string, string> = { bookings: KEY };

  const pulumi = async (run: Promise<RunResult>) => {
    const result = await run;
    printed.push(result.output);
    return result;
  };
  const declare = async (subscriptions: Declared[]) => {
    declared = subscriptions;
    await ws.setConfig("subscriptions", JSON.stringify(subscriptions));
    await ws.setConfig("signingKeys", JSON.stringify(keys), { secret: true });
  };
  const requestsSince = (seq: number) => scenario.emulator.control.requests().filter((r) => r.seq > seq);
  const lastSeq = () => scenario.emulator.control.requests().at(-1)?.seq ?? 0;
  const writes = (seq: number) =>
    requestsSince(seq).filter((r) => r.method === "POST" || r.method === "DELETE");
  const stackSubscriptions = async () => resourcesOfType(await ws.exportState(), NATIVE_TYPE);
  const outputs = async () =>
    (await ws.outputs({ showSecrets: true })) as {
      uris: Record<string, string>;
      states: Record<string, string>;
      signingKeys: Record<string, string>;
    };
  const atCalendly = () =>
    scenario.emulator.control.subscriptions().filter((s) => s.callback_url.startsWith(receiver.url));

  beforeAll(async () => {
    receiver = await startEngineReceiver([KEY, HANDMADE_KEY]);
    const program = await prepare();
    ws = await createWorkspace({
      programDir: program.programDir,
      stack: `${language}-lifecycle`,
      env: program.env,
      extraPath: [...(program.path ?? []), PLUGIN_DIR],
    });
    await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
    await ws.setConfig("calendly:apiUrl", scenario.emulator.url);
  });

  afterAll(async () => {
    ws?.dispose();
    await receiver?.close();
  });

  describe(`a ${language} program through the real CLI`, () => {
    it("up creates the declared subscriptions, each with its key, and no __provider in the state", async () => {
      await declare([
        { name: "bookings", url: receiver.url, events: ["invitee.created"], explicitKey: true, marked: true },
        { name: "audit", url: `${receiver.url}?subscription=audit`, events: ["invitee.canceled"] },
      ]);
      await pulumi(ws.up());

      const out = await outputs();
      const held = atCalendly();
      expect(held.map((s) => s.uri).sort()).toEqual(Object.values(out.uris).sort());
      expect(held.find((s) => s.uri === out.uris.bookings)?.callback_url).toMatch(
        /\?subscription=bookings&v=[0-9a-f]+$/,
      );
      expect(out.signingKeys.bookings).toBe(KEY);
      expect(out.signingKeys.audit?.length ?? 0).toBeGreaterThanOrEqual(16);
      expect(out.states).toEqual({ bookings: "active", audit: "active" });
      const state = await stackSubscriptions();
      expect(state).toHaveLength(2);
      for (const resource of state) expect(resource.outputs).not.toHaveProperty("__provider");
    });

    it("a clean preview makes 0 Calendly calls", async () => {
      const before = lastSeq();
      const preview = await pulumi(ws.preview(["--expect-no-changes"]));
      expect(preview.output).toMatch(/3 unchanged/);
      expect(requestsSince(before)).toEqual([]);
    });

    it("an events change during a stream of events replaces the subscription without losing one", async () => {
      const old = (await outputs()).uris.bookings;
      await declare(
        declared.map((d) =>
          d.name === "bookings" ? { ...d, events: ["invitee.canceled", "invitee.created"] } : d,
        ),
      );
      const control = scenario.emulator.control;
      control.injectFaults({ fault: { kind: "latency", ms: CALENDLY_LATENCY_MS }, times: 1_000_000 });
      const { fired, since } = await whileEventsFire(scenario.emulator, NATIVE_STREAM, () =>
        pulumi(ws.up()),
      ).finally(() => control.clearFaults());
      const figures = countDeliveries(fired, receiver);

      const renewed = (await outputs()).uris.bookings;
      expect(renewed).not.toBe(old);
      const during = requestsSince(since);
      const created = during.find((r) => r.operation === "createWebhookSubscription" && r.status === 201);
      const deleted = during.find((r) => r.operation === "deleteWebhookSubscription" && r.status === 204);
      expect(created && deleted && created.seq < deleted.seq).toBe(true);

      console.log(`${language} no-gap ${JSON.stringify(figures)}`);
      expect(figures.fired).toBeGreaterThan(20);
      expectNoEventLost(figures);
    });

    it("refresh after an out-of-band delete drops the subscription from the state; up restores it", async () => {
      const audit = (await outputs()).uris.audit!;
      expect(scenario.emulator.control.deleteSubscription(audit.split("/").at(-1)!)).toBe(true);
      await pulumi(ws.refresh());
      const state = await stackSubscriptions();
      expect(state.map((r) => r.urn.split("::").at(-1))).toEqual(["bookings"]);

      const preview = await pulumi(ws.preview());
      expect(preview.output).toMatch(/\+ 1 to create/);
      await pulumi(ws.up());
      expect(atCalendly().map((s) => s.callback_url)).toContain(`${receiver.url}?subscription=audit`);
    });

    it("import adopts a subscription made by hand; declared with its key, up makes 0 Calendly writes", async () => {
      const handmadeUrl = `${receiver.url}?subscription=handmade`;
      const api = scenario.emulator.url;
      const headers = { authorization: `Bearer ${OWNER_TOKEN}`, "content-type": "application/json" };
      const me = (await (await fetch(`${api}/users/me`, { headers })).json()) as {
        resource: { uri: string; current_organization: string };
      };
      const made = await fetch(`${api}/webhook_subscriptions`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          url: handmadeUrl,
          events: ["invitee.created"],
          organization: me.resource.current_organization,
          user: me.resource.uri,
          scope: "user",
          signing_key: HANDMADE_KEY,
        }),
      });
      expect(made.status).toBe(201);
      const uuid = ((await made.json()) as { resource: { uri: string } }).resource.uri.split("/").at(-1)!;

      const before = lastSeq();
      const imported = await pulumi(
        ws.run([
          ...["import", NATIVE_TYPE, "handmade", uuid, "--yes", "--generate-code=false"],
          ...["--config-file", ws.configFile],
        ]),
      );
      expect(imported.output).toMatch(/1 imported/);
      expect(writes(before)).toEqual([]);

      keys.handmade = HANDMADE_KEY;
      await declare([
        ...declared,
        { name: "handmade", url: handmadeUrl, events: ["invitee.created"], explicitKey: true },
      ]);
      const up = await pulumi(ws.up());
      expect(up.output).toMatch(/records the declared signingKey/);
      expect(writes(before)).toEqual([]);
      expect((await outputs()).signingKeys.handmade).toBe(HANDMADE_KEY);
      await pulumi(ws.preview(["--expect-no-changes"]));

      // A delivery Calendly signs with the key the subscription was made with still verifies.
      const fired = scenario.emulator.control.fireEvent({ event: "invitee.created" });
      await scenario.emulator.control.waitForDeliveries({ timeoutMs: 30_000 });
      const handmade = scenario.emulator.control
        .deliveries({ subscription: uuid })
        .filter((d) => d.event === fired.event);
      expect(handmade.length).toBeGreaterThan(0);
      expect(handmade.at(-1)?.status).toBe(200);
      expect(writes(before)).toEqual([]);
    });

    it("no token and no signing key in plain text in the backend's files or any output", async () => {
      const out = await outputs();
      const secrets = [OWNER_TOKEN, KEY, HANDMADE_KEY, out.signingKeys.audit!];
      const plain = [
        ws.stateFileText(),
        JSON.stringify(await ws.exportState()),
        JSON.stringify(await ws.outputs()),
        ...printed,
      ].join("\n");
      for (const secret of secrets) expect(plain.includes(secret), "a secret in plain text").toBe(false);
      // ...and the state does hold them, encrypted: the check above could fail.
      expect(JSON.stringify(await ws.exportState({ showSecrets: true }))).toContain(HANDMADE_KEY);
    });

    it("destroy deletes every subscription of the stack at Calendly", async () => {
      await pulumi(ws.destroy());
      expect(atCalendly()).toEqual([]);
      expect(await stackSubscriptions()).toEqual([]);
    });
  });
}
