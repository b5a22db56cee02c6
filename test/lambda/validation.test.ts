import { describe, expect, it } from "vitest";
import { isEventName, sampleEnvelope, WEBHOOK_EVENTS } from "../../calendly";
import { parseEnvelope, validatePayload } from "../../lambda/validation";

const bytes = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

describe("validatePayload", () => {
  it.each(WEBHOOK_EVENTS)("accepts a realistic %s as valid", (event) => {
    for (const baseUrl of [undefined, "http://127.0.0.1:4010"]) {
      const envelope = sampleEnvelope(event, { baseUrl, now: new Date("2026-09-21T12:00:00Z") });
      expect(validatePayload(envelope)).toEqual({ validation: "valid" });
    }
  });

  it.each([
    ["invitee.created", ["email"], "payload.email"],
    ["invitee.canceled", ["scheduled_event", "start_time"], "payload.scheduled_event.start_time"],
    ["invitee_no_show.created", ["uri"], "payload.uri"],
    ["event_type.updated", ["name"], "payload.name"],
    ["contact.created", ["contact", "uri"], "payload.contact.uri"],
    ["contact.deleted", ["deleted_at"], "payload.deleted_at"],
    ["routing_form_submission.created", ["result"], "payload.result"],
    ["meeting_recap.updated", ["recap"], "payload.recap"],
  ] as const)("marks %s without %j as invalid_payload at %s", (event, path, expected) => {
    const envelope = sampleEnvelope(event);
    let target = envelope.payload as Record<string, unknown>;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    delete target[path.at(-1)!];
    expect(validatePayload(envelope)).toEqual({ validation: "invalid_payload", issues: [expected] });
  });

  it("reports wrong types and bad times by path, never by value", () => {
    const envelope = sampleEnvelope("invitee.created");
    Object.assign(envelope.payload, { status: "maybe-secret", rescheduled: "no" });
    const result = validatePayload(envelope);
    expect(result.issues).toEqual(["payload.status", "payload.rescheduled"]);
    expect(JSON.stringify(result)).not.toContain("maybe-secret");
  });

  it("caps the list of issues, so a huge broken array cannot make a huge event", () => {
    const envelope = sampleEnvelope("routing_form_submission.created");
    envelope.payload.questions_and_answers = Array.from({ length: 5000 }, () => ({ answer: 1 }));
    const { issues } = validatePayload(envelope);
    expect(issues).toHaveLength(21);
    expect(issues?.at(-1)).toBe("(4980 more)");
  });

  it("marks events it does not know as unknown_event without judging the payload", () => {
    expect(
      validatePayload({ ...sampleEnvelope("invitee.created"), event: "invitee.rescheduled", payload: {} }),
    ).toEqual({
      validation: "unknown_event",
    });
  });
});

describe("parseEnvelope", () => {
  it("returns the parsed JSON itself: extra keys kept, nothing coerced", () => {
    const envelope = { ...sampleEnvelope("contact.created"), extra: 1 };
    const result = parseEnvelope(bytes(envelope));
    expect(result).toEqual({ ok: true, envelope, text: JSON.stringify(envelope) });
  });

  it("returns the body as text whole, a byte-order mark included, and parses what follows the mark", () => {
    const json = JSON.stringify(sampleEnvelope("contact.created"));
    const result = parseEnvelope(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]));
    expect(result).toMatchObject({ ok: true, text: `\uFEFF${json}` });
  });

  it.each([
    ["not JSON", "{nope", "not_json"],
    ["invalid UTF-8", Buffer.from([0x22, 0xc3, 0x28, 0x22]), "not_json"],
    ["a string", '"invitee.created"', "not_envelope"],
    ["an array", "[{}]", "not_envelope"],
    ["payload an array", { event: "a.b", created_at: "t", created_by: "u", payload: [] }, "not_envelope"],
    ["a missing created_by", { event: "a.b", created_at: "t", payload: {} }, "not_envelope"],
    [
      "an event name with spaces",
      { event: "a b", created_at: "t", created_by: "u", payload: {} },
      "not_envelope",
    ],
    [
      "an event name too long for a DetailType",
      { event: "a".repeat(129), created_at: "t", created_by: "u", payload: {} },
      "not_envelope",
    ],
  ])("refuses %s", (_name, body, reason) => {
    const result = parseEnvelope(Buffer.isBuffer(body) ? body : bytes(body));
    expect(result).toMatchObject({ ok: false, reason });
  });

  it.each([
    "invitee.rescheduled",
    "workflow:run-2.started",
    "x".repeat(128),
    "a b",
    "x".repeat(129),
    "",
    "a\nb",
  ])("takes the event name %j exactly when the client's rule (isEventName) does", (event) => {
    const result = parseEnvelope(bytes({ event, created_at: "t", created_by: "u", payload: {} }));
    expect(result.ok).toBe(isEventName(event));
  });

  it("names the missing envelope fields", () => {
    expect(parseEnvelope(bytes({ event: "a.b" }))).toEqual({
      ok: false,
      reason: "not_envelope",
      issues: ["created_at", "created_by", "payload"],
    });
  });
});
