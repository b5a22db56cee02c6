/**
 * `invitee`: the last step of Calendly's manual procedure, from a terminal. Takes the invitee URI a
 * delivery carries (`payload.uri`) and shows who booked, what they answered and where the booking
 * stands now (GET the invitee, then its scheduled event); `--json` prints the invitee exactly as
 * Calendly returned it.
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
function utc(iso: string): string {
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

/** The readable summary: who, the meeting, the state of the booking, then answers and links. */
export function formatInvitee(invitee: Invitee, event: ScheduledEvent): string {
  const rows: string[][] = [
    ["invitee:", invitee.uri],
    ["name:", `${invitee.name} <${invitee.email}>`],
    ["status:", invitee.status],
  ];
  if (invitee.cancellation) {
    const c = invitee.cancellation;
    rows.push(["canceled:", `by ${c.canceledBy} (${c.cancelerType})${c.reason ? `: ${c.reason}` : ""}`]);
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
  rows.push(["meeting:", `${event.name ?? "(unnamed)"}, ${meetingTime(event)} (${event.status})`]);
  if (event.location) {
    const where = [event.location.location, event.location.joinUrl].filter((p) => p !== null).join(" ");
    rows.push(["location:", `${event.location.type}${where ? ` ${where}` : ""}`]);
  }
  const hosts = event.eventMemberships.map((m) => m.userName ?? m.userEmail ?? m.user);
  if (hosts.length > 0) rows.push(["hosts:", hosts.join(", ")]);
  if (invitee.payment) {
    const p = invitee.payment;
    rows.push([
      "payment:",
      `${p.amount} ${p.currency} via ${p.provider}${p.successful ? "" : " (not successful)"}`,
    ]);
  }
  const utm = tracking(invitee);
  if (utm) rows.push(["tracking:", utm]);
  if (invitee.routingFormSubmission) rows.push(["routing form:", invitee.routingFormSubmission]);
  if (invitee.cancelUrl) rows.push(["cancel:", invitee.cancelUrl]);
  if (invitee.rescheduleUrl) rows.push(["reschedule:", invitee.rescheduleUrl]);
  rows.push(["event:", event.uri]);

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

Options:
  --json                print the invitee resource exactly as Calendly returned it (the "resource"
                        of the answer, keys this tool does not know included) and nothing else

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
    try {
      const invitee = await session.call("fetch the invitee", (client) =>
        client.getInvitee(uri).catch((error: unknown) => {
          throw explainInviteeError(error, "invitee", uri, session.apiUrl);
        }),
      );
      if (values.json) {
        context.io.stdout.write(`${JSON.stringify(invitee.raw, null, 2)}\n`);
        return 0;
      }
      const event = await session.call("fetch the invitee's scheduled event", (client) =>
        client.getScheduledEvent(invitee.event).catch((error: unknown) => {
          throw explainInviteeError(error, "scheduled event", invitee.event, session.apiUrl);
        }),
      );
      context.io.stdout.write(`${formatInvitee(invitee, event)}\n`);
      return 0;
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
