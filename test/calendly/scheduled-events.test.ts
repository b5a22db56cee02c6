/**
 * getInvitee and getScheduledEvent with undici's MockAgent: how a URI is resolved, the mapping,
 * Calendly's own published examples (openapi-2022.yaml), bad bodies, bad arguments, typed errors
 * and retries.
 */
import { readFileSync } from "node:fs";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  createCalendlyClient,
  inviteeIds,
  isArgumentError,
  isInsufficientScope,
  isNotFound,
  isPermissionDenied,
  isResponseError,
  scheduledEventUuid,
} from "../../calendly";
import { OPENAPI_FIXTURE } from "../emulator/openapi-schema";

const API = "https://api.calendly.com";
const EMULATOR = "http://127.0.0.1:4010";
const TOKEN = "test-token-SECRET-1234567890";
const json = { headers: { "content-type": "application/json" } };
const IN1 = "/scheduled_events/EV1/invitees/IN1";

// biome-ignore lint/suspicious/noExplicitAny: the spec's examples are read ad hoc from YAML.
type Json = any;
const spec: Json = parse(readFileSync(OPENAPI_FIXTURE, "utf8"));
const inviteeExamples = spec.paths["/scheduled_events/{event_uuid}/invitees/{invitee_uuid}"].get.responses[
  "200"
].content["application/json"].examples as Record<string, { value: { resource: Record<string, unknown> } }>;
const eventExample = spec.paths["/scheduled_events/{uuid}"].get.responses["200"].content["application/json"]
  .examples.Example.value as { resource: Record<string, unknown> };

let agent: MockAgent;
let sleeps: number[];

function client(baseUrl = API) {
  return createCalendlyClient({
    token: TOKEN,
    baseUrl,
    dispatcher: agent,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
});

afterEach(async () => {
  await agent.close();
});

/** Calendly's answer to the next GET of `path` on `origin`. */
function answer(
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  origin = API,
) {
  agent
    .get(origin)
    .intercept({ path, method: "GET" })
    .reply(status, body as object, { headers: { ...json.headers, ...headers } });
}

function invitee(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...inviteeExamples.Invitee!.value.resource,
    uri: `${API}/scheduled_events/EV1/invitees/IN1`,
    event: `${API}/scheduled_events/EV1`,
    ...overrides,
  };
}

describe("getInvitee", () => {
  it("resolves a payload's URI against the configured API URL, whatever host the URI names", async () => {
    let authorization = "";
    agent
      .get(EMULATOR)
      .intercept({ path: IN1, method: "GET" })
      .reply((opts) => {
        authorization = (opts.headers as Record<string, string>).authorization ?? "";
        return { statusCode: 200, data: { resource: invitee() }, responseOptions: json };
      });
    const got = await client(EMULATOR).getInvitee(`${API}/scheduled_events/EV1/invitees/IN1`);
    expect(got.uri).toBe(`${API}/scheduled_events/EV1/invitees/IN1`);
    expect(authorization).toBe(`Bearer ${TOKEN}`);
    agent.assertNoPendingInterceptors();
  });

  it("takes the event's and the invitee's UUIDs, escaping them in the path; refuses whitespace", async () => {
    answer("/scheduled_events/EV1/invitees/I%3F1", 200, { resource: invitee() });
    await expect(client().getInvitee("EV1", "I?1")).resolves.toMatchObject({ email: "email@example.com" });
    const error = await client()
      .getInvitee("E V", "IN1")
      .catch((e) => e);
    expect(isArgumentError(error)).toBe(true);
    expect(error.parameter).toBe("eventUuid");
  });

  it("maps Calendly's published example field by field and keeps every key in raw", async () => {
    const resource = invitee({ brand_new_field: { nested: true } });
    answer(IN1, 200, { resource });
    const got = await client().getInvitee("EV1", "IN1");
    expect(got).toEqual({
      uri: `${API}/scheduled_events/EV1/invitees/IN1`,
      email: "email@example.com",
      name: "John Doe",
      firstName: null,
      lastName: null,
      status: "active",
      questionsAndAnswers: [
        { question: "Question with Radio Buttons answer type", answer: "radio button answer", position: 0 },
        {
          question: "Question with Multiple Lines answer type",
          answer: "Multiple line\nAnswer",
          position: 1,
        },
        {
          question: "Question with Checkboxes answer type",
          answer: "Answer 1\nAnswer 2\nAnswer 3",
          position: 2,
        },
      ],
      timezone: "America/New_York",
      event: `${API}/scheduled_events/EV1`,
      createdAt: "2022-04-21T17:11:43.092010Z",
      updatedAt: "2020-01-01T20:30:00.000000Z",
      tracking: {
        utmCampaign: null,
        utmSource: null,
        utmMedium: null,
        utmContent: null,
        utmTerm: null,
        salesforceUuid: null,
      },
      textReminderNumber: null,
      rescheduled: false,
      oldInvitee: null,
      newInvitee: null,
      cancelUrl: "https://calendly.com/cancellations/AAAAAAAAAAAAAAAA",
      rescheduleUrl: "https://calendly.com/reschedulings/AAAAAAAAAAAAAAAA",
      routingFormSubmission: "https://api.calendly.com/routing_form_submissions/AAAAAAAAAAAAAAAA",
      cancellation: null,
      payment: {
        externalId: "ch_AAAAAAAAAAAAAAAAAAAAAAAA",
        provider: "stripe",
        amount: 1234.56,
        currency: "USD",
        terms: "sample terms of payment (up to 1,024 characters)",
        successful: true,
      },
      noShow: null,
      reconfirmation: {
        createdAt: "2020-11-23T17:51:18.341657Z",
        confirmedAt: "2020-11-23T20:01:18.341657Z",
      },
      schedulingMethod: null,
      inviteeScheduledBy: null,
      raw: resource,
    });
  });

  it("reads every example of the spec, the canceled invitee's cancellation included", async () => {
    for (const [name, example] of Object.entries(inviteeExamples)) {
      answer(IN1, 200, example.value);
      const got = await client().getInvitee("EV1", "IN1");
      expect(got.raw, name).toEqual(example.value.resource);
    }
    answer(IN1, 200, inviteeExamples["Canceled Invitee"]!.value);
    const canceled = await client().getInvitee("EV1", "IN1");
    expect(canceled.status).toBe("canceled");
    expect(canceled.cancellation).toEqual({
      canceledBy: "John Doe",
      reason: "Meeting Conflict",
      cancelerType: "invitee",
      createdAt: null,
    });
  });

  it("a body missing a field consumers need is a response error naming it", async () => {
    const { email: _email, event: _event, ...withoutEmail } = invitee();
    answer(IN1, 200, { resource: withoutEmail });
    const error = await client()
      .getInvitee("EV1", "IN1")
      .catch((e) => e);
    expect(isResponseError(error)).toBe(true);
    expect(error.message).toContain("resource.email");
    expect(error.message).toContain("resource.event");
  });

  it("a status it does not know, and null for every optional part, pass: only what code relies on is checked", async () => {
    const optional = Object.fromEntries(
      [
        "tracking",
        "cancellation",
        "payment",
        "no_show",
        "reconfirmation",
        "questions_and_answers",
        "rescheduled",
      ].map((key) => [key, null]),
    );
    answer(IN1, 200, { resource: { ...invitee(), ...optional, status: "pending" } });
    const parsed = await client().getInvitee("EV1", "IN1");
    expect(parsed).toMatchObject({
      status: "pending",
      cancellation: null,
      tracking: null,
      payment: null,
      questionsAndAnswers: [],
      rescheduled: false,
    });
  });

  it("404, 403 and 403 Insufficient scope are typed; nothing about them shows the token", async () => {
    answer("/scheduled_events/EV1/invitees/GONE", 404, {
      title: "Resource Not Found",
      message: "The server could not find the requested resource.",
    });
    answer("/scheduled_events/EV1/invitees/THEIRS", 403, {
      title: "Permission Denied",
      message: "You do not have permission to view this event",
    });
    answer("/scheduled_events/EV1/invitees/SCOPE", 403, {
      title: "Insufficient scope",
      message: "This token lacks the OAuth scopes this call needs: scheduled_events:read.",
      required_scopes: ["scheduled_events:read"],
    });
    const c = client();
    const gone = await c.getInvitee("EV1", "GONE").catch((e) => e);
    const theirs = await c.getInvitee("EV1", "THEIRS").catch((e) => e);
    const scope = await c.getInvitee("EV1", "SCOPE").catch((e) => e);
    expect(isNotFound(gone)).toBe(true);
    expect(isPermissionDenied(theirs) && !isInsufficientScope(theirs)).toBe(true);
    expect(isInsufficientScope(scope)).toBe(true);
    expect(scope.requiredScopes).toEqual(["scheduled_events:read"]);
    for (const error of [gone, theirs, scope])
      expect(JSON.stringify(error) + error.message).not.toContain(TOKEN);
  });

  it("waits out a 429 for X-RateLimit-Reset seconds, then succeeds", async () => {
    answer(
      IN1,
      429,
      { title: "Too Many Requests", message: "x" },
      {
        "x-ratelimit-reset": "7",
        "x-ratelimit-remaining": "0",
      },
    );
    answer(IN1, 200, { resource: invitee() });
    await expect(client().getInvitee("EV1", "IN1")).resolves.toMatchObject({ name: "John Doe" });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7_000);
    expect(sleeps[0]).toBeLessThan(8_000);
  });
});

describe("getScheduledEvent", () => {
  it("maps the spec's example (a physical location, guests, calendar event) and keeps raw", async () => {
    answer("/scheduled_events/GBGBDCAADAEDCRZ2", 200, eventExample, {}, EMULATOR);
    const got = await client(EMULATOR).getScheduledEvent(`${API}/scheduled_events/GBGBDCAADAEDCRZ2`);
    expect(got).toEqual({
      uri: "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2",
      name: "15 Minute Meeting",
      status: "active",
      startTime: "2019-08-24T14:15:22.000000Z",
      endTime: "2019-08-24T14:15:22.000000Z",
      eventType: "https://api.calendly.com/event_types/GBGBDCAADAEDCRZ2",
      location: { type: "physical", location: "Calendly Office", joinUrl: null, status: null },
      inviteesCounter: { total: 0, active: 0, limit: 0 },
      createdAt: "2019-01-02T03:04:05.678123Z",
      updatedAt: "2019-01-02T03:04:05.678123Z",
      eventMemberships: [
        { user: "https://api.calendly.com/users/GBGBDCAADAEDCRZ2", userEmail: null, userName: null },
      ],
      eventGuests: [
        {
          email: "user@example.com",
          createdAt: "2019-08-24T14:15:22.123456Z",
          updatedAt: "2019-08-24T14:15:22.123456Z",
        },
      ],
      cancellation: null,
      calendarEvent: { kind: "google", externalId: "8suu9k3hj00mni03ss12ba0ce0" },
      raw: eventExample.resource,
    });
  });

  it("takes the bare UUID", async () => {
    answer("/scheduled_events/GBGBDCAADAEDCRZ2", 200, eventExample);
    await expect(client().getScheduledEvent("GBGBDCAADAEDCRZ2")).resolves.toMatchObject({
      status: "active",
    });
  });
});

describe("naming an invitee or an event", () => {
  it("reads the ids from URIs, also with a path prefix, a trailing slash or a query", () => {
    expect(inviteeIds(`${API}/scheduled_events/E1/invitees/I1`)).toEqual({
      eventUuid: "E1",
      inviteeUuid: "I1",
    });
    expect(inviteeIds(`${API}/api/v2/scheduled_events/E1/invitees/I1/?x=1`)).toEqual({
      eventUuid: "E1",
      inviteeUuid: "I1",
    });
    expect(inviteeIds("E1", "I1")).toEqual({ eventUuid: "E1", inviteeUuid: "I1" });
    expect(scheduledEventUuid(`${EMULATOR}/scheduled_events/E1`)).toBe("E1");
    expect(scheduledEventUuid("E1")).toBe("E1");
  });

  it.each([
    ["", "is not an invitee URI"],
    ["I1", "is a bare id, and an invitee is named by two"],
    [`${API}/scheduled_events/E1`, "is a scheduled event's URI, not an invitee's"],
    [`${API}/scheduled_events/E1/invitees`, "is not an invitee URI"],
    [`${API}/webhook_subscriptions/S1`, "is not an invitee URI"],
    ["ftp://x/scheduled_events/E1/invitees/I1", "is not an invitee URI"],
    [`${API}/scheduled_events/E1/invitees/%E0%A4%A`, "is not an invitee URI"],
  ])("refuses %j for an invitee: %s, and says what to pass", (value, problem) => {
    const error = (() => {
      try {
        inviteeIds(value);
      } catch (e) {
        return e;
      }
    })() as Error & { parameter: string };
    expect(isArgumentError(error)).toBe(true);
    expect(error.parameter).toBe("invitee");
    expect(error.message).toContain(problem);
    expect(error.message).toContain("/scheduled_events/<event uuid>/invitees/<invitee uuid>");
  });

  it("refuses an invitee URI where an event is expected, naming the field to use", () => {
    expect(() => scheduledEventUuid(`${API}/scheduled_events/E1/invitees/I1`)).toThrow(
      "is an invitee's URI: pass its event (the invitee's `event`)",
    );
    expect(() => scheduledEventUuid("a b")).toThrow("is not a scheduled event URI");
  });

  it("sends nothing for a bad argument", async () => {
    // disableNetConnect and no interceptor: any request would fail differently.
    const error = await client()
      .getInvitee("not a uri")
      .catch((e) => e);
    expect(isArgumentError(error)).toBe(true);
    const eventError = await client()
      .getScheduledEvent("")
      .catch((e) => e);
    expect(isArgumentError(eventError)).toBe(true);
  });
});
