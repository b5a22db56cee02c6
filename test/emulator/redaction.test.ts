/**
 * Secrets never leave the emulator: no token or signing key in recorded requests, the control API,
 * delivery records or log lines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACTED, redact, redactRaw } from "../../emulator/recorder";
import {
  orgSubscription,
  type Receiver,
  startReceiver,
  startTestEmulator,
  type TestEmulator,
} from "./helpers";

const SIGNING_KEY = "sk-super-secret-signing-key-0042";
const logLines: string[] = [];
let emu: TestEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emu = await startTestEmulator({ log: (line) => logLines.push(line) });
  receiver = await startReceiver();
  await emu.api("GET", "/users/me");
  await emu.api("GET", "/users/me", { token: emu.tokens.expired });
  await emu.api("GET", "/users/me", { token: "an-unknown-but-secret-token" });
  await emu.api("POST", "/webhook_subscriptions", {
    body: orgSubscription(emu, { url: receiver.url, signing_key: SIGNING_KEY }),
  });
  // Malformed JSON that still carries a key: redacted from the raw text.
  await emu.api("POST", "/webhook_subscriptions", { body: `{"signing_key": "${SIGNING_KEY}", "url": ` });
  await emu.api("GET", "/webhook_subscriptions", {
    query: { organization: emu.org, scope: "organization", access_token: emu.tokens.owner },
  });
  emu.control.fireEvent({ event: "invitee.created" });
  await emu.control.waitForDeliveries();
});
afterAll(async () => {
  await receiver.close();
  await emu.close();
});

const secrets = () => [SIGNING_KEY, "an-unknown-but-secret-token", ...Object.values(emu.tokens)];

describe("redaction", () => {
  it("recorded requests hold no token and no signing key, but keep the rest", () => {
    const requests = emu.control.requests();
    expect(requests).toHaveLength(6);
    const text = JSON.stringify(requests);
    for (const secret of secrets()) expect(text).not.toContain(secret);
    const create = requests.find((r) => r.operation === "createWebhookSubscription" && r.status === 201)!;
    expect(create.body).toMatchObject({ signing_key: REDACTED, scope: "organization", url: receiver.url });
    expect(create.user).toBe(emu.users.owner);
    const malformed = requests.find((r) => r.status === 400)!;
    expect(malformed.body).toBe(`{"signing_key": "${REDACTED}", "url": `);
    const list = requests.find((r) => r.operation === "listWebhookSubscriptions")!;
    expect(list.query).toMatchObject({ scope: "organization", access_token: REDACTED });
  });

  it("the control API's requests, subscriptions and deliveries hold no secret", async () => {
    for (const path of ["/requests", "/subscriptions", "/deliveries", "/seed"]) {
      const res = await emu.api("GET", `/__emulator${path}`, { token: null });
      expect(res.status).toBe(200);
      for (const secret of secrets()) expect(res.text, path).not.toContain(secret);
    }
  });

  it("log lines hold no secret (and there is one per request and per delivery attempt)", () => {
    expect(logLines.filter((l) => l.startsWith("delivery "))).toHaveLength(1);
    expect(logLines.filter((l) => /^(GET|POST) /.test(l))).toHaveLength(6);
    for (const secret of secrets()) expect(logLines.join("\n")).not.toContain(secret);
  });

  it("redact replaces secret-named keys at any depth", () => {
    expect(redact({ a: { signing_key: "x", list: [{ token: "y" }] }, keep: "z" })).toEqual({
      a: { signing_key: REDACTED, list: [{ token: REDACTED }] },
      keep: "z",
    });
    expect(redactRaw('{"signing_key":"abc\\"def","x":1}')).toBe(`{"signing_key":"${REDACTED}","x":1}`);
    expect(redactRaw('{"signing_key": "unterminated')).toBe(`{"signing_key": "${REDACTED}"`);
  });
});
