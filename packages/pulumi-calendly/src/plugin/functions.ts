/**
 * The package's functions (schema/functions.ts says what each is for): getCurrentUser and
 * getInvitee through the provider's Calendly client, markedUrl through the same `markedUrl` as the
 * TypeScript helper (provider/marker.ts), so that programs in every language mark a URL alike.
 * A bad argument is an invoke failure naming the argument; a Calendly error is explained as the
 * resource's are (provider/messages.ts).
 */
import { isScope, SCOPES } from "../calendly/events";
import type { CalendlyUser, Invitee } from "../calendly/types";
import type { CheckFailure } from "../provider/inputs";
import { markedUrl } from "../provider/marker";
import { explainForProgram } from "../provider/messages";
import { GET_CURRENT_USER_TOKEN, GET_INVITEE_TOKEN, MARKED_URL_TOKEN } from "./schema/tokens";
import type { CalendlySession } from "./session";
import { type Properties, reveal } from "./values";

export interface InvokeResult {
  result?: Properties;
  failures?: CheckFailure[];
}

function userResult(user: CalendlyUser): Properties {
  return {
    uri: user.uri,
    name: user.name,
    email: user.email,
    currentOrganization: user.currentOrganization,
    slug: user.slug,
    schedulingUrl: user.schedulingUrl,
    timezone: user.timezone,
  };
}

function inviteeResult(invitee: Invitee): Properties {
  // Every field the schema describes; `raw` (the answer as received) stays out: it has no schema.
  const { raw: _raw, ...described } = invitee;
  return described as unknown as Properties;
}

function optionalString(args: Properties, key: string, failures: CheckFailure[]): string | undefined {
  const value = args[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") failures.push({ property: key, reason: `${key} must be a string` });
  return typeof value === "string" ? value : undefined;
}

function markedUrlArgs(args: Properties): InvokeResult {
  const failures: CheckFailure[] = [];
  const url = optionalString(args, "url", failures);
  if (url === undefined) failures.push({ property: "url", reason: "url is required: the receiver's URL" });
  else if (!URL.canParse(url)) {
    failures.push({
      property: "url",
      reason: `"${url}" is not an absolute URL; give the receiver's full https:// URL`,
    });
  }
  const name = optionalString(args, "name", failures);
  if (name === undefined)
    failures.push({ property: "name", reason: "name is required: the subscription's name" });
  const events = args.events;
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === "string")) {
    failures.push({ property: "events", reason: "events must be a non-empty list of event names" });
  }
  const scope = args.scope;
  if (typeof scope !== "string" || !isScope(scope)) {
    failures.push({ property: "scope", reason: `scope must be one of ${SCOPES.join(", ")}` });
  }
  const generation = args.signingKeyGeneration;
  if (
    generation !== undefined &&
    generation !== null &&
    (!Number.isInteger(generation) || (generation as number) < 1)
  ) {
    failures.push({
      property: "signingKeyGeneration",
      reason: "signingKeyGeneration must be a whole number from 1",
    });
  }
  const organization = optionalString(args, "organization", failures);
  const user = optionalString(args, "user", failures);
  const group = optionalString(args, "group", failures);
  if (failures.length > 0) return { failures };
  return {
    result: {
      url: markedUrl(url!, name!, {
        events: events as string[],
        scope: scope as string,
        organization,
        user,
        group,
        signingKeyGeneration: typeof generation === "number" ? generation : undefined,
      }),
    },
  };
}

export async function invoke(
  session: CalendlySession,
  token: string,
  rawArgs: Properties,
): Promise<InvokeResult> {
  const args = reveal(rawArgs).plain;
  switch (token) {
    case MARKED_URL_TOKEN:
      return markedUrlArgs(args);
    case GET_CURRENT_USER_TOKEN:
      try {
        return { result: userResult(await session.currentUser()) };
      } catch (error) {
        throw explainForProgram(error, { action: "look up the token's user (GET /users/me)" });
      }
    case GET_INVITEE_TOKEN: {
      const failures: CheckFailure[] = [];
      const uri = optionalString(args, "uri", failures);
      const eventUuid = optionalString(args, "eventUuid", failures);
      const inviteeUuid = optionalString(args, "inviteeUuid", failures);
      if (failures.length > 0) return { failures };
      if (uri === undefined && (eventUuid === undefined || inviteeUuid === undefined)) {
        return {
          failures: [
            { property: "uri", reason: "give the invitee's uri, or both eventUuid and inviteeUuid" },
          ],
        };
      }
      try {
        const invitee =
          uri !== undefined
            ? await session.client().getInvitee(uri)
            : await session.client().getInvitee(eventUuid!, inviteeUuid!);
        return { result: inviteeResult(invitee) };
      } catch (error) {
        throw explainForProgram(error, { action: `get the invitee ${uri ?? `${eventUuid}/${inviteeUuid}`}` });
      }
    }
    default:
      throw new Error(`The calendly provider has no function ${token}`);
  }
}
