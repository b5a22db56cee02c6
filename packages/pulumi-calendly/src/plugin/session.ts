/**
 * One provider instance's connection to Calendly: the client, built on first use from the settings
 * Configure resolved (config.ts), and the token's user, asked at most once per process (a failed
 * lookup is not kept: the next one asks again). What the core's create, read and delete are given.
 *
 * The client module (undici, zod schemas of every answer) is loaded on first use: a preview whose
 * subscriptions are unchanged never calls Calendly, and so never pays for loading it.
 */
import type { CalendlyClient } from "../calendly/client";
import type { RetryPolicy } from "../calendly/retry";
import type { CalendlyUser } from "../calendly/types";
import type { ProviderSettings } from "./config";

export const PLUGIN_MISSING_TOKEN_MESSAGE =
  "No Calendly token for this provider: set stack config `pulumi config set --secret calendly:token <token>` " +
  "(or export CALENDLY_TOKEN) for the default provider, or give an explicit provider its `token`";

export interface SessionOptions {
  /** The client's retry policy (a test seam; the defaults suit Calendly). */
  retry?: Partial<RetryPolicy>;
}

export class CalendlySession {
  #settings: ProviderSettings | undefined;
  #client: CalendlyClient | undefined;
  #me: Promise<CalendlyUser> | undefined;
  readonly #options: SessionOptions;

  constructor(options: SessionOptions = {}) {
    this.#options = options;
  }

  configure(settings: ProviderSettings): void {
    this.#settings = settings;
    this.#client = undefined;
    this.#me = undefined;
  }

  get configured(): boolean {
    return this.#settings !== undefined;
  }

  client(): CalendlyClient {
    if (!this.#client) {
      const token = this.#settings?.token;
      if (!token) throw new Error(PLUGIN_MISSING_TOKEN_MESSAGE);
      // Loaded here, not at the top: see the header.
      const client = require("../calendly/client") as typeof import("../calendly/client");
      this.#client = new client.CalendlyClient({
        token,
        baseUrl: this.#settings?.apiUrl || client.DEFAULT_API_URL,
        userAgentSuffix: "pulumi-resource-calendly",
        retry: this.#options.retry,
      });
    }
    return this.#client;
  }

  currentUser(): Promise<CalendlyUser> {
    if (!this.#me) {
      const me = this.client().getCurrentUser();
      me.catch(() => {
        if (this.#me === me) this.#me = undefined;
      });
      this.#me = me;
    }
    return this.#me;
  }
}
