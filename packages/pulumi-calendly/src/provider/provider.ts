/**
 * The dynamic provider behind `WebhookSubscription`, as the dynamic-provider host runs it: one
 * instance per host process (`webhookSubscriptionProvider`), reached through the shim that Pulumi
 * serializes into `__provider` (shim.ts, index.ts). This code is loaded from the installed package,
 * never serialized (see README.md beside this file):
 * - credentials arrive through the `CALENDLY_TOKEN` environment or `configure` (stack config
 *   `calendly:token` / `calendly:apiUrl`, `CALENDLY_API_URL`) at call time, never at module load,
 *   so no token is ever captured into `__provider`. An explicit `CALENDLY_TOKEN` wins over stack
 *   config: `pulumi refresh` and `destroy` without `--run-program` configure the provider with the
 *   config stored in state at the last update, so after a rotation the stored token is the revoked
 *   one (test/engine/token-rotation.test.ts), and CI keeps the token out of stack config altogether
 *   (docs/deployment.md);
 * - the client is built on first use, after `configure`, and kept for the process.
 * The factory and the one state object date from when this code was serialized (README.md says
 * which of those rules still hold).
 */
import { setTimeout as wait } from "node:timers/promises";
import type * as pulumi from "@pulumi/pulumi";
import {
  createWebhookSubscriptionClient,
  DEFAULT_API_URL,
  type WebhookSubscriptionClient,
} from "../calendly/client";
import type { RetryPolicy } from "../calendly/retry";
import type { CalendlyUser } from "../calendly/types";
import { createSubscription } from "./create";
import { diffSubscription } from "./diff";
import { checkSubscriptionInputs, type SubscriptionInputs } from "./inputs";
import type { SubscriptionOutputs } from "./outputs";
import { isPendingCreationError, withSerializedProvider } from "./pending";
import { deleteSubscription, readSubscription } from "./read";
import { generateSigningKey } from "./signing-key";

export interface WebhookSubscriptionProvider extends pulumi.dynamic.ResourceProvider {
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
}

interface ProviderState {
  token?: string;
  apiUrl?: string;
  client?: WebhookSubscriptionClient;
  me?: Promise<CalendlyUser>;
}

export const MISSING_TOKEN_MESSAGE =
  "No Calendly token: export CALENDLY_TOKEN=<personal access token>, or set it in the stack with " +
  "`pulumi config set --secret calendly:token <personal access token>`";

export interface ProviderOptions {
  /** Waits between create attempts whose outcome was unknown (a test seam). */
  sleep?: (ms: number) => Promise<void>;
  /** The client's retry policy (a test seam; the defaults suit Calendly). */
  retry?: Partial<RetryPolicy>;
}

export function createWebhookSubscriptionProvider(
  options: ProviderOptions = {},
): WebhookSubscriptionProvider {
  const state: ProviderState = {};
  const sleep = options.sleep ?? wait;

  function client(): WebhookSubscriptionClient {
    if (!state.client) {
      // The environment first: see the header (rotation without --run-program, CI).
      const token = process.env.CALENDLY_TOKEN || state.token;
      if (!token) throw new Error(MISSING_TOKEN_MESSAGE);
      state.client = createWebhookSubscriptionClient({
        token,
        baseUrl: state.apiUrl || process.env.CALENDLY_API_URL || DEFAULT_API_URL,
        userAgentSuffix: "pulumi-dynamic-provider",
        retry: options.retry,
      });
    }
    return state.client;
  }

  function currentUser(): Promise<CalendlyUser> {
    if (!state.me) {
      state.me = client().getCurrentUser();
      // A failed lookup is not cached: the next operation asks again.
      state.me.catch(() => {
        state.me = undefined;
      });
    }
    return state.me;
  }

  function checkedInputs(props: Record<string, unknown>): SubscriptionInputs {
    const { inputs, failures } = checkSubscriptionInputs(props);
    if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
    return inputs as unknown as SubscriptionInputs;
  }

  return {
    async configure(req) {
      // Values of the whole stack configuration, secrets decrypted, all namespaces.
      state.token = req.config.get("calendly:token") || undefined;
      state.apiUrl = req.config.get("calendly:apiUrl") || undefined;
      state.client = undefined;
      state.me = undefined;
    },

    async check(_olds, news) {
      const { inputs, failures } = checkSubscriptionInputs(news);
      return failures.length > 0 ? { inputs: news, failures } : { inputs };
    },

    async diff(_id, olds, news) {
      return diffSubscription(olds as Partial<SubscriptionOutputs>, news);
    },

    async create(props) {
      try {
        return await createSubscription(checkedInputs(props), {
          client: client(),
          currentUser,
          generateSigningKey,
          now: Date.now,
          sleep,
        });
      } catch (error) {
        // The pending resource must carry the code that later reads and deletes it (pending.ts).
        throw isPendingCreationError(error) ? withSerializedProvider(error, props.__provider) : error;
      }
    },

    async read(id, props) {
      return readSubscription(client(), id, props as SubscriptionOutputs);
    },

    // Every remote change is a replacement (diff), so an update only records inputs that change
    // nothing at Calendly (adoptExisting) or stores the program's `__provider` in place of an older
    // release's (the host adds it to the outputs), keeping every other output.
    async update(_id, olds, news) {
      const { replaces } = diffSubscription(olds as Partial<SubscriptionOutputs>, news);
      if (replaces.length > 0) {
        throw new Error(
          `Calendly cannot update ${replaces.join(", ")} in place; this change must be a replacement`,
        );
      }
      const outs: Record<string, unknown> = { ...olds, adoptExisting: news.adoptExisting === true };
      delete outs.__provider;
      return { outs };
    },

    async delete(id, props) {
      await deleteSubscription(client(), id, props as Partial<SubscriptionOutputs>);
    },
  };
}

/** The one provider of the process: every WebhookSubscription's shim delegates to it (index.ts). */
export const webhookSubscriptionProvider: WebhookSubscriptionProvider = createWebhookSubscriptionProvider();
