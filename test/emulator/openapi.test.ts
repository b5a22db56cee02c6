/**
 * The emulator's answers checked against Calendly's published schemas (openapi-2022.yaml) where
 * that older spec covers them, and against API.md for what it does not (newer events and scopes,
 * `group`, the User's newer fields, newer error texts).
 */
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES, WEBHOOK_EVENTS } from "../../calendly";
import { orgSubscription, SUBSCRIPTION_KEYS, startTestEmulator, type TestEmulator } from "./helpers";
import { describeErrors, loadOpenApi, type OpenApi } from "./openapi-schema";

let emu: TestEmulator;
let spec: OpenApi;
beforeAll(async () => {
  spec = loadOpenApi();
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

function expectValid(validate: ReturnType<OpenApi["validator"]>, value: unknown) {
  const ok = validate(value);
  expect(ok, describeErrors(validate)).toBe(true);
}

// API.md's own schemas for what the 2022 spec predates.
const uri = { type: "string", pattern: "^https?://" };
const nullableUri = { anyOf: [uri, { type: "null" }] };
const time = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$" };
const apiMd = new Ajv({ allErrors: true });
const apiMdSubscription = apiMd.compile({
  type: "object",
  additionalProperties: false,
  required: [...SUBSCRIPTION_KEYS],
  properties: {
    uri,
    callback_url: uri,
    created_at: time,
    updated_at: time,
    retry_started_at: { anyOf: [time, { type: "null" }] },
    state: { enum: ["active", "disabled"] },
    events: { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...WEBHOOK_EVENTS] } },
    scope: { enum: [...SCOPES] },
    organization: uri,
    user: nullableUri,
    group: nullableUri,
    creator: nullableUri,
  },
});
const apiMdUserExtras = apiMd.compile({
  type: "object",
  required: ["resource_type", "locale", "time_notation"],
  properties: {
    resource_type: { const: "User" },
    locale: { type: "string", minLength: 2 },
    time_notation: { enum: ["12h", "24h"] },
  },
});
const apiMdError = apiMd.compile({
  type: "object",
  required: ["title", "message"],
  properties: {
    title: { type: "string" },
    message: { type: "string" },
    details: {
      type: "array",
      items: {
        type: "object",
        required: ["message"],
        properties: { parameter: { type: "string" }, message: { type: "string" }, code: { type: "string" } },
      },
    },
    required_scopes: { type: "array", items: { type: "string" } },
  },
});

describe("against openapi-2022.yaml", () => {
  it("the converted schemas still reject what the spec forbids (so passing means something)", async () => {
    const me = ((await emu.api("GET", "/users/me")).json as { resource: Record<string, unknown> }).resource;
    const userSchema = spec.validator("/components/schemas/User");
    expect(userSchema({ ...me, avatar_url: null })).toBe(true); // nullable: true
    expect(userSchema({ ...me, name: null })).toBe(false); // not nullable
    const { current_organization: _dropped, ...withoutOrg } = me;
    expect(userSchema(withoutOrg)).toBe(false);
    expect(userSchema({ ...me, created_at: "yesterday" })).toBe(false);
    const subSchema = spec.validator("/components/schemas/WebhookSubscription");
    const created = await emu.api("POST", "/webhook_subscriptions", {
      body: orgSubscription(emu, { events: ["invitee.created"] }),
    });
    const sub = (created.json as { resource: Record<string, unknown> }).resource;
    expect(subSchema(sub)).toBe(true);
    expect(subSchema({ ...sub, state: "paused" })).toBe(false);
    expect(subSchema({ ...sub, retry_started_at: undefined })).toBe(false);
    expect(spec.sharedResponse("NOT_FOUND")({ title: "Not Found", message: "x" })).toBe(false);
  });

  it("GET /users/me matches the User schema (and API.md's newer fields)", async () => {
    for (const token of [emu.tokens.owner, emu.tokens.admin, emu.tokens.member, emu.tokens.free]) {
      const res = await emu.api("GET", "/users/me", { token });
      expectValid(spec.response("/users/me", "get", 200), res.json);
      const user = (res.json as { resource: unknown }).resource;
      expect(apiMdUserExtras(user), JSON.stringify(apiMdUserExtras.errors)).toBe(true);
    }
  });

  it("POST /webhook_subscriptions 201 matches the WebhookSubscription schema", async () => {
    const org = await emu.api("POST", "/webhook_subscriptions", {
      body: orgSubscription(emu, { events: ["invitee.created"] }),
    });
    expectValid(spec.response("/webhook_subscriptions", "post", 201), org.json);
    const user = await emu.api("POST", "/webhook_subscriptions", {
      body: orgSubscription(emu, { scope: "user", user: emu.users.owner, events: ["invitee.canceled"] }),
    });
    expectValid(spec.response("/webhook_subscriptions", "post", 201), user.json);
    expectValid(
      spec.validator("/components/schemas/WebhookSubscription"),
      (user.json as { resource: unknown }).resource,
    );
  });

  it("GET /webhook_subscriptions/{uuid} 200 matches its schema", async () => {
    const created = await emu.api("POST", "/webhook_subscriptions", {
      body: orgSubscription(emu, { events: ["invitee.created"] }),
    });
    const uri = (created.json as { resource: { uri: string } }).resource.uri;
    const res = await emu.api("GET", `/webhook_subscriptions/${uri.split("/").pop()}`);
    expectValid(spec.response("/webhook_subscriptions/{webhook_uuid}", "get", 200), res.json);
  });

  it("the list response matches its schema, pagination with full-URL pages included", async () => {
    for (let i = 0; i < 3; i++) {
      await emu.api("POST", "/webhook_subscriptions", {
        body: orgSubscription(emu, { events: ["invitee.created", "routing_form_submission.created"] }),
      });
    }
    const first = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.org, scope: "organization", count: 2 },
    });
    expectValid(spec.response("/webhook_subscriptions", "get", 200), first.json);
    const token = (first.json as { pagination: { next_page_token: string } }).pagination.next_page_token;
    const second = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.org, scope: "organization", count: 2, page_token: token },
    });
    expectValid(spec.response("/webhook_subscriptions", "get", 200), second.json);
    expectValid(
      spec.validator("/components/schemas/Pagination"),
      (second.json as { pagination: unknown }).pagination,
    );
  });

  it("error bodies match: 400, 401, 403, 404, 409 and 500", async () => {
    const bad = await emu.api("POST", "/webhook_subscriptions", {
      body: orgSubscription(emu, { url: undefined }),
    });
    expect(bad.status).toBe(400);
    expectValid(spec.sharedResponse("INVALID_ARGUMENT"), bad.json);

    const unauthenticated = await emu.api("GET", "/users/me", { token: null });
    expectValid(spec.sharedResponse("UNAUTHENTICATED"), unauthenticated.json);
    const expired = await emu.api("GET", "/users/me", { token: emu.tokens.expired });
    expectValid(spec.sharedResponse("UNAUTHENTICATED"), expired.json);

    const denied = await emu.api("POST", "/webhook_subscriptions", {
      token: emu.tokens.member,
      body: orgSubscription(emu),
    });
    expect(denied.status).toBe(403);
    expectValid(spec.response("/webhook_subscriptions", "post", 403), denied.json);
    const listDenied = await emu.api("GET", "/webhook_subscriptions", {
      token: emu.tokens.member,
      query: { organization: emu.org, scope: "organization" },
    });
    expectValid(spec.response("/webhook_subscriptions", "get", 403), listDenied.json);

    const missing = await emu.api("GET", "/webhook_subscriptions/00000000-0000-4000-8000-000000000000");
    expectValid(spec.sharedResponse("NOT_FOUND"), missing.json);

    const body = orgSubscription(emu);
    await emu.api("POST", "/webhook_subscriptions", { body });
    const duplicate = await emu.api("POST", "/webhook_subscriptions", { body });
    expect(duplicate.status).toBe(409);
    expectValid(spec.response("/webhook_subscriptions", "post", 409), duplicate.json);

    emu.control.injectFaults({ match: { path: "/users/me" }, fault: { kind: "status", status: 500 } });
    const internal = await emu.api("GET", "/users/me");
    expect(internal.status).toBe(500);
    expectValid(spec.sharedResponse("UNKNOWN"), internal.json);
  });

  it("GET invitee and GET scheduled event match Invitee and Event, for every invitee event", async () => {
    const inviteeOk = spec.response("/scheduled_events/{event_uuid}/invitees/{invitee_uuid}", "get", 200);
    const eventOk = spec.response("/scheduled_events/{uuid}", "get", 200);
    for (const event of [
      "invitee.created",
      "invitee.canceled",
      "invitee_no_show.created",
      "invitee_no_show.deleted",
    ]) {
      const fired = emu.control.fireEvent({ event });
      const invitee = await emu.api("GET", String(fired.envelope.payload.uri).slice(emu.url.length));
      expect(invitee.status).toBe(200);
      expectValid(inviteeOk, invitee.json);
      const uri = (invitee.json as { resource: { event: string } }).resource.event;
      const scheduled = await emu.api("GET", uri.slice(emu.url.length));
      expect(scheduled.status).toBe(200);
      expectValid(eventOk, scheduled.json);
    }
    // The schemas have teeth: a Zoom location typed as the spec does not, a missing key, a bad status.
    const fired = emu.control.fireEvent({ event: "invitee.created" });
    const payload = fired.envelope.payload as Record<string, Record<string, unknown>>;
    const event = payload.scheduled_event!;
    const eventSchema = spec.validator("/components/schemas/Event");
    expect(eventSchema(event)).toBe(true);
    expect(eventSchema({ ...event, location: { type: "zoom", status: "pushed", join_url: null } })).toBe(
      false,
    );
    const { calendar_event: _calendar, ...withoutCalendar } = event;
    expect(eventSchema(withoutCalendar)).toBe(false);
    const { scheduled_event: _embedded, ...invitee } = payload;
    const inviteeSchema = spec.validator("/components/schemas/Invitee");
    expect(inviteeSchema(invitee)).toBe(true);
    expect(inviteeSchema({ ...invitee, status: "pending" })).toBe(false);
  });

  it("errors of the two scheduled-event routes match their schemas: 403 with each path's text, 404", async () => {
    const fired = emu.control.fireEvent({ event: "invitee.created", user: emu.users.owner });
    const inviteePath = String(fired.envelope.payload.uri).slice(emu.url.length);
    const eventPath = inviteePath.replace(/\/invitees\/.*$/, "");
    const inviteeDenied = await emu.api("GET", inviteePath, { token: emu.tokens.member });
    expect(inviteeDenied.status).toBe(403);
    expectValid(
      spec.response("/scheduled_events/{event_uuid}/invitees/{invitee_uuid}", "get", 403),
      inviteeDenied.json,
    );
    const eventDenied = await emu.api("GET", eventPath, { token: emu.tokens.member });
    expect(eventDenied.status).toBe(403);
    expectValid(spec.response("/scheduled_events/{uuid}", "get", 403), eventDenied.json);
    for (const path of ["/scheduled_events/nope", "/scheduled_events/nope/invitees/nope"]) {
      const missing = await emu.api("GET", path);
      expect(missing.status).toBe(404);
      expectValid(spec.sharedResponse("NOT_FOUND"), missing.json);
    }
  });

  it("sample webhook data for the events the 2022 spec knows matches WebhookPayload", async () => {
    for (const [event, scope] of [
      ["invitee.created", "organization"],
      ["invitee.canceled", "organization"],
      ["routing_form_submission.created", "organization"],
    ] as const) {
      const res = await emu.api("GET", "/sample_webhook_data", {
        query: { event, organization: emu.org, scope },
      });
      expect(res.status).toBe(200);
      expectValid(spec.validator("/components/schemas/WebhookPayload"), res.json);
    }
  });
});

describe("against API.md, for what the 2022 spec predates", () => {
  it("every subscription has exactly the twelve keys, group and newer events included", async () => {
    const group = await emu.api("POST", "/webhook_subscriptions", {
      token: emu.tokens.admin,
      body: orgSubscription(emu, {
        scope: "group",
        group: emu.group,
        events: ["contact.created", "event_type.updated"],
      }),
    });
    const recap = await emu.api("POST", "/webhook_subscriptions", {
      body: orgSubscription(emu, { scope: "user", user: emu.users.owner, events: ["meeting_recap.created"] }),
    });
    const listed = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.org, scope: "group", group: emu.group },
    });
    for (const sub of [
      (group.json as { resource: unknown }).resource,
      (recap.json as { resource: unknown }).resource,
      ...(listed.json as { collection: unknown[] }).collection,
    ]) {
      expect(apiMdSubscription(sub), JSON.stringify(apiMdSubscription.errors)).toBe(true);
    }
  });

  it("newer error bodies (upgrade, insufficient scope, rate limit) keep the error shape", async () => {
    const upgrade = await emu.api("POST", "/webhook_subscriptions", {
      token: emu.tokens.free,
      body: {
        url: "http://127.0.0.1:9/x",
        events: ["routing_form_submission.created"],
        organization: emu.freeOrg,
        scope: "organization",
      },
    });
    const scope = await emu.api("POST", "/webhook_subscriptions", {
      token: emu.tokens.oauth,
      body: orgSubscription(emu, { events: ["contact.created"] }),
    });
    emu.control.injectFaults({ fault: { kind: "status", status: 429 } });
    const limited = await emu.api("GET", "/users/me");
    for (const res of [upgrade, scope, limited]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(apiMdError(res.json), JSON.stringify(apiMdError.errors)).toBe(true);
    }
  });
});
