import { setTimeout as sleep } from "node:timers/promises";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_ATTEMPTS } from "../../lambda/aws-request";
import { createReceiver } from "../../lambda/handler";
import { RECEIVER_METRICS } from "../../lambda/receiver-metrics";
import { formatSigningKeys } from "../../lambda/signing-key-list";
import {
  createKeySource,
  type KeySourceOptions,
  SigningKeysUnavailableError,
} from "../../lambda/signing-key-source";
import type { ParameterReader } from "../../lambda/ssm";
import { type AwsStubs, startAwsStubs } from "../../tools/aws-stubs";
import {
  apiGatewayEvent,
  captureStdout,
  delivery,
  deliveryLines,
  envelope,
  invoke,
  KEY,
  nowSeconds,
  OTHER_KEY,
  parameterReader,
} from "./support";

const emfOf = (lines: string[]) =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line._aws !== undefined);

describe("key sources", () => {
  let stubs: AwsStubs;
  let ssm: ParameterReader;
  beforeAll(async () => {
    stubs = await startAwsStubs();
    ssm = parameterReader(stubs.env);
  });
  afterAll(async () => {
    await stubs?.close();
  });
  beforeEach(() => stubs.ssm.clearFaults());

  /** A key source over the SSM stub's parameter `name`, read with the receiver's own request. */
  const ssmSource = (name: string, options: Omit<KeySourceOptions, "readParameter">) =>
    createKeySource({ source: "ssm", parameterName: name }, { readParameter: ssm, ...options });

  it("reads an SSM SecureString once, with decryption, and caches it", async () => {
    stubs.ssm.putParameter("/t/cache", JSON.stringify([KEY, OTHER_KEY]));
    const source = ssmSource("/t/cache", { maxAgeSeconds: 300, refreshSeconds: 60 });
    expect(await source.current()).toEqual([KEY, OTHER_KEY]);
    expect(await source.current()).toEqual([KEY, OTHER_KEY]);
    expect(stubs.ssm.requests.filter((r) => r.name === "/t/cache")).toEqual([
      { name: "/t/cache", withDecryption: true, outcome: "found" },
    ]);
  });

  it("re-reads after a failure at most once per refresh interval, the first read included", async () => {
    let clock = 1_000_000;
    stubs.ssm.putParameter("/t/refresh", "k1");
    const source = ssmSource("/t/refresh", { maxAgeSeconds: 300, refreshSeconds: 60, now: () => clock });
    await source.current();
    stubs.ssm.putParameter("/t/refresh", "k1,k2");
    // The read that loaded the keys spends the budget: a forged request on a cold container costs
    // that one read, not a second one.
    expect(await source.refreshAfterFailure()).toBeUndefined();
    clock += 59_999;
    expect(await source.refreshAfterFailure()).toBeUndefined();
    clock += 1;
    expect(await source.refreshAfterFailure()).toEqual(["k1", "k2"]);
    expect(await source.current()).toEqual(["k1", "k2"]);
    stubs.ssm.putParameter("/t/refresh", "k1,k2,k3");
    expect(await source.refreshAfterFailure()).toBeUndefined(); // too soon after the last read
    clock += 60_000;
    expect(await source.refreshAfterFailure()).toEqual(["k1", "k2", "k3"]);
    expect(await source.refreshAfterFailure()).toBeUndefined();
    expect(stubs.ssm.getCount("/t/refresh")).toBe(3);
  });

  it("counts a read for age against the same budget", async () => {
    let clock = 2_000_000;
    stubs.ssm.putParameter("/t/aged", "k1");
    const source = ssmSource("/t/aged", { maxAgeSeconds: 10, refreshSeconds: 60, now: () => clock });
    await source.current();
    clock += 60_000;
    await source.current(); // past its age: read again
    expect(await source.refreshAfterFailure()).toBeUndefined(); // the keys were read just now
    expect(stubs.ssm.getCount("/t/aged")).toBe(2);
  });

  it("shares one read between concurrent callers", async () => {
    stubs.ssm.putParameter("/t/concurrent", "k");
    const source = ssmSource("/t/concurrent", { maxAgeSeconds: 300, refreshSeconds: 0 });
    await Promise.all([source.current(), source.current(), source.current()]);
    expect(stubs.ssm.getCount("/t/concurrent")).toBe(1);
  });

  it("fails the first read with an actionable error when the parameter is missing or SSM is down", async () => {
    const missing = ssmSource("/t/missing", { maxAgeSeconds: 300, refreshSeconds: 60 });
    await expect(missing.current()).rejects.toThrow(SigningKeysUnavailableError);
    await expect(missing.current()).rejects.toThrow(/\/t\/missing.*ssm:GetParameter/);

    stubs.ssm.putParameter("/t/down", "k");
    stubs.ssm.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    const down = ssmSource("/t/down", { maxAgeSeconds: 300, refreshSeconds: 60 });
    await expect(down.current()).rejects.toThrow(SigningKeysUnavailableError);
  });

  it("keeps the cached keys when a re-read fails", async () => {
    stubs.ssm.putParameter("/t/keep", "k1");
    const errors: unknown[] = [];
    const source = ssmSource("/t/keep", {
      maxAgeSeconds: 300,
      refreshSeconds: 0,
      onRefreshError: (e) => errors.push(e),
    });
    await source.current();
    stubs.ssm.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    expect(await source.refreshAfterFailure()).toBeUndefined();
    expect(await source.current()).toEqual(["k1"]);
    expect(errors).toHaveLength(1);
  });

  it("reads again once the cached keys are older than the maximum age, and on every call at 0", async () => {
    let clock = 5_000_000;
    stubs.ssm.putParameter("/t/age", "k1");
    const source = ssmSource("/t/age", { maxAgeSeconds: 300, refreshSeconds: 60, now: () => clock });
    expect(await source.current()).toEqual(["k1"]);
    stubs.ssm.putParameter("/t/age", "k2"); // k1 revoked
    clock += 299_999;
    expect(await source.current()).toEqual(["k1"]);
    clock += 1;
    expect(await source.current()).toEqual(["k2"]);
    expect(stubs.ssm.getCount("/t/age")).toBe(2);

    const everyTime = ssmSource("/t/age", { maxAgeSeconds: 0, refreshSeconds: 60, now: () => clock });
    await everyTime.current();
    await everyTime.current();
    expect(stubs.ssm.getCount("/t/age")).toBe(4);
  });

  it("never uses keys past their age when the re-read fails: it throws (503) instead", async () => {
    let clock = 7_000_000;
    stubs.ssm.putParameter("/t/expired", "k1");
    const source = ssmSource("/t/expired", { maxAgeSeconds: 10, refreshSeconds: 60, now: () => clock });
    await source.current();
    clock += 10_000;
    stubs.ssm.injectFaults({ type: "throttle" }, Number.POSITIVE_INFINITY);
    await expect(source.current()).rejects.toThrow(SigningKeysUnavailableError);
  });

  it("backs off after a failed read instead of calling SSM on every request", async () => {
    let clock = 9_000_000;
    const source = ssmSource("/t/backoff", { maxAgeSeconds: 300, refreshSeconds: 0, now: () => clock });
    const calls = () => stubs.ssm.getCount("/t/backoff");
    await expect(source.current()).rejects.toThrow(/ParameterNotFound/);
    expect(calls()).toBe(1);
    for (let i = 0; i < 5; i++) {
      await expect(source.current()).rejects.toThrow(/not retried for another 1 s/);
      expect(await source.refreshAfterFailure()).toBeUndefined();
    }
    expect(calls()).toBe(1);
    clock += 1000; // first pause: 1 s
    await expect(source.current()).rejects.toThrow(/ParameterNotFound/);
    expect(calls()).toBe(2);
    clock += 1999; // second: 2 s
    await expect(source.current()).rejects.toThrow(/not retried/);
    expect(calls()).toBe(2);
    clock += 1;
    stubs.ssm.putParameter("/t/backoff", "k");
    expect(await source.current()).toEqual(["k"]); // a success ends the backing off
    expect(calls()).toBe(3);
  });

  it("never re-reads a fixed source", async () => {
    const source = createKeySource(
      { source: "env", text: "a,b" },
      { readParameter: ssm, maxAgeSeconds: 300, refreshSeconds: 0 },
    );
    expect(await source.current()).toEqual(["a", "b"]);
    expect(await source.refreshAfterFailure()).toBeUndefined();
  });
});

describe("in the receiver, keys from SSM: rotation, forged requests, empty lists, the deadline", () => {
  let stubs: AwsStubs;
  beforeAll(async () => {
    stubs = await startAwsStubs();
  });
  afterAll(async () => {
    await stubs?.close();
  });

  const receiverFor = (parameter: string, refreshSeconds: string) =>
    createReceiver({
      env: {
        ...stubs.env,
        EVENT_BUS_NAME: "bus",
        CLAIM_CHECK_BUCKET: "bucket",
        CALENDLY_SIGNING_KEY_PARAMETER: parameter,
        SIGNING_KEYS_REFRESH_SECONDS: refreshSeconds,
      },
    });

  it("picks up a rotated key without a restart, re-reading SSM at most once per interval", async () => {
    stubs.ssm.putParameter("/calendly/keys", formatSigningKeys([KEY]));
    const r = receiverFor("/calendly/keys", "1");
    const body = JSON.stringify(envelope());
    expect((await invoke(r, delivery(body))).response.statusCode).toBe(200);
    expect((await invoke(r, delivery(body))).response.statusCode).toBe(200);
    expect(stubs.ssm.getCount("/calendly/keys")).toBe(1); // cached

    // Rotation: the stack writes the new key (keeping the old one for a while). Within one refresh
    // interval of the read that loaded the keys, a delivery signed with it gets 401 (Calendly
    // retries it); after that, its first delivery re-reads the keys and is accepted.
    stubs.ssm.putParameter("/calendly/keys", formatSigningKeys([OTHER_KEY, KEY]));
    expect((await invoke(r, delivery(body, { key: OTHER_KEY }))).response.statusCode).toBe(401);
    expect(stubs.ssm.getCount("/calendly/keys")).toBe(1);
    await sleep(1050);
    const rotated = await invoke(r, delivery(body, { key: OTHER_KEY }));
    expect(rotated.response.statusCode).toBe(200);
    expect(rotated.logs[0]).toMatchObject({ keysRefreshed: true });
    expect(stubs.ssm.getCount("/calendly/keys")).toBe(2);

    // A burst of forged signatures right after costs no further SSM call within the interval.
    for (let i = 0; i < 5; i++) {
      expect((await invoke(r, delivery(body, { key: "forged" }))).response.statusCode).toBe(401);
    }
    expect(stubs.ssm.getCount("/calendly/keys")).toBe(2);
    // The budget renews each interval: one more forced read at most.
    await sleep(1050);
    for (let i = 0; i < 3; i++) {
      expect((await invoke(r, delivery(body, { key: "forged" }))).response.statusCode).toBe(401);
    }
    expect(stubs.ssm.getCount("/calendly/keys")).toBe(3);
    // And the old key still works while it is listed.
    expect((await invoke(r, delivery(body, { key: KEY }))).response.statusCode).toBe(200);
  });

  it("charges a forged request one SSM read on a cold container, not two (20 cold containers: 20 reads)", async () => {
    stubs.ssm.putParameter("/calendly/forged", formatSigningKeys([KEY]));
    const body = JSON.stringify(envelope());
    for (let i = 0; i < 20; i++) {
      const r = receiverFor("/calendly/forged", "60");
      const { response, logs } = await invoke(r, delivery(body, { key: "forged" }));
      expect(response.statusCode).toBe(401);
      expect(logs[0]).toMatchObject({ reason: "mismatch", keysRefreshed: false });
    }
    expect(stubs.ssm.getCount("/calendly/forged")).toBe(20);
  });

  it("revokes a key removed from the parameter within SIGNING_KEYS_MAX_AGE_SECONDS, in a warm container", async () => {
    stubs.ssm.putParameter("/calendly/revoke", formatSigningKeys([KEY, OTHER_KEY]));
    const r = createReceiver({
      env: {
        ...stubs.env,
        EVENT_BUS_NAME: "bus",
        CLAIM_CHECK_BUCKET: "bucket",
        CALENDLY_SIGNING_KEY_PARAMETER: "/calendly/revoke",
        SIGNING_KEYS_MAX_AGE_SECONDS: "1",
      },
    });
    const body = JSON.stringify(envelope());
    expect((await invoke(r, delivery(body, { key: OTHER_KEY }))).response.statusCode).toBe(200);
    // OTHER_KEY leaked: removed from the parameter.
    stubs.ssm.putParameter("/calendly/revoke", formatSigningKeys([KEY]));
    await sleep(1050);
    const revoked = await invoke(r, delivery(body, { key: OTHER_KEY }));
    expect(revoked.response.statusCode).toBe(401);
    expect(revoked.logs[0]).toMatchObject({ reason: "mismatch" });
    expect((await invoke(r, delivery(body))).response.statusCode).toBe(200);
  });

  it("never reads SSM for a request whose header could never verify, even when SSM is down", async () => {
    stubs.ssm.putParameter("/calendly/cold", formatSigningKeys([KEY]));
    stubs.ssm.injectFaults({ type: "outage" }, Number.POSITIVE_INFINITY);
    const r = receiverFor("/calendly/cold", "60");
    const body = JSON.stringify(envelope());
    const bad = [
      apiGatewayEvent({ body }),
      apiGatewayEvent({ body, headers: { "calendly-webhook-signature": "garbage" } }),
      apiGatewayEvent({ body, headers: { "calendly-webhook-signature": `t=1,v1=${"0".repeat(64)}` } }),
      delivery(body, { t: nowSeconds() - 3600 }),
      delivery(body, { t: nowSeconds() + 3600 }),
    ];
    for (const event of bad) {
      const { response, logs } = await invoke(r, event);
      expect(response.statusCode).toBe(401);
      expect(logs[0]).toMatchObject({ outcome: "rejected" });
    }
    expect(stubs.ssm.getCount("/calendly/cold")).toBe(0);
    // A well-formed, fresh one needs the keys: 503, and one read (its attempts), not one per request.
    for (let i = 0; i < 3; i++) {
      expect((await invoke(r, delivery(body, { key: "forged" }))).response.statusCode).toBe(503);
    }
    expect(stubs.ssm.getCount("/calendly/cold")).toBe(MAX_ATTEMPTS);
    stubs.ssm.clearFaults();
  });

  it("bounds how long forged traffic can delay a rotated key: one refresh interval at most", async () => {
    stubs.ssm.putParameter("/calendly/flood", formatSigningKeys([KEY]));
    const r = receiverFor("/calendly/flood", "1");
    const body = JSON.stringify(envelope());
    expect((await invoke(r, delivery(body))).response.statusCode).toBe(200);
    // The read that loaded the keys spent the budget for this interval, and a forged request finds
    // nothing left; then the key rotates.
    expect((await invoke(r, delivery(body, { key: "forged" }))).response.statusCode).toBe(401);
    stubs.ssm.putParameter("/calendly/flood", formatSigningKeys([OTHER_KEY, KEY]));
    const early = await invoke(r, delivery(body, { key: OTHER_KEY }));
    expect(early.response.statusCode).toBe(401); // Calendly retries it
    await sleep(1050);
    const later = await invoke(r, delivery(body, { key: OTHER_KEY }));
    expect(later.response.statusCode).toBe(200);
    expect(later.logs[0]).toMatchObject({ keysRefreshed: true });
  });

  it("answers 503 (Calendly retries) when the keys cannot be read at all", async () => {
    const r = receiverFor("/calendly/absent", "60");
    const { response, logs } = await invoke(r, delivery(JSON.stringify(envelope())));
    expect(response.statusCode).toBe(503);
    expect(logs[0]).toMatchObject({ outcome: "failed", reason: "keys_unavailable" });
  });

  it("fails loudly when the parameter holds no key: 503, an error log and the Errors metric", async () => {
    stubs.ssm.putParameter("/calendly/empty", "[]");
    const r = receiverFor("/calendly/empty", "60");
    const { response, logs, lines } = await invoke(r, delivery(JSON.stringify(envelope())));
    expect(response.statusCode).toBe(503);
    expect(logs[0]).toMatchObject({ outcome: "failed", level: "ERROR", reason: "no_signing_keys" });
    expect(String(logs[0]!.errorCode)).toMatch(/\/calendly\/empty holds no signing key/);
    expect(emfOf(lines)).toMatchObject({ [RECEIVER_METRICS.errors]: 1 });
    // Read again only after the back-off, not on every delivery.
    expect((await invoke(r, delivery(JSON.stringify(envelope())))).response.statusCode).toBe(503);
    expect(stubs.ssm.getCount("/calendly/empty")).toBe(1);
  });

  describe("the delivery deadline bounds reading the keys", () => {
    beforeEach(() => stubs.ssm.clearFaults());

    const DEADLINE_MS = 600;
    const receiverFor = (parameter: string, env: Record<string, string> = {}) =>
      createReceiver({
        env: {
          ...stubs.env,
          EVENT_BUS_NAME: "bus",
          CLAIM_CHECK_BUCKET: "bucket",
          CALENDLY_SIGNING_KEY_PARAMETER: parameter,
          DELIVERY_DEADLINE_MS: String(DEADLINE_MS),
          SIGNING_KEYS_REFRESH_SECONDS: "0",
          ...env,
        },
      });

    /** The receiver's answer, or a failure naming how long it took: a hang must not hang the test. */
    async function answerWithin<T extends object>(
      run: () => Promise<T>,
      limitMs: number,
    ): Promise<T & { elapsedMs: number }> {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs);
      });
      try {
        const result = await Promise.race([run(), late]);
        return { ...result, elapsedMs: Date.now() - started };
      } finally {
        clearTimeout(timer);
      }
    }

    it("answers 503 within the deadline when SSM never answers, with the log line and the metric", async () => {
      stubs.ssm.putParameter("/calendly/hung", formatSigningKeys([KEY]));
      stubs.ssm.injectFaults({ type: "hang" }, Number.POSITIVE_INFINITY);
      const r = receiverFor("/calendly/hung");
      const { response, logs, lines, elapsedMs } = await answerWithin(
        () => invoke(r, delivery(JSON.stringify(envelope()))),
        3000,
      );
      expect(response.statusCode).toBe(503);
      expect(elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
      expect(elapsedMs).toBeLessThan(DEADLINE_MS + 1000);
      expect(logs[0]).toMatchObject({
        outcome: "failed",
        status: 503,
        level: "ERROR",
        reason: "keys_deadline",
      });
      expect(emfOf(lines)).toMatchObject({ [RECEIVER_METRICS.errors]: 1 });
      expect(stubs.ssm.requests.filter((q) => q.name === "/calendly/hung").map((q) => q.outcome)).toEqual([
        "hung",
      ]);
    });

    it("never runs past the Lambda's own remaining time, when that is shorter", async () => {
      stubs.ssm.putParameter("/calendly/hung-short", formatSigningKeys([KEY]));
      stubs.ssm.injectFaults({ type: "hang" }, Number.POSITIVE_INFINITY);
      const r = receiverFor("/calendly/hung-short", { DELIVERY_DEADLINE_MS: "10000" });
      const context = { getRemainingTimeInMillis: () => 700 } as unknown as Context;
      const { result, lines, elapsedMs } = await answerWithin(
        () => captureStdout(() => r.handle(delivery(JSON.stringify(envelope())), context)),
        3000,
      );
      expect(result.statusCode).toBe(503);
      expect(elapsedMs).toBeLessThan(700);
      expect(deliveryLines(lines)[0]).toMatchObject({ reason: "keys_deadline" });
    });

    it("keeps the cached keys and answers within the deadline when a forced re-read hangs", async () => {
      stubs.ssm.putParameter("/calendly/hung-refresh", formatSigningKeys([KEY]));
      const r = receiverFor("/calendly/hung-refresh");
      const body = JSON.stringify(envelope());
      expect((await invoke(r, delivery(body))).response.statusCode).toBe(200);
      stubs.ssm.injectFaults({ type: "hang" }, Number.POSITIVE_INFINITY);
      const forged = await answerWithin(() => invoke(r, delivery(body, { key: "forged" })), 3000);
      expect(forged.response.statusCode).toBe(401);
      expect(forged.elapsedMs).toBeLessThan(DEADLINE_MS + 1000);
      expect(forged.lines.join("\n")).toContain("signing key refresh failed");
      // The cached keys still verify a genuine delivery.
      expect((await answerWithin(() => invoke(r, delivery(body)), 3000)).response.statusCode).toBe(200);
    });

    it("is one deadline for the whole delivery: a slow key read leaves forwarding only the rest", async () => {
      stubs.ssm.putParameter("/calendly/slow", formatSigningKeys([KEY]));
      stubs.eventBridge.reset();
      // Each alone fits in the deadline; together they do not.
      stubs.ssm.injectFaults({ type: "latency", ms: 400 }, 1);
      stubs.eventBridge.injectFaults({ type: "latency", ms: 400 }, 1);
      const r = receiverFor("/calendly/slow");
      const late = await answerWithin(() => invoke(r, delivery(JSON.stringify(envelope()))), 3000);
      expect(late.response.statusCode).toBe(503);
      expect(late.logs[0]).toMatchObject({ reason: "forward_deadline" });
      expect(late.elapsedMs).toBeLessThan(DEADLINE_MS + 300);
      stubs.eventBridge.clearFaults();
    });
  });
});
