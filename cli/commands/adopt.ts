/**
 * `adopt`: for the subscriptions that already exist in a scope, prints the `WebhookSubscription`
 * declarations (with `adoptExisting: true`) that take them over, so a stack can start managing
 * webhooks someone created by hand.
 */
import { API_OPTIONS_HELP } from "../args";
import type { Command } from "../command";
import { planAdoption, planJson, renderTypeScript } from "../declarations";
import { describeScope, SCOPE_OPTIONS_HELP } from "../scope";
import { readScopeListing } from "../subscriptions";

const spec = {
  name: "adopt",
  summary: "print WebhookSubscription declarations that take over existing subscriptions",
  usage:
    "calendly-webhooks adopt [--scope organization|user|group] [--organization <uri>] [--user <uri>] [--group <uri>] [--json] [--stack <name>] [--api-url <url>]",
};

export const adoptCommand: Command = {
  ...spec,
  help: `${spec.usage}

Lists the subscriptions of a scope and prints, for each active one, a TypeScript declaration to
paste below the imports of the Pulumi program's index.ts (it adds no import and no top-level name,
so nothing clashes with what the program declares):

  new WebhookSubscription("<name>", { url, events, scope, organization, user/group,
    signingKey: new pulumi.Config().requireSecret("<name>-signing-key"), adoptExisting: true })

and the \`pulumi config set --secret\` line for its signing key. Calendly never returns signing
keys: set each to the key its subscription was created with. Disabled subscriptions are skipped
(and named): adopting one would only lead to a replacement.

Options:
  --json                print {"adopt": [...], "skipped": [...]} instead of TypeScript

${SCOPE_OPTIONS_HELP}

${API_OPTIONS_HELP}`,

  async run(argv, context) {
    const { values, resolved, subscriptions } = await readScopeListing(argv, context);
    const plan = planAdoption(subscriptions);
    for (const skip of plan.skipped) {
      context.reporter.note(`skipped ${skip.subscription.uri}: ${skip.reason}`);
    }
    const { stdout } = context.io;
    if (values.json) {
      stdout.write(`${JSON.stringify(planJson(plan), null, 2)}\n`);
      return 0;
    }
    const count = plan.adoptions.length;
    stdout.write(
      renderTypeScript(
        plan,
        `Adopting ${count} existing Calendly webhook subscription(s) in ${describeScope(resolved)}.`,
      ),
    );
    return 0;
  },
};
