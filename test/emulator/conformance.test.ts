/**
 * Emulator conformance: one test per rule of ../shared/calendly/API.md the emulator implements
 * (transport, /users/me, create/get/delete/list webhook subscriptions, sample data), plus the
 * emulator's documented choices where API.md leaves a point open.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EVENT_RULES, SCOPES, WEBHOOK_EVENTS } from "../../calendly";
import {
  call,
  type Json,
  orgSubscription,
  SUBSCRIPTION_KEYS,
  seedWithScopedTokens,
  startTestEmulator,
  type TestEmulator,
} from "./helpers";

const SUBSCRIPTION_KEYS_SORTED = [...SUBSCRIPTION_KEYS].sort();
const PAGINATION_KEYS = [
  "count",
  "next_page",
  "previous_page",
  "next_page_token",
  "previous_page_token",
].sort();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CALENDLY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
});

async function create(body: Record<string, unknown>, token = emu.tokens.owner) {
  return emu.api("POST", "/webhook_subscriptions", { token, body });
}

function uuidOf(uri: string): string {
  return uri.slice(uri.lastIndexOf("/") + 1);
}

describe("transport and authentication", () => {
  it("answers 401 Unauthenticated without an Authorization header", async () => {
    const res = await emu.api("GET", "/users/me", { token: null });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ title: "Unauthenticated", message: "The access token is invalid" });
  });

  it("answers 401 for an unknown token", async () => {
    const res = await emu.api("GET", "/users/me", { token: "not-a-seeded-token" });
    expect(res.status).toBe(401);
    expect((res.json as Json).title).toBe("Unauthenticated");
  });

  it.each(["Basic ZW11LW93bmVyLXRva2Vu", "Bearer", "emu-owner-token", "Bearer emu-owner-token extra"])(
    "answers 401 for a malformed Authorization header (%s)",
    async (authorization) => {
      const res = await emu.api("GET", "/users/me", { token: null, headers: { authorization } });
      expect(res.status).toBe(401);
    },
  );

  it("accepts the Bearer scheme in any case", async () => {
    const res = await emu.api("GET", "/users/me", {
      token: null,
      headers: { authorization: `bearer ${emu.tokens.owner}` },
    });
    expect(res.status).toBe(200);
  });

  it("answers 401 'The access token expired' for an expired token", async () => {
    const res = await emu.api("GET", "/users/me", { token: emu.tokens.expired });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ title: "Unauthenticated", message: "The access token expired" });
  });

  it("answers 404 Resource Not Found for an unknown route", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["PATCH", "/webhook_subscriptions/abc"],
      ["PUT", "/webhook_subscriptions/abc"],
      ["GET", "/webhook_subscriptions/a/b"],
    ] as const) {
      const res = await emu.api(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json).toEqual({
        title: "Resource Not Found",
        message: "The server could not find the requested resource.",
      });
    }
  });
});

describe("GET /users/me", () => {
  it("returns {resource: User} with the user URI and current organization", async () => {
    const res = await emu.api("GET", "/users/me", { token: emu.tokens.member });
    expect(res.status).toBe(200);
    const user = (res.json as Json).resource;
    expect(user.uri).toBe(emu.users.member);
    expect(user.current_organization).toBe(emu.org);
    expect(user.uri).toMatch(new RegExp(`^${emu.url}/users/[0-9a-f-]{36}$`));
    expect(user).toMatchObject({ resource_type: "User", locale: "en", time_notation: "24h" });
  });
});

describe("POST /webhook_subscriptions", () => {
  it("creates: 201 {resource} with all twelve keys, a UUID id and full-URI fields", async () => {
    const body = orgSubscription(emu);
    const res = await create(body);
    expect(res.status).toBe(201);
    const sub = (res.json as Json).resource;
    expect(Object.keys(sub).sort()).toEqual(SUBSCRIPTION_KEYS_SORTED);
    expect(sub.uri.startsWith(`${emu.url}/webhook_subscriptions/`)).toBe(true);
    expect(uuidOf(sub.uri)).toMatch(UUID);
    expect(sub).toMatchObject({
      callback_url: body.url,
      state: "active",
      retry_started_at: null,
      events: body.events,
      scope: "organization",
      organization: emu.org,
      user: null,
      group: null,
      creator: emu.users.owner,
    });
    expect(sub.created_at).toMatch(CALENDLY_TIME);
    expect(sub.updated_at).toBe(sub.created_at);
  });

  it("never returns the signing key, from create, get or list", async () => {
    const key = "very-secret-signing-key-123";
    const created = await create(orgSubscription(emu, { signing_key: key }));
    expect(created.status).toBe(201);
    const uri = (created.json as Json).resource.uri as string;
    const got = await emu.api("GET", `/webhook_subscriptions/${uuidOf(uri)}`);
    const listed = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.org, scope: "organization" },
    });
    for (const res of [created, got, listed]) {
      expect(res.text).not.toContain(key);
      expect(res.text).not.toContain("signing_key");
    }
    expect(emu.control.subscriptions()[0]?.has_signing_key).toBe(true);
  });

  it.each([
    [{ url: undefined }, "url", "url is missing"],
    [{ url: "ftp://example.com/hook" }, "url", "url must be an absolute http or https URL"],
    [{ url: "/relative/hook" }, "url", "url must be an absolute http or https URL"],
    [{ url: 42 }, "url", "url must be a string"],
  ])("requires url as an absolute http(s) URL (%j)", async (override, parameter, message) => {
    const res = await create(orgSubscription(emu, override));
    expect(res.status).toBe(400);
    expect((res.json as Json).title).toBe("Invalid Argument");
    expect((res.json as Json).message).toBe("The supplied parameters are invalid.");
    expect((res.json as Json).details).toContainEqual({ parameter, message });
  });

  it.each([
    [{ events: undefined }, "events is missing"],
    [{ events: [] }, "events must list at least one event"],
    [{ events: "invitee.created" }, "events must be an array of event names"],
  ])("requires a non-empty events array (%j)", async (override, message) => {
    const res = await create(orgSubscription(emu, override));
    expect(res.status).toBe(400);
    expect((res.json as Json).details).toContainEqual({ parameter: "events", message });
  });

  it("refuses unknown events with a detail naming the event", async () => {
    const res = await create(orgSubscription(emu, { events: ["invitee.created", "invitee.cancelled"] }));
    expect(res.status).toBe(400);
    const details = (res.json as Json).details as { parameter: string; message: string }[];
    expect(details).toHaveLength(1);
    expect(details[0]!.parameter).toBe("events");
    expect(details[0]!.message).toContain('"invitee.cancelled"');
    expect(details[0]!.message).toContain("one l");
  });

  it("refuses an event listed twice", async () => {
    const res = await create(orgSubscription(emu, { events: ["invitee.created", "invitee.created"] }));
    expect(res.status).toBe(400);
  });

  // The event/scope matrix of API.md, every cell: allowed cells create, the others are 400s.
  const matrix = WEBHOOK_EVENTS.flatMap((event) => SCOPES.map((scope) => [event, scope] as const));
  it.each(matrix)("enforces the event/scope matrix: %s in %s scope", async (event, scope) => {
    const res = await create(
      orgSubscription(emu, {
        events: [event],
        scope,
        ...(scope === "user" ? { user: emu.users.owner } : {}),
        ...(scope === "group" ? { group: emu.group } : {}),
      }),
    );
    if (EVENT_RULES[event].scopes.includes(scope)) {
      expect(res.status).toBe(201);
      expect((res.json as Json).resource.scope).toBe(scope);
    } else {
      expect(res.status).toBe(400);
      const messages = ((res.json as Json).details as { message: string }[]).map((d) => d.message);
      expect(messages.join("\n")).toContain(`"${event}" is not allowed in ${scope} scope`);
    }
  });

  it.each(SCOPES)("requires organization for %s scope (400 organization is missing)", async (scope) => {
    const res = await create(
      orgSubscription(emu, { organization: undefined, scope, user: emu.users.owner, group: emu.group }),
    );
    expect(res.status).toBe(400);
    expect((res.json as Json).details).toContainEqual({
      parameter: "organization",
      message: "organization is missing",
    });
  });

  it("refuses another organization than the token's (403)", async () => {
    const res = await create(orgSubscription(emu, { organization: emu.freeOrg }));
    expect(res.status).toBe(403);
    expect((res.json as Json).title).toBe("Permission Denied");
  });

  it.each([
    [undefined, "scope is missing"],
    ["team", "scope must be one of organization, user, group"],
  ])("requires scope to be one of the three (%s)", async (scope, message) => {
    const res = await create(orgSubscription(emu, { scope }));
    expect(res.status).toBe(400);
    expect((res.json as Json).details).toContainEqual({ parameter: "scope", message });
  });

  it("requires user for user scope (400)", async () => {
    const res = await create(orgSubscription(emu, { scope: "user" }));
    expect(res.status).toBe(400);
    expect((res.json as Json).details).toContainEqual({ parameter: "user", message: "user is missing" });
  });

  it("lets a token subscribe only for its own user (403 for another user, even as owner)", async () => {
    const res = await create(orgSubscription(emu, { scope: "user", user: emu.users.member }));
    expect(res.status).toBe(403);
    expect((res.json as Json).title).toBe("Permission Denied");
    const own = await create(
      orgSubscription(emu, { scope: "user", user: emu.users.member }),
      emu.tokens.member,
    );
    expect(own.status).toBe(201);
    expect((own.json as Json).resource).toMatchObject({
      user: emu.users.member,
      group: null,
      creator: emu.users.member,
    });
  });

  it("requires an existing group for group scope", async () => {
    const missing = await create(orgSubscription(emu, { scope: "group" }));
    expect(missing.status).toBe(400);
    expect((missing.json as Json).details).toContainEqual({
      parameter: "group",
      message: "group is missing",
    });
    const unknown = await create(orgSubscription(emu, { scope: "group", group: `${emu.url}/groups/nope` }));
    expect(unknown.status).toBe(400);
    const ok = await create(orgSubscription(emu, { scope: "group", group: emu.group }), emu.tokens.admin);
    expect(ok.status).toBe(201);
    expect((ok.json as Json).resource).toMatchObject({ scope: "group", group: emu.group, user: null });
  });

  it("refuses organization scope for a member token (403 Permission Denied)", async () => {
    const res = await create(orgSubscription(emu), emu.tokens.member);
    expect(res.status).toBe(403);
    expect((res.json as Json).title).toBe("Permission Denied");
    const admin = await create(orgSubscription(emu), emu.tokens.admin);
    expect(admin.status).toBe(201);
  });

  it("refuses group scope for a member token (403)", async () => {
    const res = await create(orgSubscription(emu, { scope: "group", group: emu.group }), emu.tokens.member);
    expect(res.status).toBe(403);
  });

  it.each([
    ["routing_form_submission.created", "organization"],
    ["meeting_recap.created", "user"],
    ["meeting_recap.deleted", "user"],
  ])("answers 403 'Please upgrade' to a Free-plan token for plan-gated %s", async (event, scope) => {
    const res = await create(
      {
        url: "http://127.0.0.1:9/free",
        events: [event],
        organization: emu.freeOrg,
        scope,
        user: emu.users.free,
      },
      emu.tokens.free,
    );
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      title: "Permission Denied",
      message: "Please upgrade to a paid Calendly account.",
    });
  });

  it("lets a Free-plan token subscribe to events that need no plan feature", async () => {
    const res = await create(
      {
        url: "http://127.0.0.1:9/free",
        events: ["invitee.created"],
        organization: emu.freeOrg,
        scope: "organization",
      },
      emu.tokens.free,
    );
    expect(res.status).toBe(201);
  });

  it("answers 403 Insufficient scope with required_scopes for a missing OAuth read scope", async () => {
    const ok = await create(orgSubscription(emu, { events: ["invitee.created"] }), emu.tokens.oauth);
    expect(ok.status).toBe(201);
    const res = await create(
      orgSubscription(emu, { events: ["invitee.created", "event_type.created"] }),
      emu.tokens.oauth,
    );
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ title: "Insufficient scope", required_scopes: ["event_types:read"] });
  });

  it("answers 403 Insufficient scope ['webhooks:write'] to a token without it", async () => {
    const seed = seedWithScopedTokens({ "read-only-token": ["scheduled_events:read"] });
    const other = await startTestEmulator({ seed });
    try {
      const res = await call(other.url, "POST", "/webhook_subscriptions", {
        token: "read-only-token",
        body: orgSubscription(other),
      });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ title: "Insufficient scope", required_scopes: ["webhooks:write"] });
    } finally {
      await other.close();
    }
  });

  it("answers 409 Already Exists for a URL the same owner already uses in the organization (the documented rule)", async () => {
    const body = orgSubscription(emu);
    const first = await create(body);
    expect(first.status).toBe(201);
    const again = await create(body);
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ title: "Already Exists", message: "Hook with this url already exists" });
    // A disabled subscription still holds its URL.
    emu.control.disableSubscription(uuidOf((first.json as Json).resource.uri));
    expect((await create(body)).status).toBe(409);
    // Calendly: "In one organization, subscriptions for the same user cannot share a URL": another
    // user, and another scope, may use it.
    const member = orgSubscription(emu, {
      url: body.url,
      scope: "user",
      user: emu.users.member,
      events: ["invitee.created"],
    });
    expect((await create(member, emu.tokens.member)).status).toBe(201);
    expect((await create(member, emu.tokens.member)).status).toBe(409);
    const owner = { ...member, user: emu.users.owner };
    expect((await create(owner)).status).toBe(201);
    // Another organization may use the same URL.
    const elsewhere = await create(
      { url: body.url, events: ["invitee.created"], organization: emu.freeOrg, scope: "organization" },
      emu.tokens.free,
    );
    expect(elsewhere.status).toBe(201);
  });

  it("with duplicateUrlRule 'organization', any subscription of the organization with the URL conflicts", async () => {
    const other = await startTestEmulator({ duplicateUrlRule: "organization" });
    try {
      const body = orgSubscription(other);
      expect((await other.api("POST", "/webhook_subscriptions", { body })).status).toBe(201);
      expect((await other.api("POST", "/webhook_subscriptions", { body })).status).toBe(409);
      const userScope = await other.api("POST", "/webhook_subscriptions", {
        token: other.tokens.member,
        body: { ...body, scope: "user", user: other.users.member, events: ["invitee.created"] },
      });
      expect(userScope.status).toBe(409);
      const elsewhere = await other.api("POST", "/webhook_subscriptions", {
        token: other.tokens.free,
        body: {
          url: body.url,
          events: ["invitee.created"],
          organization: other.freeOrg,
          scope: "organization",
        },
      });
      expect(elsewhere.status).toBe(201);
    } finally {
      await other.close();
    }
  });

  it.each(['{"url": ', "[]", "null", '"text"'])(
    "answers 400 for a body that is not a JSON object: %s",
    async (raw) => {
      const res = await emu.api("POST", "/webhook_subscriptions", { body: raw });
      expect(res.status).toBe(400);
      expect((res.json as Json).title).toBe("Invalid Argument");
    },
  );
});

describe("OAuth scopes for reading (Calendly's Authorization Scopes page)", () => {
  let scoped: TestEmulator;
  const TOKENS: Record<string, string[]> = {
    "no-webhooks-token": ["scheduled_events:read"],
    "read-token": ["webhooks:read", "scheduled_events:read"],
    "write-token": ["webhooks:write", "scheduled_events:read"],
    "contacts-write-token": ["webhooks:write", "contacts:write"],
  };
  beforeAll(async () => {
    scoped = await startTestEmulator({ seed: seedWithScopedTokens(TOKENS) });
  });
  afterAll(async () => {
    await scoped.close();
  });

  const list = (token: string) =>
    scoped.api("GET", "/webhook_subscriptions", {
      token,
      query: { organization: scoped.org, scope: "organization" },
    });

  it("listing and reading need webhooks:read: 403 Insufficient scope without it", async () => {
    const sub = (
      (await scoped.api("POST", "/webhook_subscriptions", { body: orgSubscription(scoped) })).json as Json
    ).resource;
    for (const res of [
      await list("no-webhooks-token"),
      await scoped.api("GET", `/webhook_subscriptions/${uuidOf(sub.uri)}`, { token: "no-webhooks-token" }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ title: "Insufficient scope", required_scopes: ["webhooks:read"] });
    }
    expect((await list("read-token")).status).toBe(200);
    expect(
      (await scoped.api("GET", `/webhook_subscriptions/${uuidOf(sub.uri)}`, { token: "read-token" })).status,
    ).toBe(200);
    // Reading is not writing.
    const create = await scoped.api("POST", "/webhook_subscriptions", {
      token: "read-token",
      body: orgSubscription(scoped),
    });
    expect(create.json).toMatchObject({ required_scopes: ["webhooks:write"] });
  });

  it("a :write scope implies its :read: webhooks:write lists and reads, contacts:write subscribes to contact events", async () => {
    expect((await list("write-token")).status).toBe(200);
    const contacts = await scoped.api("POST", "/webhook_subscriptions", {
      token: "contacts-write-token",
      body: orgSubscription(scoped, { events: ["contact.created", "contact.deleted"] }),
    });
    expect(contacts.status).toBe(201);
    const other = await scoped.api("POST", "/webhook_subscriptions", {
      token: "contacts-write-token",
      body: orgSubscription(scoped, { events: ["invitee.created"] }),
    });
    expect(other.json).toMatchObject({ required_scopes: ["scheduled_events:read"] });
  });
});

describe('the publicCallbackUrlsOnly option (Calendly: the callback URL "must be public")', () => {
  it.each([
    "http://127.0.0.1:4020/calendly",
    "http://localhost/hooks",
    "https://app.localhost/hooks",
    "https://10.1.2.3/hooks",
    "https://172.20.0.1/hooks",
    "https://192.168.1.10/hooks",
    "http://169.254.169.254/latest",
    "https://100.64.0.1/hooks",
    "http://[::1]:8080/hooks",
    "https://[fd00::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[::ffff:10.0.0.1]/hooks",
    "https://printer.local/hooks",
    "https://api.internal/hooks",
    "http://0.0.0.0/hooks",
  ])("refuses %s with a 400 naming url", async (url) => {
    const strict = await startTestEmulator({ publicCallbackUrlsOnly: true });
    try {
      const res = await strict.api("POST", "/webhook_subscriptions", {
        body: orgSubscription(strict, { url }),
      });
      expect(res.status).toBe(400);
      expect((res.json as Json).details).toEqual([
        { parameter: "url", message: expect.stringMatching(/^url must be a public URL: /) },
      ]);
    } finally {
      await strict.close();
    }
  });

  it("accepts public hosts, and is off by default (tests deliver to 127.0.0.1)", async () => {
    const strict = await startTestEmulator({ publicCallbackUrlsOnly: true });
    try {
      for (const url of [
        "https://hooks.example.com/calendly",
        "https://93.184.216.34/x",
        "https://[2606:4700::1]/x",
      ]) {
        const res = await strict.api("POST", "/webhook_subscriptions", {
          body: orgSubscription(strict, { url }),
        });
        expect(res.status, url).toBe(201);
      }
    } finally {
      await strict.close();
    }
    expect((await create(orgSubscription(emu, { url: "http://127.0.0.1:9/local" }))).status).toBe(201);
  });
});

describe("GET and DELETE /webhook_subscriptions/{uuid}", () => {
  async function created(token = emu.tokens.owner, body = orgSubscription(emu)) {
    const res = await create(body, token);
    expect(res.status).toBe(201);
    return (res.json as Json).resource as Json;
  }

  it("GET returns 200 {resource} equal to the created one, 404 for an unknown uuid", async () => {
    const sub = await created();
    const res = await emu.api("GET", `/webhook_subscriptions/${uuidOf(sub.uri)}`);
    expect(res.status).toBe(200);
    expect((res.json as Json).resource).toEqual(sub);
    const unknown = await emu.api("GET", "/webhook_subscriptions/00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect((unknown.json as Json).title).toBe("Resource Not Found");
  });

  it("another organization's subscription is a 404", async () => {
    const sub = await created();
    const res = await emu.api("GET", `/webhook_subscriptions/${uuidOf(sub.uri)}`, { token: emu.tokens.free });
    expect(res.status).toBe(404);
  });

  it("a member may read its own user-scope subscription but not the organization's (403)", async () => {
    const orgSub = await created();
    expect(
      (await emu.api("GET", `/webhook_subscriptions/${uuidOf(orgSub.uri)}`, { token: emu.tokens.member }))
        .status,
    ).toBe(403);
    const own = await created(
      emu.tokens.member,
      orgSubscription(emu, { scope: "user", user: emu.users.member }),
    );
    expect(
      (await emu.api("GET", `/webhook_subscriptions/${uuidOf(own.uri)}`, { token: emu.tokens.member }))
        .status,
    ).toBe(200);
  });

  it("DELETE answers 204 with an empty body, then the subscription is 404 (and a second delete too)", async () => {
    const sub = await created();
    const path = `/webhook_subscriptions/${uuidOf(sub.uri)}`;
    const res = await emu.api("DELETE", path);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.headers["content-type"]).toBeUndefined();
    expect((await emu.api("GET", path)).status).toBe(404);
    expect((await emu.api("DELETE", path)).status).toBe(404);
  });

  it("a member cannot delete the organization's subscription (403)", async () => {
    const sub = await created();
    const res = await emu.api("DELETE", `/webhook_subscriptions/${uuidOf(sub.uri)}`, {
      token: emu.tokens.member,
    });
    expect(res.status).toBe(403);
    expect(emu.control.subscriptions()).toHaveLength(1);
  });
});

describe("GET /webhook_subscriptions (list)", () => {
  async function createOrgSubs(n: number): Promise<string[]> {
    const uris: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await create(orgSubscription(emu, { url: `http://127.0.0.1:9/list/${i}` }));
      uris.push((res.json as Json).resource.uri);
    }
    return uris;
  }

  it.each([
    [{ scope: "organization" }, "organization"],
    [{ organization: "ORG" }, "scope"],
    [{ organization: "ORG", scope: "user" }, "user"],
    [{ organization: "ORG", scope: "group" }, "group"],
  ])("requires its parameters (%j lacks %s)", async (query, parameter) => {
    const q = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v === "ORG" ? emu.org : v]));
    const res = await emu.api("GET", "/webhook_subscriptions", { query: q });
    expect(res.status).toBe(400);
    expect((res.json as Json).details).toContainEqual({ parameter, message: `${parameter} is missing` });
  });

  it("returns {collection, pagination} with exactly the five pagination keys", async () => {
    await createOrgSubs(2);
    const res = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.org, scope: "organization" },
    });
    expect(res.status).toBe(200);
    const body = res.json as Json;
    expect(Object.keys(body).sort()).toEqual(["collection", "pagination"]);
    expect(Object.keys(body.pagination).sort()).toEqual(PAGINATION_KEYS);
    expect(body.pagination).toEqual({
      count: 2,
      next_page: null,
      previous_page: null,
      next_page_token: null,
      previous_page_token: null,
    });
    for (const sub of body.collection) expect(Object.keys(sub).sort()).toEqual(SUBSCRIPTION_KEYS_SORTED);
  });

  it("lists only the requested scope and owner, disabled subscriptions included", async () => {
    const [orgUri] = await createOrgSubs(1);
    const memberSub = await create(
      orgSubscription(emu, { scope: "user", user: emu.users.member, events: ["invitee.created"] }),
      emu.tokens.member,
    );
    await create(orgSubscription(emu, { scope: "group", group: emu.group }));
    emu.control.disableSubscription(uuidOf(orgUri!));
    const orgList = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.org, scope: "organization" },
    });
    expect((orgList.json as Json).collection.map((s: Json) => [s.uri, s.state])).toEqual([
      [orgUri, "disabled"],
    ]);
    const userList = await emu.api("GET", "/webhook_subscriptions", {
      token: emu.tokens.member,
      query: { organization: emu.org, scope: "user", user: emu.users.member },
    });
    expect((userList.json as Json).collection.map((s: Json) => s.uri)).toEqual([
      (memberSub.json as Json).resource.uri,
    ]);
    const groupList = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.org, scope: "group", group: emu.group },
    });
    expect((groupList.json as Json).collection).toHaveLength(1);
  });

  it("defaults count to 20 and accepts 1..100 only", async () => {
    await createOrgSubs(21);
    const base = { organization: emu.org, scope: "organization" };
    const res = await emu.api("GET", "/webhook_subscriptions", { query: base });
    expect((res.json as Json).collection).toHaveLength(20);
    expect((res.json as Json).pagination.count).toBe(20);
    expect((await emu.api("GET", "/webhook_subscriptions", { query: { ...base, count: 100 } })).status).toBe(
      200,
    );
    for (const count of ["0", "101", "abc", "1.5", "-1", ""]) {
      const bad = await emu.api("GET", "/webhook_subscriptions", { query: { ...base, count } });
      expect(bad.status, `count=${count}`).toBe(400);
      expect((bad.json as Json).details[0].parameter).toBe("count");
    }
  });

  it("pages with next_page_token until null, in creation order, with working full-URL pages", async () => {
    const uris = await createOrgSubs(5);
    const seen: string[] = [];
    let token: string | null = null;
    const pages: number[] = [];
    do {
      const res = await emu.api("GET", "/webhook_subscriptions", {
        query: { organization: emu.org, scope: "organization", count: 2, page_token: token ?? undefined },
      });
      expect(res.status).toBe(200);
      const body = res.json as Json;
      pages.push(body.collection.length);
      seen.push(...body.collection.map((s: Json) => s.uri));
      token = body.pagination.next_page_token;
      if (token !== null) {
        // next_page is a full URL that returns the same page as the token.
        expect(body.pagination.next_page.startsWith(`${emu.url}/webhook_subscriptions?`)).toBe(true);
        const viaUrl = await call(emu.url, "GET", body.pagination.next_page, { token: emu.tokens.owner });
        const viaToken = await emu.api("GET", "/webhook_subscriptions", {
          query: { organization: emu.org, scope: "organization", count: 2, page_token: token },
        });
        expect(viaUrl.json).toEqual(viaToken.json);
      }
    } while (token !== null);
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual(uris);
  });

  it("previous_page_token leads back to the previous page", async () => {
    const uris = await createOrgSubs(4);
    const query = { organization: emu.org, scope: "organization", count: 2 };
    const first = (await emu.api("GET", "/webhook_subscriptions", { query })).json as Json;
    expect(first.pagination.previous_page_token).toBeNull();
    const second = (
      await emu.api("GET", "/webhook_subscriptions", {
        query: { ...query, page_token: first.pagination.next_page_token },
      })
    ).json as Json;
    expect(second.collection.map((s: Json) => s.uri)).toEqual(uris.slice(2));
    const back = (
      await emu.api("GET", "/webhook_subscriptions", {
        query: { ...query, page_token: second.pagination.previous_page_token },
      })
    ).json as Json;
    expect(back.collection.map((s: Json) => s.uri)).toEqual(uris.slice(0, 2));
  });

  it("paging survives deletes between pages (keyset cursor)", async () => {
    const uris = await createOrgSubs(4);
    const query = { organization: emu.org, scope: "organization", count: 2 };
    const first = (await emu.api("GET", "/webhook_subscriptions", { query })).json as Json;
    await emu.api("DELETE", `/webhook_subscriptions/${uuidOf(uris[1]!)}`);
    const second = (
      await emu.api("GET", "/webhook_subscriptions", {
        query: { ...query, page_token: first.pagination.next_page_token },
      })
    ).json as Json;
    expect(second.collection.map((s: Json) => s.uri)).toEqual(uris.slice(2));
  });

  it("sorts by created_at:desc when asked, and refuses other sorts", async () => {
    const uris = await createOrgSubs(3);
    const base = { organization: emu.org, scope: "organization" };
    const desc = await emu.api("GET", "/webhook_subscriptions", {
      query: { ...base, sort: "created_at:desc" },
    });
    expect((desc.json as Json).collection.map((s: Json) => s.uri)).toEqual([...uris].reverse());
    const asc = await emu.api("GET", "/webhook_subscriptions", {
      query: { ...base, sort: "created_at:asc" },
    });
    expect((asc.json as Json).collection.map((s: Json) => s.uri)).toEqual(uris);
    const bad = await emu.api("GET", "/webhook_subscriptions", {
      query: { ...base, sort: "updated_at:asc" },
    });
    expect(bad.status).toBe(400);
  });

  it("answers 400 for an invalid page_token or one minted for another query", async () => {
    await createOrgSubs(3);
    const base = { organization: emu.org, scope: "organization", count: 1 };
    const garbage = await emu.api("GET", "/webhook_subscriptions", {
      query: { ...base, page_token: "garbage!" },
    });
    expect(garbage.status).toBe(400);
    expect((garbage.json as Json).details[0].parameter).toBe("page_token");
    const token = ((await emu.api("GET", "/webhook_subscriptions", { query: base })).json as Json).pagination
      .next_page_token;
    const otherSort = await emu.api("GET", "/webhook_subscriptions", {
      query: { ...base, sort: "created_at:desc", page_token: token },
    });
    expect(otherSort.status).toBe(400);
  });

  it("answers 403 to a member listing organization scope, 200 for its own user scope", async () => {
    const res = await emu.api("GET", "/webhook_subscriptions", {
      token: emu.tokens.member,
      query: { organization: emu.org, scope: "organization" },
    });
    expect(res.status).toBe(403);
    expect((res.json as Json).title).toBe("Permission Denied");
    const own = await emu.api("GET", "/webhook_subscriptions", {
      token: emu.tokens.member,
      query: { organization: emu.org, scope: "user", user: emu.users.member },
    });
    expect(own.status).toBe(200);
  });

  it("answers 403 for another organization", async () => {
    const res = await emu.api("GET", "/webhook_subscriptions", {
      query: { organization: emu.freeOrg, scope: "organization" },
    });
    expect(res.status).toBe(403);
  });
});

describe("GET /sample_webhook_data", () => {
  it("returns a bare envelope (no resource wrapper) with the emulator's URIs", async () => {
    const res = await emu.api("GET", "/sample_webhook_data", {
      query: { event: "invitee.created", organization: emu.org, scope: "user", user: emu.users.owner },
    });
    expect(res.status).toBe(200);
    const envelope = res.json as Json;
    expect(Object.keys(envelope).sort()).toEqual(["created_at", "created_by", "event", "payload"]);
    expect(envelope.event).toBe("invitee.created");
    expect(envelope.created_by).toBe(emu.users.owner);
    expect(envelope.payload.uri.startsWith(`${emu.url}/scheduled_events/`)).toBe(true);
  });

  it("validates event, organization and scope", async () => {
    const missing = await emu.api("GET", "/sample_webhook_data", { query: {} });
    expect(missing.status).toBe(400);
    const params = (missing.json as Json).details.map((d: Json) => d.parameter).sort();
    expect(params).toEqual(["event", "organization", "scope"]);
    const wrongScope = await emu.api("GET", "/sample_webhook_data", {
      query: { event: "meeting_recap.created", organization: emu.org, scope: "organization" },
    });
    expect(wrongScope.status).toBe(400);
  });
});
