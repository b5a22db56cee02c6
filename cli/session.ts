/**
 * A command's connection to Calendly: credentials resolved, one client, `/users/me` fetched at
 * most once, every call shown as progress and every failure turned into a one-line CliError.
 */

import type { CalendlyUser } from "../calendly";
import { type CalendlyClient, createCalendlyClient } from "../calendly";
import { httpUrl } from "../tools/command-line";
import { CliError } from "./args";
import type { CommandContext } from "./command";
import { MISSING_TOKEN, resolveCredentials } from "./credentials";
import { type ExplainContext, explainCliError } from "./errors";

export interface Session {
  apiUrl: string;
  tokenSource: string;
  /**
   * Runs one Calendly call with a progress label; errors become CliErrors saying what to do.
   * `explain` adds what the messages need (scope, events).
   */
  call<T>(
    action: string,
    work: (client: CalendlyClient) => Promise<T>,
    explain?: Pick<ExplainContext, "scope" | "events">,
  ): Promise<T>;
  /** The token's user (`GET /users/me`), fetched once. */
  me(): Promise<CalendlyUser>;
  close(): Promise<void>;
}

export interface ApiOptionValues {
  stack?: string;
  "api-url"?: string;
}

/**
 * Opens a session, or returns `undefined` when there is no token and `optional` is set
 * (send-test then uses its built-in sample). Without a token otherwise: a CliError.
 */
export async function openSession(
  values: ApiOptionValues,
  context: CommandContext,
  options: { optional?: boolean } = {},
): Promise<Session | undefined> {
  const { io, reporter, deps } = context;
  const apiUrlOption = httpUrl("api-url", values["api-url"]);
  const credentials = await (values.stack === undefined
    ? resolveCredentials({ env: io.env, apiUrl: apiUrlOption })
    : reporter.progress(`reading the config of Pulumi stack "${values.stack}"`, () =>
        resolveCredentials(
          { env: io.env, stack: values.stack, apiUrl: apiUrlOption, note: reporter.note },
          deps.readConfig,
        ),
      ));
  if (credentials.token === undefined) {
    if (options.optional) return undefined;
    throw new CliError(MISSING_TOKEN);
  }
  const { apiUrl } = credentials;
  const tokenSource = credentials.tokenSource ?? "CALENDLY_TOKEN";
  const client = createCalendlyClient({
    ...deps.clientOptions,
    // Someone is waiting at a terminal: give up on an unreachable API after a few seconds rather
    // than the provider's six attempts (rate-limit waits are still honoured).
    retry: { maxAttempts: 4, ...deps.clientOptions?.retry },
    token: credentials.token,
    baseUrl: apiUrl,
    userAgentSuffix: "cli",
    onRetry: (notice) => {
      const wait = notice.delayMs >= 1000 ? `${Math.round(notice.delayMs / 1000)} s` : `${notice.delayMs} ms`;
      reporter.note(`Calendly ${notice.method} ${notice.path}: ${notice.reason}; retrying in ${wait}`);
    },
  });

  async function call<T>(
    action: string,
    work: (client: CalendlyClient) => Promise<T>,
    explain: Pick<ExplainContext, "scope" | "events"> = {},
  ): Promise<T> {
    try {
      return await reporter.progress(action, () => work(client));
    } catch (error) {
      throw explainCliError(error, { action, apiUrl, tokenSource, ...explain });
    }
  }

  let me: Promise<CalendlyUser> | undefined;
  return {
    apiUrl,
    tokenSource,
    call,
    me() {
      me ??= call("fetch the token's user (/users/me)", (c) => c.getCurrentUser());
      return me;
    },
    close: () => client.close(),
  };
}
