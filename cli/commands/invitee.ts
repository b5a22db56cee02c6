/**
 * `invitee`: the last step of Calendly's manual procedure, from a terminal. Takes the invitee URI a
 * delivery carries (`payload.uri`) and shows who booked, what they answered and where the booking
 * stands now (GET the invitee, then its scheduled event); `--json` prints the invitee exactly as
 * Calendly returned it, whatever else it holds, as long as it is a JSON answer with a `resource`.
 * An invitee whose meeting cannot be fetched is still shown, with the reason in place of the
 * meeting (exit code 1).
 */

import type { Invitee, ScheduledEvent } from "../../calendly";
import {
  INVITEE_URI_EXAMPLE,
  inviteeUriProblem,
  isInsufficientScope,
  isNotFound,
  isPermissionDenied,
} from "../../calendly";
import { API_OPTIONS, API_OPTIONS_HELP, CliError, parseOptionsAndArguments, UsageError } from "../args";
import type { Command } from "../command";
import { formatColumns } from "../output";
import { openSession } from "../session";

const spec = {
  name: "invitee",
  summary: "show an invitee's details from the URI a delivery carries",
  usage: "calendly-webhooks invitee <invitee-uri> [--json] [--stack <name>] [--api-url <url>]",
};

/** `2026-12-02T17:00:00.000000Z` → `2026-12-02 17:00 UTC`; anything else as it came. */
function utc(iso: string | null): string {
  if (iso === null) return "(time not given)";
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

function meetingTime(event: ScheduledEvent): string {
  const start = utc(event.startTime);
  const end = utc(event.endTime);
  // Same day: the end as a time only.
  return start.slice(0, 10) === end.slice(0, 10)
    ? `${start.slice(0, 16)}–${end.slice(11)}`
    : `${start} – ${end}`;
}

function tracking(invitee: Invitee): string | undefined {
  const t = invitee.tracking;
  if (!t) return undefined;
  const pairs = Object.entries({
    utm_campaign: t.utmCampaign,
    utm_source: t.utmSource,
    utm_medium: t.utmMedium,
    utm_content: t.utmContent,
    utm_term: t.utmTerm,
    salesforce_uuid: t.salesforceUuid,
  }).filter(([, value]) => value !== null && value !== "");
  return pairs.length === 0 ? undefined : pairs.map(([key, value]) => `${key}=${value}`).join(" ");
}

/** The meeting, or why it could not be fetched. */
export type MeetingOrWhy = ScheduledEvent | { unavailable: string };

/** The readable summary: who, the meeting, the state of the booking, then answers and links. */
export function formatInvitee(invitee: Invitee, meeting: MeetingOrWhy): string {
  const rows: string[][] = [
    ["invitee:", invitee.uri],
    ["name:", `${invitee.name} <${invitee.email}>`],
    ["status:", invitee.status],
  ];
  if (invitee.cancellation) {
    const c = invitee.cancellation;
    const by = [c.canceledBy, c.cancelerType && `(${c.cancelerType})`].filter(Boolean).join(" ");
    rows.push(["canceled:", `${by ? `by ${by}` : "yes"}${c.reason ? `: ${c.reason}` : ""}`]);
  }
  if (invitee.rescheduled) rows.push(["rescheduled:", `to ${invitee.newInvitee ?? "(not given)"}`]);
  if (invitee.oldInvitee) rows.push(["rescheduled from:", invitee.oldInvitee]);
  if (invitee.noShow) rows.push(["no-show:", `marked ${utc(invitee.noShow.createdAt)}`]);
  if (invitee.reconfirmation) {
    const r = invitee.reconfirmation;
    rows.push([
      "reconfirmation:",
      r.confirmedAt ? `confirmed ${utc(r.confirmedAt)}` : `asked ${utc(r.createdAt)}, not confirmed`,
    ]);
  }
  rows.push(["booked:", utc(invitee.createdAt)]);
  if (invitee.timezone) rows.push(["time zone:", invitee.timezone]);
  const event = "unavailable" in meeting ? undefined : meeting;
  if (event === undefined) {
    rows.push(["meeting:", `not shown: ${"unavailable" in meeting ? meeting.unavailable : ""}`]);
  } else {
    rows.push(["meeting:", `${event.name ?? "(unnamed)"}, ${meetingTime(event)} (${event.status})`]);
  }
  if (event?.location) {
    const where = [event.location.location, event.location.joinUrl].filter((p) => p !== null).join(" ");
    rows.push(["location:", `${event.location.type}${where ? ` ${where}` : ""}`]);
  }
  const hosts = (event?.eventMemberships ?? []).map((m) => m.userName ?? m.userEmail ?? m.user);
  if (hosts.length > 0) rows.push(["hosts:", hosts.join(", ")]);
  if (invitee.payment) {
    const p = invitee.payment;
    rows.push([
      "payment:",
      `${p.amount} ${p.currency} via ${p.provider}${p.successful === false ? " (not successful)" : ""}`,
    ]);
  }
  const utm = tracking(invitee);
  if (utm) rows.push(["tracking:", utm]);
  if (invitee.routingFormSubmission) rows.push(["routing form:", invitee.routingFormSubmission]);
  if (invitee.cancelUrl) rows.push(["cancel:", invitee.cancelUrl]);
  if (invitee.rescheduleUrl) rows.push(["reschedule:", invitee.rescheduleUrl]);
  rows.push(["event:", event?.uri ?? invitee.event]);

  const lines = [formatColumns(rows)];
  const answers = [...invitee.questionsAndAnswers].sort((a, b) => a.position - b.position);
  lines.push("", answers.length === 0 ? "No answers to custom questions." : "Answers:");
  for (const qa of answers) {
    lines.push(`  ${qa.question}`);
    for (const line of qa.answer.split(/\r?\n/)) lines.push(`    ${line}`);
  }
  return lines.join("\n");
}

export const inviteeCommand: Command = {
  ...spec,
  help: `${spec.usage}

Shows an invitee (GET /scheduled_events/{event_uuid}/invitees/{invitee_uuid}) and the meeting they
booked (GET /scheduled_events/{uuid}) as they are now: name and email, status (canceled,
rescheduled, no-show), the meeting's time and location, answers to the booking page's questions,
tracking, cancel and reschedule links. Pass the invitee URI a delivery carries: the payload's
"uri" (on the bus: detail.payload.uri). It is resolved against the API URL, so a URI from the
emulator's or Calendly's payloads works with either.

The token needs the scheduled_events:read scope (scheduled_events:write includes it). A member's
token sees only the meetings it hosts; an owner's or admin's, every one of the organization.

Arguments:
  <invitee-uri>         https://api.calendly.com/scheduled_events/<uuid>/invitees/<uuid>

If the meeting cannot be fetched (a 403 for a member's token, a 404, a network failure), the
invitee is still shown, with the reason in place of the meeting, and the exit code is 1.

Options:
  --json                print the invitee resource exactly as Calendly returned it (the "resource"
                        of the answer, keys this tool does not know included, whatever their
                        values) and nothing else

${API_OPTIONS_HELP}`,

  async run(argv, context) {
    const { values, positionals } = parseOptionsAndArguments(argv, {
      ...API_OPTIONS,
      json: { type: "boolean" },
    });
    if (positionals.length === 0) throw new UsageError("an invitee URI is required");
    if (positionals.length > 1) {
      throw new UsageError(`one invitee URI at a time, got ${positionals.length} arguments`);
    }
    const uri = positionals[0]!;
    const problem = inviteeUriProblem(uri);
    if (problem !== undefined) {
      throw new UsageError(
        `${JSON.stringify(uri)} ${problem}: pass the invitee URI a delivery carries (its payload's uri), like ${INVITEE_URI_EXAMPLE}`,
      );
    }

    const session = (await openSession(values, context))!;
    const explained =
      (what: "invitee" | "scheduled event", target: string) =>
      (error: unknown): never => {
        throw explainInviteeError(error, what, target, session.apiUrl);
      };
    try {
      if (values.json) {
        const resource = await session.call("fetch the invitee", (client) =>
          client.getInviteeResource(uri).catch(explained("invitee", uri)),
        );
        context.io.stdout.write(`${JSON.stringify(resource, null, 2)}\n`);
        return 0;
      }
      const invitee = await session.call("fetch the invitee", (client) =>
        client.getInvitee(uri).catch(explained("invitee", uri)),
      );
      let meeting: MeetingOrWhy;
      try {
        meeting = await session.call("fetch the invitee's scheduled event", (client) =>
          client.getScheduledEvent(invitee.event).catch(explained("scheduled event", invitee.event)),
        );
      } catch (error) {
        // The invitee is worth showing without its meeting; say why the meeting is missing.
        const why = error instanceof Error ? error.message.replace(/\s*\n\s*/g, " ") : String(error);
        meeting = { unavailable: why };
        context.reporter.note(`calendly-webhooks invitee: the meeting could not be fetched: ${why}`);
      }
      context.io.stdout.write(`${formatInvitee(invitee, meeting)}\n`);
      return "unavailable" in meeting ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};

/** 404 and a host-only 403 say what they mean here; anything else goes to the common explanations. */
function explainInviteeError(
  error: unknown,
  what: "invitee" | "scheduled event",
  uri: string,
  apiUrl: string,
): unknown {
  if (isNotFound(error)) {
    return new CliError(
      `no such ${what} at ${apiUrl} (404 ${error.title}): ${uri} is unknown there; check the URI and --api-url / CALENDLY_API_URL (a payload from another environment names bookings this one does not have)`,
    );
  }
  if (isPermissionDenied(error)) {
    const text = error.apiMessage || error.title;
    // Missing OAuth scopes are explained by the common message, which names them.
    if (isInsufficientScope(error)) return error;
    return new CliError(
      `permission denied (403 ${text}): a member's token sees only the meetings it hosts; use the host's token, or an organization owner's or admin's`,
    );
  }
  return error;
}
