/**
 * The watchdog: a small scheduled Lambda that tells someone when Calendly stops delivering.
 * Calendly disables a subscription after 24 hours of failed deliveries and tells no one; each pass
 * here GETs every watched subscription once (the project's Calendly client, with its rate-limit
 * handling), classifies it (watchdog-check.ts), logs one line per subscription, emits CloudWatch
 * metrics the stack's alarms watch (watchdog-metrics.ts), and returns
 * `{ healthy, retrying, disabled, missing, unknown }`, each a list of names.
 *
 * `createWatchdog(options)` builds an independent watchdog (tests, `npm run dev`); `handler` is
 * Lambda's entry point over `process.env`, built on first use once per container.
 */

import { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { Agent, type Dispatcher } from "undici";
import { createCalendlyClient } from "../calendly";
import { commonConfig } from "./clients";
import type { Env } from "./config";
import {
  allUnknown,
  checkSubscriptions,
  type SubscriptionCheck,
  summarize,
  type WatchdogResult,
} from "./watchdog-check";
import { loadWatchdogConfig, WatchdogConfigError } from "./watchdog-config";
import { createWatchdogObservability } from "./watchdog-observability";
import { createTokenReader, TokenNotSetError, TokenUnavailableError } from "./watchdog-token";

export type { SubscriptionCheck, WatchdogResult } from "./watchdog-check";

/** Time kept back from the Lambda's remaining time for logging and metrics after the checks. */
const FINISH_MARGIN_MS = 3_000;

export interface WatchdogOptions {
  /** The environment to configure from; default `process.env`. */
  env?: Env;
  /** A prebuilt SSM client (default: one built over `env`, as the receiver builds its clients). */
  ssm?: () => SSMClient;
  /** Test seams: the clock, and the client's waits. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WatchdogPass {
  result: WatchdogResult;
  checks: SubscriptionCheck[];
}

export interface Watchdog {
  /**
   * Runs one pass, within the Lambda's remaining time when given its context. Throws only
   * `WatchdogConfigError` (a deployment mistake); every other failure is an `unknown` check.
   */
  run(context?: Context): Promise<WatchdogPass>;
}

export function createWatchdog(options: WatchdogOptions = {}): Watchdog {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const observability = createWatchdogObservability(env);
  // Only SSM: the receiver's S3 and EventBridge clients would add about 150 KB to the bundle.
  let ssmClient: SSMClient | undefined;
  const ssm = options.ssm ?? (() => (ssmClient ??= new SSMClient(commonConfig(env, "SSM"))));

  return {
    async run(context) {
      const started = now();
      if (context) observability.logger.addContext(context);
      let config: ReturnType<typeof loadWatchdogConfig>;
      try {
        config = loadWatchdogConfig(env);
      } catch (error) {
        if (error instanceof WatchdogConfigError) {
          observability.logger.error("watchdog configuration is invalid", { problems: error.problems });
        }
        throw error;
      }
      const remaining = context ? context.getRemainingTimeInMillis() - FINISH_MARGIN_MS : Infinity;
      const deadline = started + Math.max(0, Math.min(config.deadlineMs, remaining));

      let checks: SubscriptionCheck[];
      let token: string | undefined;
      let tokenProblem: "token_not_set" | "token_unavailable" | undefined;
      try {
        token = await createTokenReader(config.token, ssm)();
      } catch (error) {
        if (error instanceof TokenNotSetError) {
          tokenProblem = "token_not_set";
          observability.logger.error("the Calendly token is not set; no subscription was checked", {
            reason: tokenProblem,
            parameter: config.token.source === "ssm" ? config.token.parameterName : undefined,
            error: error.message,
          });
        } else if (error instanceof TokenUnavailableError) {
          tokenProblem = "token_unavailable";
          observability.logger.error("cannot read the Calendly token; no subscription was checked", {
            reason: tokenProblem,
            error: error.message,
          });
        } else throw error;
      }
      if (token === undefined) {
        checks = allUnknown(config.watched, tokenProblem ?? "token_unavailable");
      } else {
        // One connection pool for the pass; a client per check, so each call's retries (429
        // waits included) end by the pass's deadline.
        const dispatcher: Dispatcher = new Agent({
          connectTimeout: 5_000,
          headersTimeout: 15_000,
          bodyTimeout: 15_000,
          keepAliveTimeout: 4_000,
        });
        try {
          checks = await checkSubscriptions({
            watched: config.watched,
            retryingWindowMs: config.retryingWindowMs,
            deadline,
            concurrency: config.concurrency,
            now,
            get: async (uri) => {
              const client = createCalendlyClient({
                token: token!,
                baseUrl: config.apiUrl,
                dispatcher,
                userAgentSuffix: "watchdog",
                retry: { maxAttempts: 4, deadlineMs: Math.max(1, deadline - now()) },
                sleep: options.sleep,
                now,
                onRetry: (notice) => observability.logger.info("calendly retry", { ...notice }),
              });
              return client.getWebhookSubscription(uri);
            },
          });
        } finally {
          await dispatcher.close();
        }
      }
      const result = summarize(checks);
      observability.pass({
        checks,
        result,
        tokenNotSet: tokenProblem === "token_not_set",
        durationMs: now() - started,
      });
      return { result, checks };
    },
  };
}

let defaultWatchdog: Watchdog | undefined;

/** Lambda's entry point (handler string `watchdog.handler` in the bundle), for a scheduled event. */
export async function handler(_event: unknown, context?: Context): Promise<WatchdogResult> {
  defaultWatchdog ??= createWatchdog();
  return (await defaultWatchdog.run(context)).result;
}
