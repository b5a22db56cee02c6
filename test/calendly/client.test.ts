import { createServer } from "node:http";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CalendlyClientOptions,
  createCalendlyClient,
  isCalendlyApiError,
  isConflict,
  isInsufficientScope,
  isNotFound,
  isPermissionDenied,
  isRateLimited,
  isResponseError,
  isTransportError,
  isUnauthenticated,
  isUnknownOutcome,
  PROJECT_NAME,
  PROJECT_VERSION,
  USER_AGENT,
} from "../../calendly";
import packageJson from "../../package.json";
import calendlyPackageJson from "../../packages/pulumi-calendly/package.json";
import { type LoopbackServer, listenOnLoopback } from "../../tools/loopback-server";

const API = "https://api.calendly.com";
const TOKEN = "test-token-SECRET-1234567890";
const ORG = `${API}/organizations/ORG-1`;
const USER = `${API}/users/USER-1`;

function subscription(id: string, overrides: Record<string, unknown> = {}) {
  return {
    uri: `${API}/webhook_subscriptions/${id}`,
    callback_url: `https://hooks.example.com/${id}`,
    created_at: "2026-11-01T10:00:00.000000Z",
    updated_at: "2026-11-01T10:00:00.000000Z",
    retry_started_at: null,
    state: "active",
    events: ["invitee.created"],
    scope: "user",
    organization: ORG,
    user: USER,
    group: null,
    creator: USER,
    ...overrides,
  };
}

let agent: MockAgent;
let sleeps: number[];

function client(extra: Partial<CalendlyClientOptions> = {}) {
  return createCalendlyClient({
    token: TOKEN,
    dispatcher: agent,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
}

function pool() {
  return agent.get(API);
}

const json = { headers: { "content-type": "application/json" } };

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
});

afterEach(async () => {
  await agent.close();
});

/** Asserts that nothing about an error can reveal the token. */
function expectNoToken(error: unknown) {
  const e = error as Error;
  for (const text of [
    String(e),
    e.message,
    e.stack ?? "",
    JSON.stringify(e),
    JSON.stringify(e.cause ?? null),
  ]) {
    expect(text).not.toContain(TOKEN);
  }
}

describe("calls and mapping", () => {
  it("GET /users/me sends the token and the project's User-Agent, maps the user, keeps going with extra keys", async () => {
    let seen: Record<string, string> = {};
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply((opts) => {
        seen = opts.headers as Record<string, string>;
        return {
          statusCode: 200,
          data: {
            resource: {
              uri: USER,
              name: "Ada",
              email: "ada@example.com",
              slug: "ada",
              scheduling_url: "https://calendly.com/ada",
              timezone: "Europe/London",
              avatar_url: null,
              created_at: "2026-01-01T00:00:00.000000Z",
              updated_at: "2026-01-01T00:00:00.000000Z",
              current_organization: ORG,
              resource_type: "User",
              locale: "en",
              time_notation: "24h",
              some_future_field: { nested: true },
            },
          },
          responseOptions: json,
        };
      });
    const me = await client().getCurrentUser();
    expect(me).toEqual({
      uri: USER,
      name: "Ada",
      email: "ada@example.com",
      currentOrganization: ORG,
      slug: "ada",
      schedulingUrl: "https://calendly.com/ada",
      timezone: "Europe/London",
      avatarUrl: null,
      createdAt: "2026-01-01T00:00:00.000000Z",
      updatedAt: "2026-01-01T00:00:00.000000Z",
    });
    expect(seen.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen["user-agent"]).toBe(USER_AGENT);
  });

  it("POST /webhook_subscriptions sends url (not callback_url) and signing_key, and maps callback_url back", async () => {
    let body: unknown;
    pool()
      .intercept({ path: "/webhook_subscriptions", method: "POST" })
      .reply((opts) => {
        body = JSON.parse(String(opts.body));
        return { statusCode: 201, data: { resource: subscription("S1") }, responseOptions: json };
      });
    const created = await client().createWebhookSubscription({
      url: "https://hooks.example.com/S1",
      events: ["invitee.created"],
      scope: "user",
      organization: ORG,
      user: USER,
      signingKey: "key-123",
    });
    expect(body).toEqual({
      url: "https://hooks.example.com/S1",
      events: ["invitee.created"],
      organization: ORG,
      scope: "user",
      user: USER,
      signing_key: "key-123",
    });
    expect(created.callbackUrl).toBe("https://hooks.example.com/S1");
    expect(created).not.toHaveProperty("callback_url");
    expect(created.retryStartedAt).toBeNull();
    expect(created.uri).toBe(`${API}/webhook_subscriptions/S1`);
  });

  it("GET and DELETE by full URI use the last segment as the id; DELETE accepts an empty 204", async () => {
    pool()
      .intercept({ path: "/webhook_subscriptions/S2", method: "GET" })
      .reply(
        200,
        { resource: subscription("S2", { state: "disabled", retry_started_at: "2026-11-02T00:00:00Z" }) },
        json,
      );
    pool().intercept({ path: "/webhook_subscriptions/S2", method: "DELETE" }).reply(204, "");
    const c = client();
    const got = await c.getWebhookSubscription(`${API}/webhook_subscriptions/S2`);
    expect(got.state).toBe("disabled");
    expect(got.retryStartedAt).toBe("2026-11-02T00:00:00Z");
    await expect(c.deleteWebhookSubscription(`${API}/webhook_subscriptions/S2`)).resolves.toBeUndefined();
    agent.assertNoPendingInterceptors();
  });

  it("lists every page by following next_page_token, asking for 100 per page", async () => {
    const paths: string[] = [];
    const page = (ids: string[], next: string | null) => ({
      collection: ids.map((id) => subscription(id)),
      pagination: {
        count: ids.length,
        next_page: next ? `${API}/webhook_subscriptions?page_token=${next}` : null,
        previous_page: null,
        next_page_token: next,
        previous_page_token: null,
      },
    });
    const replies = [page(["A", "B"], "t2"), page(["C"], "t3"), page(["D"], null)];
    pool()
      .intercept({ path: (p) => p.startsWith("/webhook_subscriptions?"), method: "GET" })
      .reply((opts) => {
        paths.push(opts.path);
        return { statusCode: 200, data: replies.shift()!, responseOptions: json };
      })
      .times(3);
    const ids: string[] = [];
    for await (const s of client().listWebhookSubscriptions({
      organization: ORG,
      scope: "user",
      user: USER,
    })) {
      ids.push(s.uri.split("/").pop()!);
    }
    expect(ids).toEqual(["A", "B", "C", "D"]);
    const queries = paths.map((p) => new URL(p, API).searchParams);
    expect(queries.map((q) => q.get("page_token"))).toEqual([null, "t2", "t3"]);
    for (const q of queries) {
      expect(q.get("organization")).toBe(ORG);
      expect(q.get("scope")).toBe("user");
      expect(q.get("user")).toBe(USER);
      expect(q.get("count")).toBe("100");
    }
  });

  it("GET /sample_webhook_data returns the bare envelope", async () => {
    pool()
      .intercept({ path: (p) => p.startsWith("/sample_webhook_data?"), method: "GET" })
      .reply(
        200,
        {
          event: "invitee.created",
          created_at: "2026-11-01T00:00:00Z",
          created_by: USER,
          payload: { email: "x@y.z" },
        },
        json,
      );
    const envelope = await client().getSampleWebhookData({
      event: "invitee.created",
      organization: ORG,
      scope: "user",
      user: USER,
    });
    expect(envelope.event).toBe("invitee.created");
    expect(envelope.payload).toEqual({ email: "x@y.z" });
  });

  it("a 2xx body that breaks the documented shape is a response error naming the field", async () => {
    pool()
      .intercept({ path: "/webhook_subscriptions/S3", method: "GET" })
      .reply(200, { resource: subscription("S3", { state: "paused" }) }, json);
    const error = await client()
      .getWebhookSubscription("S3")
      .catch((e) => e);
    expect(isResponseError(error)).toBe(true);
    expect(error.message).toContain("resource.state");
  });

  it("keeps the User-Agent's name and version in step with the package's package.json, and the repository's", () => {
    expect(`${PROJECT_NAME}@${PROJECT_VERSION}`).toBe(
      `${calendlyPackageJson.name}@${calendlyPackageJson.version}`,
    );
    // One release train: the CLI prints this version too.
    expect(PROJECT_VERSION).toBe(packageJson.version);
  });
});

describe("errors", () => {
  it.each([
    [
      400,
      {
        title: "Invalid Argument",
        message: "The supplied parameters are invalid.",
        details: [{ parameter: "url", message: "is invalid" }],
      },
    ],
    [401, { title: "Unauthenticated", message: "The access token is invalid" }],
    [403, { title: "Permission Denied", message: "You do not have permission" }],
    [404, { title: "Resource Not Found", message: "The server could not find the requested resource." }],
    [409, { title: "Already Exists", message: "Hook with this url already exists" }],
  ])(
    "%i becomes a CalendlyApiError with status, title, message and details, without retry",
    async (status, body) => {
      pool().intercept({ path: "/webhook_subscriptions", method: "POST" }).reply(status, body, json);
      const error = await client()
        .createWebhookSubscription({
          url: "https://x.example",
          events: ["invitee.created"],
          scope: "user",
          organization: ORG,
          user: USER,
        })
        .catch((e) => e);
      expect(isCalendlyApiError(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
      expect(error.status).toBe(status);
      expect(error.title).toBe(body.title);
      expect(error.apiMessage).toBe(body.message);
      expect(error.details).toEqual("details" in body ? body.details : []);
      expect(error.message).toContain(`POST /webhook_subscriptions failed with ${status} ${body.title}`);
      expect(isUnauthenticated(error)).toBe(status === 401);
      expect(isPermissionDenied(error)).toBe(status === 403);
      expect(isNotFound(error)).toBe(status === 404);
      expect(isConflict(error)).toBe(status === 409);
      expect(sleeps).toEqual([]);
      expectNoToken(error);
    },
  );

  it("403 Insufficient scope carries required_scopes", async () => {
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply(
        403,
        { title: "Insufficient scope", message: "missing", required_scopes: ["webhooks:write"] },
        json,
      );
    const error = await client()
      .getCurrentUser()
      .catch((e) => e);
    expect(isInsufficientScope(error)).toBe(true);
    expect(error.requiredScopes).toEqual(["webhooks:write"]);
  });
});

describe("resilience", () => {
  it("on 429 waits X-RateLimit-Reset seconds (not an epoch), then succeeds", async () => {
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply(
        429,
        { title: "Too Many Requests", message: "" },
        {
          headers: { "x-ratelimit-limit": "500", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "7" },
        },
      );
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply(200, { resource: { uri: USER, name: "A", email: "a@b.c", current_organization: ORG } }, json);
    await client().getCurrentUser();
    expect(sleeps).toHaveLength(1);
    // 7 s plus a small jitter (random() = 0.5 → 175 ms).
    expect(sleeps[0]).toBe(7_000 + 175);
  });

  it("prefers Retry-After when Calendly sends it", async () => {
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply(429, {}, { headers: { "retry-after": "2", "x-ratelimit-reset": "40" } });
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply(200, { resource: { uri: USER, name: "A", email: "a@b.c", current_organization: ORG } }, json);
    await client().getCurrentUser();
    expect(sleeps).toEqual([2_000 + 175]);
  });

  it("gives up on a 429 whose wait would cross the deadline, reporting how long to wait", async () => {
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply(429, {}, { headers: { "x-ratelimit-reset": "60" } });
    const error = await client({ retry: { deadlineMs: 10_000 } })
      .getCurrentUser()
      .catch((e) => e);
    expect(isRateLimited(error)).toBe(true);
    expect(error.retryAfterSeconds).toBe(60);
    expect(sleeps).toEqual([]);
  });

  it("retries 5xx with exponential back-off and full jitter, bounded by maxAttempts", async () => {
    pool()
      .intercept({ path: "/users/me", method: "GET" })
      .reply(503, { title: "Internal Server Error" }, json)
      .times(4);
    const error = await client({ retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 } })
      .getCurrentUser()
      .catch((e) => e);
    expect(isCalendlyApiError(error) && error.status).toBe(503);
    // ceilings 100, 200, 250 (capped); random() = 0.5
    expect(sleeps).toEqual([50, 100, 125]);
    agent.assertNoPendingInterceptors();
  });

  it("retries connection errors of a GET, then reports a transport error with the attempt count", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNRESET" });
    pool().intercept({ path: "/users/me", method: "GET" }).replyWithError(refused).times(3);
    const error = await client({ retry: { maxAttempts: 3 } })
      .getCurrentUser()
      .catch((e) => e);
    expect(isTransportError(error)).toBe(true);
    expect(error.attempts).toBe(3);
    expect(sleeps).toHaveLength(2);
    expectNoToken(error);
  });

  it("does not retry a POST whose connection died after sending: the outcome is unknown", async () => {
    const dropped = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    pool().intercept({ path: "/webhook_subscriptions", method: "POST" }).replyWithError(dropped);
    const error = await client()
      .createWebhookSubscription({
        url: "https://x.example",
        events: ["invitee.created"],
        scope: "user",
        organization: ORG,
        user: USER,
      })
      .catch((e) => e);
    expect(isUnknownOutcome(error)).toBe(true);
    expect(sleeps).toEqual([]);
    expectNoToken(error);
  });

  it("retries a POST that never left (connection refused)", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    pool().intercept({ path: "/webhook_subscriptions", method: "POST" }).replyWithError(refused);
    pool()
      .intercept({ path: "/webhook_subscriptions", method: "POST" })
      .reply(201, { resource: subscription("S4") }, json);
    const created = await client().createWebhookSubscription({
      url: "https://x.example",
      events: ["invitee.created"],
      scope: "user",
      organization: ORG,
      user: USER,
    });
    expect(created.uri).toContain("S4");
    expect(sleeps).toHaveLength(1);
  });

  it("flags a 409 that follows a 5xx on the same create as possibly our own", async () => {
    pool()
      .intercept({ path: "/webhook_subscriptions", method: "POST" })
      .reply(500, { title: "Internal Server Error" }, json);
    pool()
      .intercept({ path: "/webhook_subscriptions", method: "POST" })
      .reply(409, { title: "Already Exists", message: "Hook with this url already exists" }, json);
    const error = await client()
      .createWebhookSubscription({
        url: "https://x.example",
        events: ["invitee.created"],
        scope: "user",
        organization: ORG,
        user: USER,
      })
      .catch((e) => e);
    expect(isConflict(error)).toBe(true);
    expect(error.afterUncertainAttempt).toBe(true);
  });

  it("a first-attempt 409 is not flagged", async () => {
    pool()
      .intercept({ path: "/webhook_subscriptions", method: "POST" })
      .reply(409, { title: "Already Exists", message: "Hook with this url already exists" }, json);
    const error = await client()
      .createWebhookSubscription({
        url: "https://x.example",
        events: ["invitee.created"],
        scope: "user",
        organization: ORG,
        user: USER,
      })
      .catch((e) => e);
    expect(error.afterUncertainAttempt).toBe(false);
  });

  it("a create that only ever met 5xx ends as unknown outcome, not as a plain error", async () => {
    pool()
      .intercept({ path: "/webhook_subscriptions", method: "POST" })
      .reply(502, "<html>bad gateway</html>")
      .times(2);
    const error = await client({ retry: { maxAttempts: 2 } })
      .createWebhookSubscription({
        url: "https://x.example",
        events: ["invitee.created"],
        scope: "user",
        organization: ORG,
        user: USER,
      })
      .catch((e) => e);
    expect(isUnknownOutcome(error)).toBe(true);
  });
});

describe("over real sockets", () => {
  let server: LoopbackServer;
  let baseUrl: string;
  let behaviour: "drop-after-body" | "hang";

  beforeEach(async () => {
    const http = createServer((req) => {
      req.resume();
      req.on("end", () => {
        if (behaviour === "drop-after-body") req.socket.destroy();
        // "hang": never answer; the client's headers timeout must fire.
      });
    });
    server = await listenOnLoopback(http);
    baseUrl = server.url;
  });

  afterEach(() => server.close());

  it("a POST whose socket is destroyed after the body arrived is an unknown outcome", async () => {
    behaviour = "drop-after-body";
    const c = createCalendlyClient({ token: TOKEN, baseUrl });
    const error = await c
      .createWebhookSubscription({
        url: "https://x.example",
        events: ["invitee.created"],
        scope: "user",
        organization: ORG,
        user: USER,
      })
      .catch((e) => e);
    await c.close();
    expect(isUnknownOutcome(error)).toBe(true);
    expectNoToken(error);
  });

  it("honours the headers timeout and bounds retries of a GET", async () => {
    behaviour = "hang";
    const c = createCalendlyClient({
      token: TOKEN,
      baseUrl,
      timeouts: { headersMs: 150 },
      retry: { maxAttempts: 2, baseDelayMs: 10 },
    });
    const error = await c.getCurrentUser().catch((e) => e);
    await c.close();
    expect(isTransportError(error)).toBe(true);
    expect(error.attempts).toBe(2);
    expect(error.message).toContain("UND_ERR_HEADERS_TIMEOUT");
  });
});
