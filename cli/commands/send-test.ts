/**
 * `send-test`: posts one correctly signed delivery to any receiver (a local one, the deployed one)
 * and says what Calendly would make of the answer; `--tamper` sends a bad signature instead and
 * passes only if the receiver refuses it.
 */

import type { WebhookEnvelope } from "../../calendly";
import {
  EVENT_RULES,
  eventScopeProblems,
  isWebhookEvent,
  type Scope,
  sampleEnvelope,
  signatureHeader,
  USER_AGENT,
  WEBHOOK_EVENTS,
  type WebhookEvent,
} from "../../calendly";
import { sendDelivery } from "../../calendly/delivery";
import { didYouMean, httpUrl, required } from "../../tools/command-line";
import { API_OPTIONS, API_OPTIONS_HELP, CliError, parseOptions, UsageError } from "../args";
import type { Command, CommandContext } from "../command";
import {
  readScopeOptions,
  resolveScope,
  SCOPE_OPTIONS,
  SCOPE_OPTIONS_HELP,
  type ScopeRequest,
} from "../scope";
import { type ApiOptionValues, openSession } from "../session";
import { KEY_OPTIONS, readKeys } from "../signing-key-options";
import { judgeGenuine, judgeTampered } from "../verdicts";

const DEFAULT_EVENT = "invitee.created";

const spec = {
  name: "send-test",
  summary: "post a correctly signed test delivery to a receiver and judge its answer",
  usage:
    "calendly-webhooks send-test --url <receiver> (--key <key> | --key-file <file>) [--event <name>] [--tamper] [--offline] [scope options] [--stack <name>] [--api-url <url>]",
};

/** The same header with one hex digit of the signature changed: well formed, but wrong. */
export function tamperSignature(header: string): string {
  return header.replace(/(v1=[0-9a-f]*)([0-9a-f])/, (_, head: string, last: string) => {
    return head + (Number.parseInt(last, 16) ^ 1).toString(16);
  });
}

/**
 * The envelope to send: Calendly's own sample when a token is available (and not `--offline`),
 * else the built-in one; and a description of where it came from.
 */
async function sampleFor(
  event: WebhookEvent,
  scope: Scope,
  request: ScopeRequest,
  offline: boolean,
  apiOptions: ApiOptionValues,
  context: CommandContext,
): Promise<{ envelope: WebhookEnvelope; source: string }> {
  const session = offline ? undefined : await openSession(apiOptions, context, { optional: true });
  if (!session) {
    if (!offline) {
      context.reporter.note(
        "no Calendly token: sending the built-in sample (set CALENDLY_TOKEN to use Calendly's)",
      );
    }
    const envelope = sampleEnvelope(event, {
      organization: request.organization,
      user: request.user,
      group: request.group,
    });
    return { envelope, source: "the built-in sample" };
  }
  try {
    const resolved = await resolveScope(session, request, scope);
    const envelope = await session.call(
      "fetch a sample delivery (GET /sample_webhook_data)",
      (client) => client.getSampleWebhookData({ event, ...resolved }),
      { scope, events: [event] },
    );
    return { envelope, source: `Calendly's sample from ${session.apiUrl}/sample_webhook_data` };
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(`${error.message}; or pass --offline to send the built-in sample`);
    }
    throw error;
  } finally {
    await session.close();
  }
}

export const sendTestCommand: Command = {
  ...spec,
  help: `${spec.usage}

Posts one webhook delivery to --url exactly as Calendly would: a JSON envelope, signed with
Calendly-Webhook-Signature over the exact bytes sent, 10 s to connect, 15 s for the answer, no
redirects followed. Then says what Calendly would do with the answer:
  2xx      success                                          (exit 0)
  410      Calendly would DELETE the subscription at once   (exit 1)
  other    failure; Calendly retries for 24 h, then disables (exit 1)

The body is Calendly's own sample (GET /sample_webhook_data) when a token is available, else a
built-in realistic sample.

Options:
  --url <url>           the receiver's webhook URL
  --key <key>           the signing key the receiver verifies with
  --key-file <file>     a file holding it instead (keeps it out of shell history)
  --event <name>        the event to send (default ${DEFAULT_EVENT}); one of:
                        ${WEBHOOK_EVENTS.join(", ")}
  --tamper              send a bad signature; passes (exit 0) only if the receiver refuses it
                        with a 4xx (ideally 401), fails if it accepts it
  --offline             use the built-in sample even when a token is available

${SCOPE_OPTIONS_HELP}
  (without --scope: user scope, or the event's only scope for organization- or user-only events)

${API_OPTIONS_HELP}`,

  async run(argv, context) {
    const values = parseOptions(argv, {
      ...API_OPTIONS,
      ...SCOPE_OPTIONS,
      ...KEY_OPTIONS,
      url: { type: "string" },
      event: { type: "string" },
      tamper: { type: "boolean" },
      offline: { type: "boolean" },
    });
    const url = httpUrl("url", required("url", values.url));
    const keys = readKeys(values);
    if (keys.length > 1) throw new UsageError("send-test signs with one key: give --key or --key-file once");
    const key = keys[0]!;
    const event = values.event ?? DEFAULT_EVENT;
    if (!isWebhookEvent(event)) {
      throw new UsageError(
        `unknown event "${event}"${didYouMean(event, WEBHOOK_EVENTS)}; see --help for the list`,
      );
    }
    const request = readScopeOptions(values);
    // Without --scope, pick one the event allows: routing forms are organization-only, meeting recaps user-only.
    const scope: Scope =
      request.explicit || EVENT_RULES[event].scopes.includes(request.scope)
        ? request.scope
        : EVENT_RULES[event].scopes[0]!;
    const problems = eventScopeProblems([event], scope);
    if (problems.length > 0) throw new UsageError(problems[0]!);

    const { io, reporter } = context;
    const { envelope, source } = await sampleFor(
      event,
      scope,
      request,
      Boolean(values.offline),
      values,
      context,
    );

    // Signed over the exact bytes that are sent: never serialize twice.
    const body = Buffer.from(JSON.stringify(envelope), "utf8");
    const t = Math.floor((io.now ?? Date.now)() / 1000);
    const genuine = signatureHeader(key, body, t);
    const signature = values.tamper ? tamperSignature(genuine) : genuine;
    const result = await reporter.progress(`POST ${url}`, () =>
      sendDelivery({ url, body, signature, userAgent: `${USER_AGENT} cli send-test` }),
    );
    const verdict = values.tamper ? judgeTampered(result) : judgeGenuine(result);

    const what = values.tamper
      ? "with a TAMPERED signature"
      : `signed at t=${t} with the given key (${key.length} characters)`;
    io.stdout.write(
      [`sent ${event} (${body.length} bytes, ${source}) to ${url} ${what}`, ...verdict.lines].join("\n") +
        "\n",
    );
    return verdict.ok ? 0 : 1;
  },
};
