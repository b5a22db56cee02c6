/**
 * `list`: the webhook subscriptions of a scope, flagging the ones Calendly has given up on
 * (disabled) or is retrying, which Calendly itself never alerts about.
 */
import { subscriptionHealth, type WebhookSubscription } from "../../calendly";
import { API_OPTIONS_HELP } from "../args";
import type { Command } from "../command";
import { formatTable } from "../output";
import { describeScope, SCOPE_OPTIONS_HELP } from "../scope";
import { healthWarning, readScopeListing, uuidOf } from "../subscriptions";

const spec = {
  name: "list",
  summary: "list webhook subscriptions, flagging disabled and retrying ones",
  usage:
    "calendly-webhooks list [--scope organization|user|group] [--organization <uri>] [--user <uri>] [--group <uri>] [--json] [--stack <name>] [--api-url <url>]",
};

/** The state column: Calendly's state, with retrying ones marked so they stand out. */
function stateLabel(sub: WebhookSubscription, nowMs: number): string {
  const health = subscriptionHealth(sub, nowMs);
  return health === "disabled" ? "DISABLED" : health === "retrying" ? "active, RETRYING" : sub.state;
}

export const listCommand: Command = {
  ...spec,
  help: `${spec.usage}

Lists the webhook subscriptions of a scope with their callback URL, events, state and
retry_started_at. Flags the ones that need attention:
  DISABLED   Calendly gave up after 24 h of failed deliveries; it never re-enables a subscription
  RETRYING   active, but Calendly started retrying failed deliveries within the last 24 h
             (retry_started_at is history: it stays set after deliveries succeed again, so an
             older one is shown but not flagged; an unflagged subscription may still have a
             delivery being retried, see docs/watchdog.md)

Options:
  --json                print a JSON array of the subscriptions (uri, callbackUrl, createdAt,
                        updatedAt, retryStartedAt, state, events, scope, organization, user, group,
                        creator) and nothing else on stdout

${SCOPE_OPTIONS_HELP}

${API_OPTIONS_HELP}`,

  async run(argv, context) {
    const { values, resolved, subscriptions } = await readScopeListing(argv, context);
    const { stdout } = context.io;
    if (values.json) {
      stdout.write(`${JSON.stringify(subscriptions, null, 2)}\n`);
      return 0;
    }
    if (subscriptions.length === 0) {
      stdout.write(`No webhook subscriptions in ${describeScope(resolved)}.\n`);
      return 0;
    }
    const now = (context.io.now ?? Date.now)();
    const rows = subscriptions.map((sub) => [
      uuidOf(sub),
      stateLabel(sub, now),
      sub.retryStartedAt ?? "-",
      sub.callbackUrl,
      [...sub.events].sort().join(","),
    ]);
    const warnings = subscriptions.flatMap((sub) => {
      const warning = healthWarning(sub, now);
      return warning === undefined ? [] : [`! ${uuidOf(sub)} ${sub.callbackUrl}: ${warning}`];
    });
    const lines = [
      `Webhook subscriptions in ${describeScope(resolved)}:`,
      "",
      formatTable(["UUID", "STATE", "RETRY_STARTED_AT", "CALLBACK_URL", "EVENTS"], rows),
    ];
    if (warnings.length > 0) lines.push("", ...warnings);
    const disabled = subscriptions.filter((s) => subscriptionHealth(s, now) === "disabled").length;
    const retrying = subscriptions.filter((s) => subscriptionHealth(s, now) === "retrying").length;
    lines.push(
      "",
      `${subscriptions.length} subscription(s): ${subscriptions.length - disabled - retrying} ok, ${retrying} retrying, ${disabled} disabled.`,
    );
    stdout.write(`${lines.join("\n")}\n`);
    return 0;
  },
};
