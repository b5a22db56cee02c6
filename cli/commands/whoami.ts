/**
 * `whoami`: the token's user and organization URIs, the two values every webhook call needs and
 * that Calendly's docs have you fetch by hand from `/users/me`.
 */
import { API_OPTIONS, API_OPTIONS_HELP, parseOptions } from "../args";
import type { Command } from "../command";
import { formatColumns } from "../output";
import { openSession } from "../session";

const spec = {
  name: "whoami",
  summary: "show the token's user and organization URIs",
  usage: "calendly-webhooks whoami [--json] [--stack <name>] [--api-url <url>]",
};

export const whoamiCommand: Command = {
  ...spec,
  help: `${spec.usage}

Shows the user and the organization of the Calendly token (GET /users/me): the URIs that webhook
subscriptions (and WebhookSubscription's organization/user) are made of.

Options:
  --json                print {"user","organization","name","email","apiUrl"} as JSON

${API_OPTIONS_HELP}`,

  async run(argv, context) {
    const values = parseOptions(argv, { ...API_OPTIONS, json: { type: "boolean" } });
    const session = (await openSession(values, context))!;
    try {
      const me = await session.me();
      const { stdout } = context.io;
      if (values.json) {
        const result = {
          user: me.uri,
          organization: me.currentOrganization,
          name: me.name,
          email: me.email,
          apiUrl: session.apiUrl,
        };
        stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      const rows = [
        ["user:", me.uri],
        ["organization:", me.currentOrganization],
        ["name:", `${me.name} <${me.email}>`],
        ["api:", session.apiUrl],
        ["token from:", session.tokenSource],
      ];
      stdout.write(`${formatColumns(rows)}\n`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
