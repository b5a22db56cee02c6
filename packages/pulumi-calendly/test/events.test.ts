/** The shape of an event name (src/calendly/events.ts): every known one, any future one, nothing else. */
import { describe, expect, it } from "vitest";
import { EVENT_NAME_PATTERN, isEventName, isWebhookEvent, WEBHOOK_EVENTS } from "../src/calendly/events";
import { calendlySchemas } from "../src/calendly/schemas";

const envelope = (event: unknown) => ({
  event,
  created_at: "2026-01-01T00:00:00.000000Z",
  created_by: "u",
  payload: {},
});

describe("an event name", () => {
  it.each(WEBHOOK_EVENTS)("%s, a known event, is one", (event) => {
    expect(isEventName(event)).toBe(true);
  });

  it.each(["invitee.rescheduled", "meeting_recap.created", "workflow:run-2.started", "a", "x".repeat(128)])(
    "%s, a name Calendly may add, is one, though not a known event",
    (event) => {
      expect(isEventName(event)).toBe(true);
      expect(isWebhookEvent(event)).toBe(event === "meeting_recap.created");
    },
  );

  it.each(["", "a b", "invitee.created\n", "<script>", "x".repeat(129), 17, null])(
    "%j is not one",
    (value) => {
      expect(isEventName(value)).toBe(false);
    },
  );

  it("is the rule of the envelope the client parses (GET /sample_webhook_data)", () => {
    const { envelope: schema } = calendlySchemas;
    expect(schema.safeParse(envelope("invitee.rescheduled")).success).toBe(true);
    expect(schema.safeParse(envelope("a b")).success).toBe(false);
    expect(schema.safeParse(envelope("x".repeat(129))).success).toBe(false);
  });

  it("is anchored and stateless, so the same name always gets the same answer", () => {
    expect(EVENT_NAME_PATTERN.flags).toBe("");
    expect(EVENT_NAME_PATTERN.source.startsWith("^") && EVENT_NAME_PATTERN.source.endsWith("$")).toBe(true);
  });
});
