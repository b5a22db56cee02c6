/**
 * The whole path on loopback: the provider (serialized, in Pulumi's host) creates a subscription at
 * the emulator for the local receiver; the emulator delivers signed events; the receiver verifies
 * them with keys from SSM and forwards them through the real AWS SDK to EventBridge. Steps follow
 * one another: each builds on the state the previous one left.
 *
 * One suite, two AWS backends: our stubs (whole-path.test.ts, in `npm test`) and moto
 * (test/moto/whole-path.test.ts, in `npm run test:moto`).
 */
import { createHash } from "node:crypto";
import { markedUrl } from "pulumi-calendly";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, SIGNATURE_HEADER, signatureHeader } from "../../calendly";
import type { CalendlyEventDetail } from "../../lambda/detail";
import { type LocalStack, type ReceiverAws, startLocalStack } from "../../tools/local/stack";
import type { ResourceState } from "../../tools/pulumi-host/engine";
import { until } from "../support/until";

/** What reached the bus, as EventBridge would hand it to a rule's target. */
export interface BusEntry {
  source: string;
  detailType: string;
  detail: CalendlyEventDetail;
}

export interface WholePathBackend {
  name: string;
  /** AWS for the receiver; `undefined` for the stubs the local stack starts. */
  start(): Promise<ReceiverAws | undefined>;
  /** Everything on the bus so far, in order. */
  entries(stack: LocalStack): Promise<BusEntry[]>;
  /** URLs that must refuse connections once the stack is closed. */
  urls(stack: LocalStack): string[];
  close(): Promise<void>;
}

export function wholePathSuite(backend: WholePathBackend): void {
  let stack: LocalStack;
  let state: ResourceState | undefined;
  const firstKey = generateSigningKey();
  const secondKey = generateSigningKey();

  const events = ["invitee.canceled", "invitee.created"];
  /** As the stack builds it (infra/subscriptions.ts): a URL marked with the key's generation too. */
  const url = (signingKeyGeneration: number) =>
    markedUrl(stack.receiverUrl, "bookings", { events, scope: "user", signingKeyGeneration });

  beforeAll(async () => {
    stack = await startLocalStack({
      delivery: { retryInitialMs: 100, retryMaxMs: 300, retryWindowMs: 60_000 },
      receiverAws: await backend.start(),
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await backend.close();
  });

  const entries = () => backend.entries(stack);

  function fire(event: string) {
    const sub = stack.emulator.control.subscriptions()[0]!;
    return stack.emulator.control.fireEvent({
      event,
      organization: sub.organization,
      user: sub.user ?? undefined,
    });
  }

  async function details(): Promise<CalendlyEventDetail[]> {
    return (await entries()).map((e) => e.detail);
  }

  describe(`end to end (AWS: ${backend.name})`, () => {
    it("1. create: a fired invitee.created lands exactly once on the bus, and Calendly records a 2xx", async () => {
      await stack.setSigningKeys([firstKey]);
      const up = await stack.engine.up(undefined, {
        url: url(1),
        events,
        scope: "user",
        signingKey: firstKey,
      });
      expect(up.operation).toBe("create");
      state = up.state;

      const fired = fire("invitee.created");
      expect(fired.matched).toEqual([state.id]);
      await stack.emulator.control.waitForDeliveries({ timeoutMs: 10_000 });

      const onBus = await entries();
      expect(onBus).toHaveLength(1);
      expect(onBus[0]).toMatchObject({ source: "calendly", detailType: "invitee.created" });
      const detail = (await details())[0]!;
      expect(detail).toMatchObject({
        event: "invitee.created",
        validation: "valid",
        payload: fired.envelope.payload,
      });
      expect(detail.id).toMatch(/^[0-9a-f]{64}$/);
      const attempts = stack.emulator.control.deliveries({ subscription: state.id });
      expect(attempts.map((a) => [a.status, a.outcome])).toEqual([[200, "success"]]);
    });

    it("2. receiver down: Calendly retries, and the event arrives exactly once after recovery", async () => {
      await stack.stopReceiver();
      fire("invitee.canceled");
      await until(
        () =>
          stack.emulator.control
            .deliveries({ event: "invitee.canceled" })
            .some((a) => a.outcome === "failure"),
        10_000,
      );
      expect(await entries()).toHaveLength(1);
      await stack.startReceiver();
      await stack.emulator.control.waitForDeliveries({ timeoutMs: 10_000 });

      const attempts = stack.emulator.control.deliveries({ event: "invitee.canceled" });
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(attempts.at(-1)!.outcome).toBe("success");
      const all = await details();
      const canceled = all.filter((d) => d.event === "invitee.canceled");
      expect(canceled).toHaveLength(1);
      expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
    });

    it("3. key rotation: the replacement (created first, at the next generation's URL) and the key list roll out, and no delivery is lost", async () => {
      // As the stack does: the parameter holds the new key and the previous one while the change rolls out.
      await stack.setSigningKeys([secondKey, firstKey]);
      const up = await stack.engine.up(state, { url: url(2), events, scope: "user", signingKey: secondKey });
      expect(up.operation).toBe("replace");
      expect(up.diff).toMatchObject({ replaces: ["url", "signingKey"], deleteBeforeReplace: false });
      state = up.state;
      expect(stack.emulator.control.subscriptions().map((s) => s.uuid)).toEqual([state.id]);

      const before = (await entries()).length;
      fire("invitee.created");
      await stack.emulator.control.waitForDeliveries({ timeoutMs: 10_000 });
      // Then the old key is retired.
      await stack.setSigningKeys([secondKey]);
      fire("invitee.canceled");
      await stack.emulator.control.waitForDeliveries({ timeoutMs: 10_000 });

      expect((await entries()).length).toBe(before + 2);
      // The receiver that came back in step 2 read its keys when its first delivery came, before
      // the new key was written, and may read them again only once SIGNING_KEYS_REFRESH_SECONDS
      // (1 s here) has passed since (docs/receiver.md: that first read counts against what forged
      // requests may cost). Until then a delivery signed with the new key gets 401, which Calendly
      // retries; the first attempt after the interval re-reads the keys and is accepted.
      const afterRotation = stack.emulator.control.deliveries({ subscription: state.id });
      const statuses = afterRotation.map((a) => a.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(2);
      expect(statuses.every((status) => status === 200 || status === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(200);
    });

    it("4. a forged delivery is rejected and never reaches the bus", async () => {
      const before = (await entries()).length;
      const body = JSON.stringify({
        event: "invitee.created",
        created_at: new Date().toISOString(),
        created_by: "https://api.calendly.com/users/FORGER",
        payload: { email: "forged@example.com" },
      });
      const answer = await request(stack.receiverUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: signatureHeader(
            "a-key-the-receiver-does-not-have",
            body,
            Math.floor(Date.now() / 1000),
          ),
        },
        body,
      });
      expect(answer.statusCode).toBe(401);
      await answer.body.text();
      const forgedId = createHash("sha256").update(body).digest("hex");
      expect((await entries()).length).toBe(before);
      expect((await details()).some((d) => d.id === forgedId)).toBe(false);
    });

    it("5. destroy: Calendly holds no subscription, and nothing is left running", async () => {
      await stack.engine.destroy(state!);
      expect(stack.emulator.control.subscriptions()).toEqual([]);
      const hostPid = stack.host.pid;
      const urls = [stack.receiverUrl, stack.emulator.url, ...backend.urls(stack)];
      await stack.close();
      expect(() => process.kill(hostPid, 0)).toThrow();
      for (const url of urls) {
        await expect(request(url, { method: "GET" })).rejects.toMatchObject({ code: "ECONNREFUSED" });
      }
    });
  });
}
