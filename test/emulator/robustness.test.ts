/**
 * Bad input never crashes or hangs the emulator: malformed HTTP, oversized and garbled bodies, and
 * random create bodies all get Calendly-shaped 4xx answers, and the server keeps answering.
 */
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, orgSubscription, startTestEmulator, type TestEmulator } from "./helpers";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimits: { paid: 100_000 } });
});
afterAll(async () => {
  await emu.close();
});

/** Sends raw bytes and returns whatever comes back before the server closes the connection. */
function raw(bytes: string): Promise<string> {
  const { port, hostname } = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
  });
}

async function stillAnswers() {
  expect((await emu.api("GET", "/users/me")).status).toBe(200);
}

describe("robustness", () => {
  it("answers malformed HTTP with a Calendly-shaped 400", async () => {
    const answer = await raw("THIS IS NOT HTTP\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
      title: "Invalid Argument",
    });
    await stillAnswers();
  });

  it("refuses a body over 1 MiB with a 400", async () => {
    const res = await emu.api("POST", "/webhook_subscriptions", {
      body: `{"url":"${"x".repeat(1_100_000)}"}`,
    });
    expect(res.status).toBe(400);
    expect((res.json as Json).details[0].message).toMatch(/larger than/);
    await stillAnswers();
  });

  it("answers a body that is not UTF-8 JSON with a 400", async () => {
    const res = await emu.api("POST", "/webhook_subscriptions", {
      body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]).toString("latin1"),
    });
    expect(res.status).toBe(400);
    await stillAnswers();
  });

  it("answers bad %-escapes in paths and queries without crashing", async () => {
    expect((await emu.api("GET", "/webhook_subscriptions/%E0%A4%A")).status).toBe(404);
    const res = await emu.api("GET", "/webhook_subscriptions?organization=%E0%A4%A&scope=organization");
    expect(res.status).toBe(403);
    await stillAnswers();
  });

  it("random create bodies only ever get 201, 400, 403 or 409 (never a 5xx)", async () => {
    const valid = orgSubscription(emu);
    const field = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constantFrom(
        "organization",
        "user",
        "group",
        emu.org,
        emu.users.owner,
        emu.group,
        "invitee.created",
      ),
    );
    const body = fc.oneof(
      fc.dictionary(
        fc.constantFrom("url", "events", "organization", "scope", "user", "group", "signing_key"),
        field,
      ),
      fc.record({
        ...Object.fromEntries(Object.keys(valid).map((k) => [k, fc.oneof(fc.constant(valid[k]), field)])),
      }),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const res = await emu.api("POST", "/webhook_subscriptions", { body: JSON.stringify(value) });
        expect([201, 400, 403, 409]).toContain(res.status);
        expect(res.json).toMatchObject({});
      }),
      { numRuns: 150 },
    );
    await stillAnswers();
  });
});
