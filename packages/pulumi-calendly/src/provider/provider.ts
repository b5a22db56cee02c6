/**
 * The dynamic provider behind `WebhookSubscription`, as the dynamic-provider host runs it: one
 * instance per host process (`webhookSubscriptionProvider`, below), reached through the shim that
 * Pulumi serializes into `__provider` (shim.ts, index.ts). This code is loaded from the installed
 * package, never serialized (see README.md beside this file):
 * - credentials arrive through the `CALENDLY_TOKEN` environment or `configure` (stack config
 *   `calendly:token` / `calendly:apiUrl`, `CALENDLY_API_URL`) at call time, never at module load,
 *   so no token is ever captured into `__provider`. An explicit `CALENDLY_TOKEN` wins over stack
 *   config: `pulumi refresh` and `destroy` without `--run-program` configure the provider with the
 *   config stored in state at the last update, so after a rotation the stored token is the revoked
 *   one (test/engine/token-rotation.test.ts), and CI keeps the token out of stack config altogether
 *   (docs/deployment.md);
 * - the client is built on first use, after `configure`, and kept for the process.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type * as pulumi from "@pulumi/pulumi";
import { CalendlyClient, DEFAULT_API_URL, type WebhookSubscriptionClient } from "../calendly/client";
import type { RetryPolicy } from "../calendly/retry";
import { generateSigningKey } from "../calendly/signature";
import type { CalendlyUser } from "../calendly/types";
import { createSubscription } from "./create";
import { diffSubscription } from "./diff";
import { checkSubscriptionInputs, type SubscriptionInputs } from "./inputs";
import type { StoredOutputs, SubscriptionOutputs } from "./outputs";
import { isPendingCreationError, withSerializedProvider } from "./pending";
import { deleteSubscription, readSubscription } from "./read";
import { updateSubscription } from "./update";

export const MISSING_TOKEN_MESSAGE =
  "No Calendly token: export CALENDLY_TOKEN=<personal access token>, or set it in the stack with " +
  "`pulumi config set --secret calendly:token <personal access token>`";

export interface ProviderOptions {
  /** Waits between create attempts whose outcome was unknown (a test seam). */
  sleep?: (ms: number) => Promise<void>;
  /** The client's retry policy (a test seam; the defaults suit Calendly). */
  retry?: Partial<RetryPolicy>;
}

export class WebhookSubscriptionProvider implements pulumi.dynamic.ResourceProvider {
  #token: string | undefined;
  #apiUrl: string | undefined;
  #client: WebhookSubscriptionClient | undefined;
  #me: Promise<CalendlyUser> | undefined;
  readonly #options: ProviderOptions;

  constructor(options: ProviderOptions = {}) {
    this.#options = options;
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    // Values of the whole stack configuration, secrets decrypted, all namespaces.
    this.#token = req.config.get("calendly:token") || undefined;
    this.#apiUrl = req.config.get("calendly:apiUrl") || undefined;
    this.#client = undefined;
    this.#me = undefined;
  }

  async check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const { inputs, failures } = checkSubscriptionInputs(news);
    return failures.length > 0 ? { inputs: news, failures } : { inputs };
  }

  // The engine passes a dynamic provider the stored outputs as `olds`.
  async diff(_id: string, olds: Partial<StoredOutputs>, news: Record<string, unknown>) {
    return diffSubscription(olds, news);
  }

  async create(props: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    try {
      return await createSubscription(this.#checkedInputs(props), {
        client: this.#connected(),
        currentUser: () => this.#currentUser(),
        generateSigningKey,
        now: Date.now,
        sleep: this.#options.sleep ?? sleep,
      });
    } catch (error) {
      // The pending resource must carry the code that later reads and deletes it (pending.ts).
      throw isPendingCreationError(error) ? withSerializedProvider(error, props.__provider) : error;
    }
  }

  async read(id: string, props: SubscriptionOutputs): Promise<pulumi.dynamic.ReadResult> {
    return readSubscription(this.#connected(), id, props);
  }

  /**
   * Records what changes nothing at Calendly (update.ts), or stores the program's `__provider` in
   * place of an older release's (the host adds it to the outputs).
   */
  async update(
    _id: string,
    olds: Partial<StoredOutputs>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: updateSubscription(olds, news) };
  }

  async delete(id: string, props: Partial<StoredOutputs>): Promise<void> {
    await deleteSubscription(this.#connected(), id, props);
  }

  /** The client, built on first use after `configure`. */
  #connected(): WebhookSubscriptionClient {
    if (!this.#client) {
      // The environment first: see the header (rotation without --run-program, CI).
      const token = process.env.CALENDLY_TOKEN || this.#token;
      if (!token) throw new Error(MISSING_TOKEN_MESSAGE);
      this.#client = new CalendlyClient({
        token,
        baseUrl: this.#apiUrl || process.env.CALENDLY_API_URL || DEFAULT_API_URL,
        userAgentSuffix: "pulumi-dynamic-provider",
        retry: this.#options.retry,
      });
    }
    return this.#client;
  }

  /** The token's user, asked once per process; a failed lookup is not kept, the next one asks again. */
  #currentUser(): Promise<CalendlyUser> {
    if (!this.#me) {
      const me = this.#connected().getCurrentUser();
      me.catch(() => {
        if (this.#me === me) this.#me = undefined;
      });
      this.#me = me;
    }
    return this.#me;
  }

  #checkedInputs(props: Record<string, unknown>): SubscriptionInputs {
    const { inputs, failures } = checkSubscriptionInputs(props);
    if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
    return inputs as unknown as SubscriptionInputs;
  }
}

/** The one provider of the process: every WebhookSubscription's shim delegates to it (index.ts). */
export const webhookSubscriptionProvider = new WebhookSubscriptionProvider();
