/**
 * The provider's configuration: where the Calendly token goes. Checked by `check`, so a preview
 * (which calls Calendly not once) already fails on a value `up` could not use, naming the key and a
 * valid value; and again before the first call, since refresh and destroy never run `check`.
 */
import { DEFAULT_API_URL } from "../calendly/client";
import { apiUrlProblem } from "../calendly/secure-url";

export interface ProviderConfig {
  /** Stack config `calendly:apiUrl`; wins over the environment. */
  apiUrl?: string;
  /** `CALENDLY_API_URL` in the environment of the Pulumi CLI. */
  envApiUrl?: string;
}

/** The API URL the provider uses, and where it came from (for messages). */
export function resolveApiUrl(config: ProviderConfig): { url: string; source: string } {
  if (config.apiUrl) return { url: config.apiUrl, source: "calendly:apiUrl" };
  if (config.envApiUrl) return { url: config.envApiUrl, source: "CALENDLY_API_URL" };
  return { url: DEFAULT_API_URL, source: "the default" };
}

/** Why the configuration cannot be used, or null. */
export function providerConfigProblem(config: ProviderConfig): string | null {
  const { url, source } = resolveApiUrl(config);
  const problem = apiUrlProblem(url, source);
  if (problem === null) return null;
  const how =
    source === "calendly:apiUrl"
      ? "`pulumi config set calendly:apiUrl https://api.calendly.com` (or remove it: `pulumi config rm calendly:apiUrl`)"
      : "`export CALENDLY_API_URL=https://api.calendly.com` (or unset it)";
  return `${problem}. Fix it with ${how}`;
}
