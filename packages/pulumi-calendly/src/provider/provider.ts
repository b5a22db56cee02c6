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
import { CalendlyClient, type WebhookSubscriptionClient } from "../calendly/client";
import type { RetryPolicy } from "../calendly/retry";
import { generateSigningKey } from "../calendly/signature";
import type { CalendlyUser } from "../calendly/types";
import { checkSubscription, createKeyCarrier, keyHeldByProvider, SECRET_INPUTS } from "./check";
import { providerConfigProblem, resolveApiUrl } from "./config";
import { createSubscription } from "./create";
import { deleteFirstWarning, diffSubscription } from "./diff";
import { checkSubscriptionInputs, isUnknown, type SubscriptionInputs } from "./inputs";
import type { StoredOutputs, SubscriptionOutputs } from "./outputs";
import { isPendingCreationError, withSerializedProvider } from "./pending";
import { deleteSubscription, readSubscription } from "./read";
import { updateSubscription } from "./update";

export const MISSING_TOKEN_MESSAGE =
  "No Calendly token: export it as CALENDLY_TOKEN (`read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN`, then " +
  "paste it), or set it in the stack with `pulumi config set --secret calendly:token` (it prompts for the value)";

/**
 * Pulumi's marker of a secret value on the wire (sdk/go/common/resource/plugin/rpc.go): an input
 * `check` or `read` returns in this form is stored encrypted, whatever the program's input of that
 * name was. The dynamic host accepts no secrets, so without it a key check generated would be
 * stored in plain text (the engine re-marks only names that were secret in the program's inputs).
 */
const SECRET_SIGNATURE = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

function withSecretsMarked(inputs: Record<string, unknown>): Record<string, unknown> {
  const marked = { ...inputs };
  for (const key of SECRET_INPUTS) {
    const value = marked[key];
    if (typeof value === "string" && !isUnknown(value)) marked[key] = { ...SECRET_SIGNATURE, value };
  }
  return marked;
}

export interface ProviderOptions {
  /** Waits between create attempts whose outcome was unknown (a test seam). */
  sleep?: (ms: number) => Promise<void>;
  /** The client's retry policy (a test seam; the defaults suit Calendly). */
  retry?: Partial<RetryPolicy>;
  /**
   * Where `check`'s notices and `diff`'s warnings go. The dynamic host's stdout, by default: the engine shows each line it
   * prints after its port as a message of the preview (sdk/go/common/resource/plugin/plugin.go).
   */
  notify?: (line: string) => void;
}

export class WebhookSubscriptionProvider implements pulumi.dynamic.ResourceProvider {
  #token: string | undefined;
  #apiUrl: string | undefined;
  #client: WebhookSubscriptionClient | undefined;
  #me: Promise<CalendlyUser> | undefined;
  /** A replacement's two checks, one process (check.ts). */
  readonly #carrier = createKeyCarrier();
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

  async check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    const { inputs, failures, notices } = checkSubscription(olds ?? {}, news, {
      generateSigningKey,
      carrier: this.#carrier,
    });
    const configProblem = providerConfigProblem(this.#config());
    if (configProblem) failures.unshift({ property: "", reason: configProblem });
    if (failures.length > 0) return { inputs: news, failures };
    for (const notice of notices) this.#notify(`pulumi-calendly: ${notice}`);
    return { inputs: withSecretsMarked(inputs) };
  }

  // The engine passes a dynamic provider the stored outputs as `olds`.
  async diff(_id: string, olds: Partial<StoredOutputs>, news: Record<string, unknown>) {
    const diff = diffSubscription(olds, news);
    const warning = deleteFirstWarning(olds, news, diff);
    if (warning) this.#notify(`pulumi-calendly: warning: ${warning}`);
    return diff;
  }

  #notify(line: string): void {
    (this.#options.notify ?? ((text: string) => process.stdout.write(`${text}\n`)))(line);
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
    const outcome = await readSubscription(this.#connected(), id, props);
    return outcome.inputs ? { ...outcome, inputs: withSecretsMarked(outcome.inputs) } : outcome;
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
      // refresh and destroy run no check: the configuration is checked here too.
      const configProblem = providerConfigProblem(this.#config());
      if (configProblem) throw new Error(configProblem);
      this.#client = new CalendlyClient({
        token,
        baseUrl: resolveApiUrl(this.#config()).url,
        userAgentSuffix: "pulumi-dynamic-provider",
        retry: this.#options.retry,
      });
    }
    return this.#client;
  }

  #config() {
    return { apiUrl: this.#apiUrl, envApiUrl: process.env.CALENDLY_API_URL || undefined };
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

  #checkedInputs(props: Record<string, unknown>): SubscriptionInputs & { keyHeldByProvider: boolean } {
    const { inputs, failures } = checkSubscriptionInputs(props);
    if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
    return { ...(inputs as unknown as SubscriptionInputs), keyHeldByProvider: keyHeldByProvider(props) };
  }
}

/** The one provider of the process: every WebhookSubscription's shim delegates to it (index.ts). */
export const webhookSubscriptionProvider = new WebhookSubscriptionProvider();
