/**
 * send-test against real receivers on 127.0.0.1: a verifying one (accepts genuine deliveries,
 * rejects tampered ones), a careless one, one answering 410, a redirecting one, none at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../../calendly";
import { sendDelivery } from "../../calendly/delivery";
import { judgeGenuine } from "../../cli/verdicts";
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { runCli, runInProcess, startVerifyingReceiver } from "./helpers";

const KEY = "send-test-signing-key-0123456789";

let emu: TestEmulator;
let verifying: Receiver;
let careless: Receiver;
let gone: Receiver;
let redirecting: Receiver;
let brokenOn401: Receiver;
let hanging: Receiver;

beforeAll(async () => {
  emu = await startTestEmulator();
  verifying = await startVerifyingReceiver(KEY);
  careless = await startReceiver(() => ({ status: 204 }));
  gone = await startReceiver(() => ({ status: 410 }));
  redirecting = await startReceiver(() => ({
    status: 302,
    headers: { location: "https://elsewhere.example/hook" },
  }));
  brokenOn401 = await startReceiver(() => ({ status: 500 }));
  hanging = await startReceiver(() => "hang");
});

afterAll(async () => {
  await Promise.all(
    [emu, verifying, careless, gone, redirecting, brokenOn401, hanging].map((s) => s?.close()),
  );
});

describe("send-test", () => {
  it("a genuine delivery with Calendly's sample: signed over the exact bytes, accepted, exit 0", async () => {
    const before = verifying.received.length;
    const url = `${verifying.url}/webhooks`;
    const run = await runCli(["send-test", "--url", url, "--key", KEY], {
      CALENDLY_API_URL: emu.url,
      CALENDLY_TOKEN: emu.tokens.owner,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Calendly's sample from ${emu.url}/sample_webhook_data`);
    expect(run.stdout).toMatch(/receiver answered 200 in \d+ ms/);
    expect(run.stdout).toContain("OK: Calendly would count this delivery as a success.");
    const delivery = verifying.received[before]!;
    expect(delivery.path).toBe(new URL(url).pathname);
    expect(delivery.headers["content-type"]).toBe("application/json");
    const envelope = JSON.parse(delivery.raw.toString("utf8"));
    expect(envelope.event).toBe("invitee.created");
    // Calendly's sample: URIs of the emulator's organization, created_by the token's user.
    expect(envelope.created_by).toBe(emu.users.owner);
    expect(emu.control.requestCount({ operation: "getSampleWebhookData" })).toBeGreaterThan(0);
    const check = verifySignature({
      header: delivery.headers["calendly-webhook-signature"] as string,
      body: delivery.raw,
      keys: [KEY],
    });
    expect(check.ok).toBe(true);
  });

  it("without a token: the built-in sample of the chosen event, with a note on stderr", async () => {
    const before = verifying.received.length;
    const run = await runCli([
      "send-test",
      "--url",
      verifying.url,
      "--key",
      KEY,
      "--event",
      "routing_form_submission.created",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("sent routing_form_submission.created");
    expect(run.stdout).toContain("the built-in sample");
    expect(run.stderr).toContain("no Calendly token: sending the built-in sample");
    const envelope = JSON.parse(verifying.received[before]!.raw.toString("utf8"));
    expect(envelope.event).toBe("routing_form_submission.created");
    expect(envelope.payload).toHaveProperty("routing_form");
  });

  it("an organization-only event with a token: the sample is asked for in organization scope", async () => {
    const run = await runInProcess(
      ["send-test", "--url", verifying.url, "--key", KEY, "--event", "routing_form_submission.created"],
      { CALENDLY_API_URL: emu.url, CALENDLY_TOKEN: emu.tokens.owner },
    );
    expect(run.code).toBe(0);
    const asked = emu.control.requests({ operation: "getSampleWebhookData" }).at(-1)!;
    expect(asked.query).toMatchObject({ event: "routing_form_submission.created", scope: "organization" });
  });

  it("--tamper: the verifying receiver's 401 is the expected answer, exit 0", async () => {
    const run = await runCli(["send-test", "--url", verifying.url, "--key", KEY, "--tamper", "--offline"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("with a TAMPERED signature");
    expect(run.stdout).toContain("OK: the receiver rejected the bad signature with 401.");
    const sent = verifying.received.at(-1)!;
    const check = verifySignature({
      header: sent.headers["calendly-webhook-signature"] as string,
      body: sent.raw,
      keys: [KEY],
    });
    // Well formed and fresh, only the HMAC is wrong: the receiver's comparison is what is tested.
    expect(check).toMatchObject({ ok: false, reason: "mismatch" });
  });

  it("--tamper against a receiver that accepts anything: exit 1, says it does not verify", async () => {
    const run = await runInProcess(["send-test", "--url", careless.url, "--key", KEY, "--tamper"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("receiver answered 204");
    expect(run.stdout).toContain("FAIL: the receiver ACCEPTED a delivery with a bad signature");
  });

  it("a genuine delivery signed with the wrong key: 401 is a failure, with the likely cause", async () => {
    const run = await runInProcess(["send-test", "--url", verifying.url, "--key", "not-the-receivers-key"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("receiver answered 401");
    expect(run.stdout).toContain("FAIL: Calendly would count it as a failure, retry with back-off for 24 h");
    expect(run.stdout).toContain("is --key the key the receiver verifies with?");
  });

  it("a 410: reported as Calendly deleting the subscription, exit 1", async () => {
    const run = await runCli(["send-test", "--url", gone.url, "--key", KEY]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("receiver answered 410");
    expect(run.stdout).toContain("Calendly would DELETE the subscription");
  });

  it("a redirect is not followed and counts as a failure", async () => {
    const run = await runInProcess(["send-test", "--url", redirecting.url, "--key", KEY]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("receiver answered 302");
    expect(run.stdout).toContain(
      "a redirect to https://elsewhere.example/hook: Calendly does not follow redirects",
    );
    expect(redirecting.received).toHaveLength(1);
  });

  it("--tamper answered with a 5xx is not a rejection", async () => {
    const run = await runInProcess(["send-test", "--url", brokenOn401.url, "--key", KEY, "--tamper"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAIL: 500 is not a rejection");
  });

  it("nothing listening: the connection failure is reported, exit 1", async () => {
    const run = await runInProcess(["send-test", "--url", "http://127.0.0.1:9/hook", "--key", KEY]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/receiver: the connection failed \(ECONNREFUSED/);
  });

  it("with a token that Calendly rejects: one line, suggests --offline, nothing sent", async () => {
    const before = verifying.received.length;
    const run = await runCli(["send-test", "--url", verifying.url, "--key", KEY], {
      CALENDLY_API_URL: emu.url,
      CALENDLY_TOKEN: emu.tokens.expired,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("401");
    expect(run.stderr).toContain("or pass --offline to send the built-in sample");
    expect(verifying.received.length).toBe(before);
  });

  it("a receiver that does not answer in time is a failure Calendly would retry (short timeout here)", async () => {
    const result = await sendDelivery({
      url: hanging.url,
      body: Buffer.from("{}"),
      signature: "t=1,v1=00",
      userAgent: "test",
      timeouts: { responseMs: 200 },
    });
    expect(result).toMatchObject({ kind: "no_answer", failure: "timeout", code: "TimeoutError" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(150);
    const verdict = judgeGenuine(result);
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.join("\n")).toContain("no answer within 15 s");
  });
});
