/**
 * `watch`: the stack's watchdog, from a terminal or a cron job. Runs the very pass the scheduled
 * Lambda runs (lambda/watchdog-check.ts: one GET per subscription, the same classification and
 * retrying window) and prints what it found; `--once` exits 0 only when every subscription is
 * healthy.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_RETRYING_WINDOW_MS } from "../../calendly";
import {
  checkSubscriptions,
  type SubscriptionCheck,
  summarize,
  WATCH_STATUSES,
  type WatchdogResult,
} from "../../lambda/watchdog-check";
import {
  DEFAULT_WATCHDOG_CONCURRENCY,
  parseWatchedSubscriptions,
  type WatchedSubscription,
} from "../../lambda/watchdog-config";
import { hoursInMs, positiveInteger, seconds } from "../../tools/command-line";
import { API_OPTIONS, API_OPTIONS_HELP, parseOptions, UsageError } from "../args";
import type { Command, CommandContext } from "../command";
import { ago, formatTable } from "../output";
import {
  describeScope,
  readScopeOptions,
  resolveScope,
  SCOPE_OPTIONS,
  SCOPE_OPTIONS_HELP,
  type ScopeRequest,
} from "../scope";
import { openSession, type Session } from "../session";
import { listInScope, uuidOf } from "../subscriptions";

const spec = {
  name: "watch",
  summary: "check subscriptions as the stack's watchdog does (--once for cron)",
  usage:
    "calendly-webhooks watch [--once | --count <n>] [--interval <s>] [--subscription <name>=<uri>]... [--retrying-window <hours>] [--json] [scope options] [--stack <name>] [--api-url <url>]",
};

const DEFAULT_INTERVAL_SECONDS = 300;
/** One pass must not run into the next; the Lambda's own budget is 45 s. */
const PASS_DEADLINE_MS = 60_000;

const OPTIONS = {
  ...API_OPTIONS,
  ...SCOPE_OPTIONS,
  once: { type: "boolean" },
  count: { type: "string" },
  interval: { type: "string" },
  subscription: { type: "string", multiple: true },
  "retrying-window": { type: "string" },
  json: { type: "boolean" },
} as const;

/** What a person should do about each status. */
const ADVICE: Record<SubscriptionCheck["status"], string> = {
  healthy: "",
  retrying:
    "the receiver failed deliveries recently; check its logs before Calendly disables the subscription",
  disabled: "Calendly gave up and delivers nothing: `pulumi up --refresh` replaces it",
  missing: "deleted (out of band, or by Calendly after a 410): `pulumi up --refresh` creates it again",
  unknown: "the check itself failed; this says nothing about the subscription",
};

/** `--subscription name=uri`, repeated. */
function subscriptionOptions(values: readonly string[]): WatchedSubscription[] {
  const watched: WatchedSubscription[] = [];
  for (const value of values) {
    const eq = value.indexOf("=");
    const name = value.slice(0, eq);
    const uri = value.slice(eq + 1);
    if (eq <= 0 || uri === "" || /\s/.test(value)) {
      throw new UsageError(`--subscription takes <name>=<uri>, got "${value}"`);
    }
    if (watched.some((w) => w.name === name)) {
      throw new UsageError(`--subscription names "${name}" twice`);
    }
    watched.push({ name, uri });
  }
  return watched;
}

/** Which subscriptions to check: the options, else WATCHED_SUBSCRIPTIONS, else the whole scope. */
async function watchedSubscriptions(
  given: WatchedSubscription[],
  scope: ScopeRequest,
  session: Session,
  context: CommandContext,
): Promise<{ watched: WatchedSubscription[]; source: string }> {
  if (given.length > 0) return { watched: given, source: "--subscription" };
  const fromEnv = context.io.env.WATCHED_SUBSCRIPTIONS;
  if (fromEnv) {
    const watched = parseWatchedSubscriptions(fromEnv);
    if (!watched) {
      throw new UsageError(
        'WATCHED_SUBSCRIPTIONS must be a JSON object of names to URIs, e.g. {"bookings": "https://api.calendly.com/webhook_subscriptions/…"}',
      );
    }
    return { watched, source: "WATCHED_SUBSCRIPTIONS" };
  }
  const resolved = await resolveScope(session, scope);
  const listed = await listInScope(session, resolved);
  return {
    watched: listed.map((sub) => ({ name: uuidOf(sub), uri: sub.uri })),
    source: describeScope(resolved),
  };
}

function report(checks: readonly SubscriptionCheck[], result: WatchdogResult, nowMs: number, header: string) {
  const rows = checks.map((check) => [
    check.name,
    check.status === "healthy" ? "healthy" : check.status.toUpperCase(),
    check.state ?? "-",
    check.retryStartedAt ? `${check.retryStartedAt} (${ago(check.retryStartedAt, nowMs)})` : "-",
    check.status === "unknown" ? `${check.reason}: ${ADVICE.unknown}` : ADVICE[check.status],
  ]);
  const counts = WATCH_STATUSES.map((status) => `${result[status].length} ${status}`).join(", ");
  return [
    header,
    "",
    formatTable(["NAME", "STATUS", "STATE", "RETRY_STARTED_AT", "WHAT TO DO"], rows),
    "",
    `${counts}.`,
  ]
    .join("\n")
    .concat("\n");
}

export const watchCommand: Command = {
  ...spec,
  help: `${spec.usage}

Checks each subscription exactly as the stack's scheduled watchdog does: one GET per subscription,
classified as
  healthy    active, and retry_started_at is not within the window; Calendly may still be
             retrying a delivery that began failing during an older retry (docs/watchdog.md:
             only the receiver's delivery-failures alarm sees that)
  RETRYING   active, but retry_started_at is within the window: deliveries failed recently
  DISABLED   Calendly gave up after 24 h of failures and delivers nothing
  MISSING    404: deleted out of band, or by Calendly after the receiver answered 410
  UNKNOWN    the check failed (rejected token, rate limit, Calendly errors): says nothing about it

Which subscriptions: every --subscription <name>=<uri>; else WATCHED_SUBSCRIPTIONS (the
watchdog's JSON, e.g. from the function's environment); else every subscription of the scope
(named by uuid).

Options:
  --once                  one pass, then exit: 0 if every subscription is healthy, 1 otherwise
  --count <n>             n passes, then exit as --once does after the last
  --interval <s>          seconds between passes (default ${DEFAULT_INTERVAL_SECONDS}, the stack's schedule)
  --subscription <n>=<u>  a subscription to check, by name and URI (repeatable)
  --retrying-window <h>   hours within which retry_started_at counts as retrying (default 24)
  --json                  print each pass as JSON: {at, result, checks}

${SCOPE_OPTIONS_HELP}

${API_OPTIONS_HELP}`,

  async run(argv, context) {
    const values = parseOptions(argv, OPTIONS);
    if (values.once && values.count !== undefined)
      throw new UsageError("--once and --count exclude each other");
    const passes = values.once ? 1 : positiveInteger("count", values.count, { max: 1_000_000 });
    const intervalMs =
      (seconds("interval", values.interval, { max: 86_400 }) ?? DEFAULT_INTERVAL_SECONDS) * 1000;
    const retryingWindowMs =
      hoursInMs("retrying-window", values["retrying-window"], { min: 1, max: 720 }) ??
      DEFAULT_RETRYING_WINDOW_MS;
    // Both read before any call, so a bad option costs no session.
    const given = subscriptionOptions(values.subscription ?? []);
    const scope = readScopeOptions(values);

    const now = context.io.now ?? Date.now;
    const session = (await openSession(values, context))!;
    try {
      const { watched, source } = await watchedSubscriptions(given, scope, session, context);
      if (watched.length === 0) {
        context.io.stdout.write(`Nothing to watch: no webhook subscriptions in ${source}.\n`);
        return 0;
      }
      let healthy = true;
      for (let pass = 1; passes === undefined || pass <= passes; pass++) {
        if (pass > 1) await sleep(intervalMs);
        const started = now();
        let calls = 0;
        const checks = await session.call(`check ${watched.length} subscription(s)`, (client) =>
          checkSubscriptions({
            watched,
            retryingWindowMs,
            deadline: started + PASS_DEADLINE_MS,
            concurrency: DEFAULT_WATCHDOG_CONCURRENCY,
            now,
            get: (uri) => {
              calls++;
              return client.getWebhookSubscription(uri);
            },
          }),
        );
        const result = summarize(checks);
        healthy = result.healthy.length === checks.length;
        const at = new Date(started).toISOString();
        if (values.json) {
          context.io.stdout.write(`${JSON.stringify({ at, result, checks })}\n`);
        } else {
          const header = `Watchdog pass at ${at}: ${watched.length} subscription(s) from ${source}, ${calls} Calendly call(s), ${now() - started} ms`;
          context.io.stdout.write(report(checks, result, now(), header));
        }
      }
      if (!healthy)
        context.reporter.note("calendly-webhooks watch: some subscriptions need attention (above)");
      return healthy ? 0 : 1;
    } finally {
      await session.close();
    }
  },
};
