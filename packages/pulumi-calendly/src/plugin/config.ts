/**
 * The provider's configuration: which Calendly account (token) and which API (apiUrl) one provider
 * instance talks to. The engine starts one plugin process per provider resource: the default
 * provider, configured from the stack's `calendly:*` config, and each explicit `calendly.Provider`,
 * configured from its own arguments. So two explicit providers with two tokens are two processes,
 * each with its own account.
 *
 * Where each setting comes from, first found wins:
 *
 * | setting | default provider                                           | explicit provider             |
 * | ------- | ---------------------------------------------------------- | ----------------------------- |
 * | token   | `CALENDLY_TOKEN`, stack config `calendly:token`            | its `token`, `CALENDLY_TOKEN` |
 * | apiUrl  | stack config `calendly:apiUrl`, `CALENDLY_API_URL`         | its `apiUrl`, `CALENDLY_API_URL` |
 *
 * The default provider takes the stack config as it is now (`PULUMI_CONFIG`, the stack's
 * `calendly` namespace that the CLI hands every `calendly` plugin process, unprefixed keys), then
 * the configuration stored with the provider in the state (its arguments): `refresh` and `destroy`
 * without `--run-program` configure a provider from the state, which after a token rotation holds
 * the revoked token. An exported `CALENDLY_TOKEN` wins over stack config, as it does for the
 * dynamic resource (provider/provider.ts). An explicit provider's own arguments win over the
 * environment: its token names its account. A token read from the environment is never returned to
 * the engine, so it never enters the state.
 */
import { apiUrlProblem as secureApiUrlProblem } from "../calendly/secure-url";
import { reveal, UNKNOWN } from "./values";

export interface ProviderSettings {
  token: string | undefined;
  apiUrl: string | undefined;
}

export interface ConfigCheckFailure {
  property: string;
  reason: string;
}

/** The configuration keys of the schema's `config` (schema/package.ts). */
export const CONFIG_KEYS = ["token", "apiUrl"] as const;

/** Keys the engine itself adds to a provider's inputs. */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL"]);

/** The engine's rule (sdk/go/common/providers: `IsDefaultProvider`): a default provider's name starts so. */
export function isDefaultProviderName(name: string): boolean {
  return name.startsWith("default");
}

/** The resource name in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function nameOfUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(3).join("::") : "";
}

/**
 * Why `value` is no API URL, or null: the rule the dynamic resource and the CLI apply, one function
 * (../calendly/secure-url.ts): https, or plain http to a loopback host only, since the token travels there.
 */
export function apiUrlProblem(value: string): string | null {
  return secureApiUrlProblem(value, "apiUrl");
}

/** CheckConfig: the inputs' problems (a token's value is never echoed), and the unknown keys. */
export function checkConfig(news: Record<string, unknown>): {
  failures: ConfigCheckFailure[];
  unknownKeys: string[];
} {
  const { plain } = reveal(news);
  const failures: ConfigCheckFailure[] = [];
  const token = plain.token;
  if (token !== undefined && token !== null && token !== UNKNOWN && typeof token !== "string") {
    failures.push({ property: "token", reason: "token must be a string: a Calendly personal access token" });
  }
  const apiUrl = plain.apiUrl;
  if (apiUrl !== undefined && apiUrl !== null && apiUrl !== UNKNOWN) {
    const problem = typeof apiUrl === "string" ? apiUrlProblem(apiUrl) : "apiUrl must be a string";
    if (problem) failures.push({ property: "apiUrl", reason: problem });
  }
  const unknownKeys = Object.keys(plain).filter(
    (key) => !(CONFIG_KEYS as readonly string[]).includes(key) && !ENGINE_KEYS.has(key),
  );
  return { failures, unknownKeys };
}

/** DiffConfig: the settings that changed. Never a replacement: a new token or API URL is the same account's subscriptions. */
export function diffConfig(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const before = reveal(olds).plain;
  const after = reveal(news).plain;
  return CONFIG_KEYS.filter(
    (key) =>
      after[key] === UNKNOWN || JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null),
  );
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value !== UNKNOWN ? value : undefined;
}

/** The stack's `calendly` config as the CLI passes it to the plugin (`PULUMI_CONFIG`), or {}. */
export function stackConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(env.PULUMI_CONFIG ?? "{}");
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Configure: the settings of this provider instance (see the table in the header). */
export function resolveSettings(
  args: Record<string, unknown>,
  options: { isDefault: boolean; env: NodeJS.ProcessEnv },
): ProviderSettings {
  const given = reveal(args).plain;
  const env = options.env;
  if (options.isDefault) {
    const stack = stackConfig(env);
    return {
      token:
        stringOrUndefined(env.CALENDLY_TOKEN) ??
        stringOrUndefined(stack.token) ??
        stringOrUndefined(given.token),
      apiUrl:
        stringOrUndefined(stack.apiUrl) ??
        stringOrUndefined(given.apiUrl) ??
        stringOrUndefined(env.CALENDLY_API_URL),
    };
  }
  return {
    token: stringOrUndefined(given.token) ?? stringOrUndefined(env.CALENDLY_TOKEN),
    apiUrl: stringOrUndefined(given.apiUrl) ?? stringOrUndefined(env.CALENDLY_API_URL),
  };
}
