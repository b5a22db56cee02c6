/**
 * The last step of `npm run dev`: the example consumer (examples/invitee-details) handles one
 * `invitee.created` entry of the local bus as its Lambda would, with its own dependencies: the
 * token from the SSM stub, the invitee and its meeting from the emulator.
 */
import {
  type CalendlyBusEvent,
  createInviteeDetailsHandler,
  dependenciesFromEnvironment,
} from "../../examples/invitee-details/handler";
import type { CalendlyEventDetail } from "../../lambda/detail";
import type { AcceptedEntry } from "../aws-stubs";
import { LOCAL_TOKEN_PARAMETER, type LocalStack } from "../local/stack";

/** What an EventBridge rule hands its target for an entry the bus accepted. */
export function ruleEventOf(accepted: AcceptedEntry): CalendlyBusEvent {
  return {
    version: "0",
    id: accepted.eventId,
    "detail-type": accepted.entry.DetailType ?? "",
    source: accepted.entry.Source ?? "",
    account: "000000000000",
    time: accepted.receivedAt.toISOString(),
    region: "us-east-1",
    resources: [],
    detail: accepted.detail as CalendlyEventDetail,
  };
}

export interface FetchedInvitee {
  uri: string;
  /** The call, e.g. `GET /scheduled_events/…/invitees/…`. */
  call: string;
  /** Who, the status, the meeting and the answers, in one line. */
  summary: string;
}

/** Runs the example consumer on the bus's first `invitee.created`. */
export async function fetchOneInvitee(stack: LocalStack): Promise<FetchedInvitee> {
  const accepted = stack.aws.eventBridge.entries.find((e) => e.entry.DetailType === "invitee.created");
  if (!accepted) throw new Error("no invitee.created event reached the bus");
  const deps = dependenciesFromEnvironment(
    {
      ...stack.aws.env,
      CALENDLY_TOKEN_PARAMETER: LOCAL_TOKEN_PARAMETER,
      CALENDLY_API_URL: stack.emulator.url,
    },
    async () => undefined,
  );
  try {
    const details = await createInviteeDetailsHandler({ ...deps, log: () => undefined })(
      ruleEventOf(accepted),
    );
    if (!details) throw new Error("the example consumer found no invitee for the delivered URI");
    const { invitee, scheduledEvent: meeting } = details;
    return {
      uri: invitee.uri,
      call: `GET ${new URL(invitee.uri).pathname}`,
      summary:
        `${invitee.name} <${invitee.email}>, ${invitee.status}; ${meeting.name ?? "a meeting"} at ` +
        `${meeting.startTime}, ${meeting.location?.type ?? "no location"}; ` +
        `${invitee.questionsAndAnswers.length} answer(s)`,
    };
  } finally {
    await (await deps.calendly()).close();
  }
}
