/**
 * `invitee <invitee-uri>` against the emulator: the readable summary, `--json` as Calendly returned
 * it, the one-line failures (exit 1) and the usage errors (exit 2), through the real binary.
 */
import { MockAgent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatInvitee } from "../../cli/commands/invitee";
import { type Json, seedWithScopedTokens, startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { runCli, runInProcess } from "./helpers";

let emu: TestEmulator;
let env: Record<string, string>;
/** The payload of an invitee.created event and of an invitee.canceled one. */
let created: Json;
let canceled: Json;

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: seedWithScopedTokens({ "webhooks-only-token": ["webhooks:write"] }),
  });
  env = { CALENDLY_API_URL: emu.url, CALENDLY_TOKEN: emu.tokens.owner };
  created = emu.control.fireEvent({ event: "invitee.created", user: emu.users.owner }).envelope.payload;
  canceled = emu.control.fireEvent({ event: "invitee.canceled", user: emu.users.owner }).envelope.payload;
});

afterAll(async () => {
  await emu?.close();
});

describe("invitee", () => {
  it("prints who booked, the meeting and the answers, readable by a person", async () => {
    const run = await runCli(["invitee", created.uri], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const event = created.scheduled_event;
    const start = event.start_time.slice(0, 16).replace("T", " ");
    expect(run.stdout).toMatch(new RegExp(`^invitee:\\s+${created.uri}$`, "m"));
    expect(run.stdout).toMatch(/^name:\s+Grace Hopper <grace@example\.com>$/m);
    expect(run.stdout).toMatch(/^status:\s+active$/m);
    expect(run.stdout).toMatch(/^time zone:\s+Europe\/London$/m);
    expect(run.stdout).toMatch(
      new RegExp(`^meeting:\\s+30 Minute Meeting, ${start}–\\d\\d:\\d\\d UTC \\(active\\)$`, "m"),
    );
    expect(run.stdout).toMatch(
      new RegExp(`^location:\\s+google_conference ${event.location.join_url}$`, "m"),
    );
    expect(run.stdout).toMatch(/^hosts:\s+Olivia Owner$/m);
    expect(run.stdout).toMatch(/^tracking:\s+utm_source=newsletter utm_medium=email$/m);
    expect(run.stdout).toMatch(new RegExp(`^cancel:\\s+${created.cancel_url}$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^event:\\s+${event.uri}$`, "m"));
    expect(run.stdout).toContain("Answers:\n  What would you like to discuss?\n    Webhooks as code\n");
    expect(run.stdout).not.toMatch(/^canceled:/m);
  });

  it("says who canceled and why", async () => {
    const run = await runCli(["invitee", canceled.uri], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^status:\s+canceled$/m);
    expect(run.stdout).toMatch(/^canceled:\s+by Grace Hopper \(invitee\): Something came up$/m);
    expect(run.stdout).toMatch(/^meeting:.*\(canceled\)$/m);
  });

  it("--json prints the invitee exactly as Calendly returned it, and nothing else", async () => {
    const run = await runCli(["invitee", created.uri, "--json"], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const { scheduled_event: _event, ...invitee } = created;
    expect(JSON.parse(run.stdout)).toEqual(invitee);
  });

  it("resolves a URI naming another host against the API URL", async () => {
    const foreign = created.uri.replace(emu.url, "https://api.calendly.com");
    const run = await runInProcess(["invitee", foreign, "--json"], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).uri).toBe(created.uri);
  });

  it("an unknown URI: one line that says what to check, exit 1", async () => {
    const unknown = created.uri.replace(/[0-9a-f]{12}$/, "000000000000");
    const run = await runCli(["invitee", unknown], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(`calendly-webhooks invitee: no such invitee at ${emu.url} (404`);
    expect(run.stderr).toContain("check the URI and --api-url / CALENDLY_API_URL");
  });

  it("a member who does not host the meeting, a token without the scope, no token: exit 1", async () => {
    const member = await runCli(["invitee", created.uri], { ...env, CALENDLY_TOKEN: emu.tokens.member });
    expect(member.code).toBe(1);
    expect(member.stderr).toContain("permission denied (403 You do not have permission to view this event)");
    expect(member.stderr).toContain("an organization owner's or admin's");
    const scope = await runCli(["invitee", created.uri], { ...env, CALENDLY_TOKEN: "webhooks-only-token" });
    expect(scope.code).toBe(1);
    expect(scope.stderr).toContain("the token lacks OAuth scopes (403 Insufficient scope)");
    expect(scope.stderr).toContain("scheduled_events:read");
    const none = await runCli(["invitee", created.uri], { CALENDLY_API_URL: emu.url });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no Calendly token");
    for (const run of [member, scope, none]) expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it.each([
    [[], "an invitee URI is required"],
    [["a", "b"], "one invitee URI at a time, got 2 arguments"],
    [["E1"], '"E1" is a bare id, and an invitee is named by two'],
    [["https://api.calendly.com/scheduled_events/E1"], "is a scheduled event's URI, not an invitee's"],
    [["https://api.calendly.com/users/U1"], "is not an invitee URI: pass the invitee URI a delivery carries"],
    [["--jsn"], 'unknown option --jsn (did you mean "--json"?)'],
  ])("usage error %j: %s, exit 2 with the usage line", async (args, message) => {
    const run = await runInProcess(["invitee", ...args], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("usage: calendly-webhooks invitee <invitee-uri>");
  });
});

describe("formatInvitee", () => {
  const event = {
    uri: "https://api.calendly.com/scheduled_events/E1",
    name: null,
    status: "active" as const,
    startTime: "2026-12-31T23:30:00.000000Z",
    endTime: "2027-01-01T00:30:00.000000Z",
    eventType: "https://api.calendly.com/event_types/T1",
    location: { type: "physical", location: "Calendly Office", joinUrl: null, status: null },
    inviteesCounter: null,
    createdAt: "2026-12-01T00:00:00.000000Z",
    updatedAt: "2026-12-01T00:00:00.000000Z",
    eventMemberships: [
      { user: "https://api.calendly.com/users/U1", userEmail: "h@example.com", userName: null },
    ],
    eventGuests: [],
    cancellation: null,
    calendarEvent: null,
    raw: {},
  };
  const invitee = {
    uri: "https://api.calendly.com/scheduled_events/E1/invitees/I1",
    email: "a@example.com",
    name: "A B",
    firstName: null,
    lastName: null,
    status: "active" as const,
    questionsAndAnswers: [
      { question: "Second", answer: "two\nlines", position: 1 },
      { question: "First", answer: "one", position: 0 },
    ],
    timezone: null,
    event: event.uri,
    createdAt: "2026-12-01T10:00:00.000000Z",
    updatedAt: "2026-12-01T10:00:00.000000Z",
    tracking: null,
    textReminderNumber: null,
    rescheduled: true,
    oldInvitee: null,
    newInvitee: "https://api.calendly.com/scheduled_events/E2/invitees/I2",
    cancelUrl: null,
    rescheduleUrl: null,
    routingFormSubmission: "https://api.calendly.com/routing_form_submissions/R1",
    cancellation: null,
    payment: {
      externalId: "ch_1",
      provider: "stripe",
      amount: 12.5,
      currency: "EUR",
      terms: null,
      successful: false,
    },
    noShow: { uri: "https://api.calendly.com/invitee_no_shows/N1", createdAt: "2027-01-01T01:00:00.000000Z" },
    reconfirmation: { createdAt: "2026-12-30T09:00:00.000000Z", confirmedAt: null },
    schedulingMethod: null,
    inviteeScheduledBy: null,
    raw: {},
  };

  it("shows rescheduling, no-shows, reconfirmation, payment and a meeting across midnight", () => {
    const text = formatInvitee(invitee, event);
    expect(text).toMatch(
      /^rescheduled:\s+to https:\/\/api\.calendly\.com\/scheduled_events\/E2\/invitees\/I2$/m,
    );
    expect(text).toMatch(/^no-show:\s+marked 2027-01-01 01:00 UTC$/m);
    expect(text).toMatch(/^reconfirmation:\s+asked 2026-12-30 09:00 UTC, not confirmed$/m);
    expect(text).toMatch(/^payment:\s+12\.5 EUR via stripe \(not successful\)$/m);
    expect(text).toMatch(/^meeting:\s+\(unnamed\), 2026-12-31 23:30 UTC – 2027-01-01 00:30 UTC \(active\)$/m);
    expect(text).toMatch(/^location:\s+physical Calendly Office$/m);
    expect(text).toMatch(/^hosts:\s+h@example\.com$/m);
    expect(text).toMatch(/^routing form:\s+https:\/\/api\.calendly\.com\/routing_form_submissions\/R1$/m);
    expect(text).toContain("Answers:\n  First\n    one\n  Second\n    two\n    lines");
    expect(text).not.toMatch(/^(cancel|reschedule|tracking|time zone):/m);
  });

  it("says when there are no answers", () => {
    expect(formatInvitee({ ...invitee, questionsAndAnswers: [] }, event)).toContain(
      "No answers to custom questions.",
    );
  });
});

/**
 * Answers Calendly may give that the emulator does not: optional fields as `null` rather than
 * absent, values this tool does not know, a meeting that cannot be fetched. Through an undici
 * MockAgent as the client's dispatcher (the CLI's test seam), so each answer is exactly as written.
 */
describe("invitee, lenient where Calendly is", () => {
  const API = "https://calendly.test";
  const EVENT = `${API}/scheduled_events/E1`;
  const URI = `${EVENT}/invitees/I1`;
  /** Every optional field null, a status and keys this tool has never seen. */
  const resource = {
    uri: URI,
    email: "grace@example.com",
    name: "Grace Hopper",
    first_name: null,
    last_name: null,
    status: "awaiting_confirmation",
    questions_and_answers: null,
    timezone: null,
    event: EVENT,
    created_at: "2026-12-01T10:00:00.000000Z",
    updated_at: "2026-12-01T10:00:00.000000Z",
    tracking: null,
    text_reminder_number: null,
    rescheduled: null,
    old_invitee: null,
    new_invitee: null,
    cancel_url: null,
    reschedule_url: null,
    routing_form_submission: null,
    cancellation: null,
    payment: null,
    no_show: null,
    reconfirmation: null,
    scheduling_method: null,
    invitee_scheduled_by: null,
    brand_new_field: { nested: [1, 2] },
  };
  const meeting = {
    uri: EVENT,
    name: null,
    status: "active",
    start_time: "2026-12-02T17:00:00.000000Z",
    end_time: "2026-12-02T17:30:00.000000Z",
    event_type: null,
    location: null,
    created_at: null,
    updated_at: null,
    event_memberships: null,
    cancellation: null,
    calendar_event: null,
  };

  async function run(args: string[], answers: { invitee: object; event?: { status: number; body: object } }) {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(API);
    const json = { headers: { "content-type": "application/json" } };
    pool
      .intercept({ path: "/scheduled_events/E1/invitees/I1", method: "GET" })
      .reply(200, answers.invitee, json);
    const event = answers.event ?? { status: 200, body: { resource: meeting } };
    pool
      .intercept({ path: "/scheduled_events/E1", method: "GET" })
      .reply(event.status, event.body, json)
      .persist();
    try {
      return await runInProcess(
        ["invitee", URI, ...args],
        { CALENDLY_API_URL: API, CALENDLY_TOKEN: "a-token" },
        { clientOptions: { dispatcher: agent, retry: { maxAttempts: 1 } } },
      );
    } finally {
      await agent.close();
    }
  }

  it("accepts null for every optional field and a status it does not know", async () => {
    const result = await run([], { invitee: { resource } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^name:\s+Grace Hopper <grace@example\.com>$/m);
    expect(result.stdout).toMatch(/^status:\s+awaiting_confirmation$/m);
    expect(result.stdout).toMatch(/^meeting:\s+\(unnamed\), 2026-12-02 17:00–17:30 UTC \(active\)$/m);
    expect(result.stdout).toContain("No answers to custom questions.");
    expect(result.stdout).not.toMatch(/^canceled:/m);
  });

  it("--json prints any JSON answer with a resource, even one the summary could not use", async () => {
    const odd = { ...resource, email: null, event: 42, questions_and_answers: "none" };
    const result = await run(["--json"], { invitee: { resource: odd } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(odd);
  });

  it("--json still refuses an answer without a resource, naming what is wrong", async () => {
    const result = await run(["--json"], { invitee: { collection: [] } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/resource/);
  });

  it.each([
    [403, { title: "Permission Denied", message: "You do not have permission" }, /permission denied \(403/],
    [
      404,
      { title: "Resource Not Found", message: "The server could not find the requested resource." },
      /no such scheduled event/,
    ],
    [200, { resource: { uri: EVENT } }, /start_time/],
  ])(
    "shows the invitee when its meeting cannot be fetched (%i), saying why, exit 1",
    async (status, body, why) => {
      const result = await run([], { invitee: { resource }, event: { status, body } });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^name:\s+Grace Hopper <grace@example\.com>$/m);
      expect(result.stdout).toMatch(new RegExp(`^meeting:\\s+not shown: .*${why.source}`, "m"));
      expect(result.stdout).toMatch(new RegExp(`^event:\\s+${EVENT}$`, "m"));
      expect(result.stderr).toMatch(/invitee: the meeting could not be fetched/);
    },
  );
});
