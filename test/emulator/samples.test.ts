import { describe, expect, it } from "vitest";
import { calendlyTime, sampleEnvelope, WEBHOOK_EVENTS } from "../../calendly";

const base = "http://127.0.0.1:4010";
const context = {
  baseUrl: base,
  organization: `${base}/organizations/11111111-1111-4111-8111-111111111111`,
  user: "22222222-2222-4222-8222-222222222222",
  now: new Date("2026-11-20T10:15:30.123Z"),
};
const userUri = `${base}/users/22222222-2222-4222-8222-222222222222`;
const CALENDLY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Every string value in a JSON tree, so URIs can be checked wherever they sit. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

describe("sampleEnvelope", () => {
  it.each(WEBHOOK_EVENTS)("%s: envelope keys, times and URIs come from the context", (event) => {
    const envelope = sampleEnvelope(event, context);
    expect(Object.keys(envelope).sort()).toEqual(["created_at", "created_by", "event", "payload"]);
    expect(envelope.event).toBe(event);
    expect(envelope.created_at).toBe("2026-11-20T10:15:30.123000Z");
    expect(envelope.created_by).toBe(userUri);
    const apiUris = strings(envelope.payload).filter(
      (s) => s.startsWith("http") && !s.includes("calendly.com"),
    );
    expect(apiUris.length).toBeGreaterThan(0);
    for (const uri of apiUris) expect(uri.startsWith(`${base}/`)).toBe(true);
    // Built from plain data: survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(envelope))).toEqual(envelope);
  });

  it("invitee.created carries the invitee fields API.md lists, with its scheduled event", () => {
    const { payload } = sampleEnvelope("invitee.created", context);
    for (const key of [
      "uri",
      "email",
      "name",
      "status",
      "rescheduled",
      "old_invitee",
      "new_invitee",
      "cancel_url",
      "reschedule_url",
      "questions_and_answers",
      "tracking",
      "timezone",
      "scheduled_event",
    ]) {
      expect(payload).toHaveProperty(key);
    }
    expect(payload.status).toBe("active");
    expect(payload).not.toHaveProperty("cancellation");
    const event = payload.scheduled_event as Record<string, unknown>;
    for (const key of [
      "uri",
      "name",
      "start_time",
      "end_time",
      "event_type",
      "location",
      "event_memberships",
    ]) {
      expect(event).toHaveProperty(key);
    }
    expect(event.event_memberships).toEqual([expect.objectContaining({ user: userUri })]);
    expect(String(payload.uri).startsWith(`${event.uri}/invitees/`)).toBe(true);
    expect(event.start_time).toMatch(CALENDLY_TIME);
  });

  it("invitee.canceled is canceled and carries a cancellation", () => {
    const { payload } = sampleEnvelope("invitee.canceled", context);
    expect(payload.status).toBe("canceled");
    expect(payload.cancellation).toMatchObject({ canceler_type: "invitee" });
  });

  it("routing_form_submission.created carries the submission fields", () => {
    const { payload } = sampleEnvelope("routing_form_submission.created", context);
    expect(payload).toMatchObject({ submitter_type: "Invitee", result: { type: "event_type" } });
    for (const key of ["uri", "routing_form", "questions_and_answers", "tracking", "submitter"]) {
      expect(payload).toHaveProperty(key);
    }
  });

  it("event_type.* carries an event type owned by the user; deleted has deleted_at", () => {
    expect(sampleEnvelope("event_type.updated", context).payload).toMatchObject({
      profile: { owner: userUri },
      deleted_at: null,
      active: true,
    });
    expect(sampleEnvelope("event_type.deleted", context).payload.deleted_at).toMatch(CALENDLY_TIME);
  });

  it("contact.* carries {user_uuid, contact}; contact.deleted only {uri, deleted_at}", () => {
    const created = sampleEnvelope("contact.created", context).payload;
    expect(created.user_uuid).toBe("22222222-2222-4222-8222-222222222222");
    expect(created.contact).toMatchObject({ email: "grace@example.com" });
    const deleted = sampleEnvelope("contact.deleted", context).payload;
    expect(Object.keys(deleted).sort()).toEqual(["deleted_at", "uri"]);
  });

  it("meeting_recap.* carries {event, recap}", () => {
    const { payload } = sampleEnvelope("meeting_recap.created", context);
    expect(Object.keys(payload).sort()).toEqual(["event", "recap"]);
    expect(String(payload.event)).toMatch(/\/scheduled_events\/[0-9a-f-]{36}$/);
  });

  it("is deterministic for one moment and mints new ids for another", () => {
    const a = sampleEnvelope("invitee.created", context);
    expect(sampleEnvelope("invitee.created", context)).toEqual(a);
    const b = sampleEnvelope("invitee.created", { ...context, now: new Date("2026-11-20T10:15:31Z") });
    expect(b.payload.uri).not.toBe(a.payload.uri);
  });

  it("defaults to Calendly's host and mints UUIDs", () => {
    const { payload } = sampleEnvelope("invitee.created");
    expect(String(payload.uri)).toMatch(
      /^https:\/\/api\.calendly\.com\/scheduled_events\/[0-9a-f-]{36}\/invitees\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("calendlyTime writes six fractional digits", () => {
    expect(calendlyTime(new Date("2020-01-02T03:04:05.678Z"))).toBe("2020-01-02T03:04:05.678000Z");
  });
});
