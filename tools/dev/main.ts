/**
 * `npm run dev`: the whole system on this machine, no accounts, nothing beyond loopback.
 *
 * Starts the Calendly emulator and the local receiver, creates a webhook subscription for the
 * receiver through the provider as Pulumi serializes it, in Pulumi's own dynamic-provider host over
 * gRPC, with the steps of `pulumi up` taken by our model of the engine (tools/pulumi-host/engine.ts,
 * not the Pulumi CLI), fires one event of each kind the subscription covers, and shows each one
 * verified and handed to the local EventBridge sink, has the example consumer
 * (examples/invitee-details) fetch one invitee by the URI its delivery carried, then runs one pass
 * of the watchdog (the scheduled Lambda's code) over the subscription. Then it keeps running for
 * you to play with (the CLI, curl); Ctrl-C deletes the subscription and stops everything.
 *
 *   npm run dev                 # interactive
 *   npm run dev -- --once       # run the demonstration, clean up and exit (CI does this)
 */
import { EVENT_RULES, generateSigningKey, WEBHOOK_EVENTS } from "../../calendly";
import type { CalendlyEventDetail } from "../../lambda/detail";
import { type CommandLine, port, runProgram } from "../command-line";
import { LOCAL_TOKEN, startLocalStack } from "../local/stack";
import type { ResourceState } from "../pulumi-host/engine";
import { fetchOneInvitee } from "./invitee";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const green = (s: string) => (process.stdout.isTTY ? `\x1b[32m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const say = (line = "") => process.stdout.write(`${line}\n`);

/** The events a user-scope subscription may hold: all but the organization-only ones. */
const USER_SCOPE_EVENTS = WEBHOOK_EVENTS.filter((e) => EVENT_RULES[e].scopes.includes("user"));

const program = {
  name: "npm run dev",
  help: `Usage: npm run dev -- [--once] [--emulator-port <n>] [--receiver-port <n>]

The whole system on this machine: the Calendly emulator, the receiver, a subscription created
through the provider, one event of each kind, the example consumer and the watchdog.

  --once                  run the demonstration, clean up and exit (CI does this)
  --emulator-port <n>     the emulator's port (default 4010; 0 picks a free one)
  --receiver-port <n>     the receiver's port (default 4020; 0 picks a free one)
  --help                  this text`,
  options: {
    once: { type: "boolean", default: false },
    "emulator-port": { type: "string", default: "4010" },
    "receiver-port": { type: "string", default: "4020" },
  },
} as const;

async function main({ values }: CommandLine<typeof program.options>) {
  const emulatorPort = port("emulator-port", values["emulator-port"]);
  const receiverPort = port("receiver-port", values["receiver-port"]);
  const started = Date.now();
  const elapsed = () => dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);

  say(bold("Calendly webhooks as code: the whole path on this machine"));
  const stack = await startLocalStack({ emulatorPort, receiverPort });
  say(`  Calendly emulator      ${stack.emulator.url}  ${dim(`(token ${LOCAL_TOKEN})`)}`);
  say(`  receiver (Lambda code) ${stack.receiverUrl}`);
  say(`  EventBridge sink       ${stack.aws.eventBridge.url}`);
  say(`  Pulumi provider host   pid ${stack.host.pid}  ${elapsed()}`);

  let state: ResourceState | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say();
    if (state) {
      say("Deleting the subscription (pulumi destroy)…");
      await stack.engine.destroy(state).catch((error: Error) => say(`  delete failed: ${error.message}`));
      say(`  ${green("✓")} Calendly holds ${stack.emulator.control.subscriptions().length} subscriptions`);
    }
    await stack.close();
    say("Stopped.");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    // As the stack does: the key exists first and is in the receiver's key list before Calendly
    // can deliver anything signed with it.
    const signingKey = generateSigningKey();
    await stack.setSigningKeys([signingKey]);
    say();
    say(
      `Creating the subscription through the provider (pulumi up)… ${dim(`${USER_SCOPE_EVENTS.length} events, user scope`)}`,
    );
    const up = await stack.engine.up(undefined, {
      url: stack.receiverUrl,
      events: USER_SCOPE_EVENTS,
      scope: "user",
      signingKey,
    });
    state = up.state;
    say(`  ${green("✓")} ${state.outputs.uri} ${dim(String(state.outputs.state))} ${elapsed()}`);

    say();
    say(
      "Firing one event of each kind; each is signed by Calendly, verified by the receiver, put on the bus:",
    );
    const sub = stack.emulator.control.subscriptions()[0]!;
    stack.aws.eventBridge.onEntry((accepted) => {
      const detail = accepted.detail as CalendlyEventDetail;
      say(
        `  ${green("✓")} ${String(accepted.entry.DetailType).padEnd(32)} verified → EventBridge ` +
          `${dim(`id ${detail.id.slice(0, 12)}… ${detail.validation}`)} ${elapsed()}`,
      );
    });
    for (const event of USER_SCOPE_EVENTS) {
      stack.emulator.control.fireEvent({
        event,
        organization: sub.organization,
        user: sub.user ?? undefined,
      });
    }
    await stack.emulator.control.waitForDeliveries({ timeoutMs: 20_000 });
    const failures = stack.emulator.control.deliveries().filter((d) => d.outcome !== "success");
    const delivered = stack.aws.eventBridge.entries.length;
    say(
      `  ${delivered}/${USER_SCOPE_EVENTS.length} events on the bus, ${failures.length} failed delivery attempts ${elapsed()}`,
    );
    if (delivered !== USER_SCOPE_EVENTS.length) throw new Error("not every event reached the bus");

    say();
    say("Fetching one invitee by the URI its delivery carried (the example consumer, as its Lambda would):");
    const invitee = await fetchOneInvitee(stack);
    say(`  ${green("✓")} invitee.created → ${invitee.call} ${elapsed()}`);
    say(`    ${invitee.summary}`);
    say(`Running the watchdog once ${dim("(the scheduled Lambda's code; its token from the SSM stub)")}:`);
    const calls = () => stack.emulator.control.requestCount({ operation: "getWebhookSubscription" });
    const before = calls();
    const { checks } = await stack.runWatchdog({ bookings: String(state.outputs.uri) });
    for (const check of checks) {
      const ok = check.status === "healthy";
      const detail = check.state
        ? `${check.state}, retry_started_at ${check.retryStartedAt ?? "never"}`
        : check.reason;
      say(
        `  ${ok ? green("✓") : "✗"} ${check.name} ${check.status} ${dim(`(${detail})`)} → SubscriptionHealthy=${ok ? 1 : 0} ${elapsed()}`,
      );
    }
    say(
      `  ${calls() - before} Calendly call for ${checks.length} subscription; Calendly disabling it would raise its alarm`,
    );
    if (checks.some((check) => check.status !== "healthy")) throw new Error("the watchdog found a problem");

    if (values.once) return void (await stop(0));
    say();
    say(bold("Running. Try:"));
    say(`  CALENDLY_API_URL=${stack.emulator.url} CALENDLY_TOKEN=${LOCAL_TOKEN} npx calendly-webhooks list`);
    say(
      `  CALENDLY_API_URL=${stack.emulator.url} CALENDLY_TOKEN=${LOCAL_TOKEN} npx calendly-webhooks invitee \\`,
    );
    say(`       ${invitee.uri}`);
    say(
      `  CALENDLY_API_URL=${stack.emulator.url} CALENDLY_TOKEN=${LOCAL_TOKEN} npx calendly-webhooks watch --once`,
    );
    say(
      `  curl -s -X POST ${stack.emulator.url}/__emulator/subscriptions/${String(state.outputs.uri).split("/").pop()}/disable   ${dim("(then watch again: DISABLED)")}`,
    );
    say(`  curl -s -X POST ${stack.emulator.url}/__emulator/events -H 'content-type: application/json' \\`);
    say(`       -d '{"event":"invitee.created"}'`);
    say(
      `  npx calendly-webhooks send-test --url ${stack.receiverUrl} --key <key> --tamper   ${dim("(rejected: wrong key)")}`,
    );
    say("Ctrl-C deletes the subscription and stops everything.");
  } catch (error) {
    say(`\n✗ ${(error as Error).message}`);
    await stop(1);
  }
}

runProgram(program, main);
