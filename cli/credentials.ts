/**
 * Where the CLI's Calendly token and API URL come from.
 *
 * Never from the command line: a `--token` would end up in shell history and process lists.
 * - `--stack <name>`: `pulumi config get calendly:token --stack <name>` (and `calendly:apiUrl`),
 *   i.e. the very values `pulumi up` gives the provider. Shelling out to the Pulumi CLI is the only
 *   way to read a stack's secrets: it knows the backend and the secrets provider that decrypt them.
 *   An explicit `--stack` wins over CALENDLY_TOKEN, as stack config wins over the environment in
 *   the provider.
 * - else `CALENDLY_TOKEN`.
 * API URL: `--api-url`, else the stack's `calendly:apiUrl`, else `CALENDLY_API_URL`, else Calendly's.
 * Whichever it is, the token is sent there: https only, or plain http to a loopback host (the
 * emulator), the rule the provider applies to `calendly:apiUrl` (`apiUrlProblem`).
 */
import { execFile } from "node:child_process";
import { apiUrlProblem, DEFAULT_API_URL } from "../calendly";
import { CliError } from "./args";

export interface Credentials {
  token: string | undefined;
  /** Where the token came from, for messages: "CALENDLY_TOKEN" or "stack dev". Never the token. */
  tokenSource: string | undefined;
  apiUrl: string;
}

export interface CredentialOptions {
  stack?: string;
  apiUrl?: string;
  env: Record<string, string | undefined>;
  /** Told when both --stack and CALENDLY_TOKEN are present. */
  note?: (line: string) => void;
}

export type ConfigValue = { found: true; value: string } | { found: false };

/** Reads one key of a stack's config through the Pulumi CLI; secrets come back decrypted. */
export function pulumiConfigGet(
  stack: string,
  key: string,
  env: Record<string, string | undefined>,
): Promise<ConfigValue> {
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      ["config", "get", key, "--stack", stack],
      // A backend login or a passphrase prompt must fail, not hang: no stdin, a deadline.
      { env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 60_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) {
          // `pulumi config get` ends the value with a newline; the value itself is kept as is.
          resolve({ found: true, value: stdout.replace(/\r?\n$/, "") });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          reject(
            new CliError(
              "--stack needs the Pulumi CLI, but `pulumi` is not on PATH: install it, or set CALENDLY_TOKEN instead of --stack",
            ),
          );
          return;
        }
        const reason = firstLine(stderr) || firstLine(stdout) || error.message;
        if (/not found/i.test(reason) && /configuration key|config/i.test(reason)) {
          resolve({ found: false });
          return;
        }
        reject(
          new CliError(
            `could not read ${key} from Pulumi stack "${stack}" (${reason}): check the stack name and \`pulumi login\`, or set CALENDLY_TOKEN instead`,
          ),
        );
      },
    );
  });
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.replace(/^error:\s*/i, "").trim())
      .find((line) => line.length > 0) ?? ""
  );
}

export type PulumiConfigReader = (
  stack: string,
  key: string,
  env: Record<string, string | undefined>,
) => Promise<ConfigValue>;

export async function resolveCredentials(
  options: CredentialOptions,
  readConfig: PulumiConfigReader = pulumiConfigGet,
): Promise<Credentials> {
  const { apiUrlSource, ...credentials } = await credentialsFrom(options, readConfig);
  const problem = apiUrlProblem(credentials.apiUrl, apiUrlSource);
  if (problem) throw new CliError(problem);
  return credentials;
}

async function credentialsFrom(
  options: CredentialOptions,
  readConfig: PulumiConfigReader,
): Promise<Credentials & { apiUrlSource: string }> {
  const { env, stack } = options;
  if (stack !== undefined) {
    const token = await readConfig(stack, "calendly:token", env);
    if (!token.found || token.value === "") {
      throw new CliError(
        // Not "set it in config": a token there is stored in the stack's state (docs/deployment.md).
        `Pulumi stack "${stack}" has no calendly:token (this project's stacks keep the token out of their config and state): set CALENDLY_TOKEN instead of --stack`,
      );
    }
    if (env.CALENDLY_TOKEN) options.note?.(`using the token of stack "${stack}"; CALENDLY_TOKEN is ignored`);
    const fromStack = options.apiUrl === undefined ? await stackApiUrl(readConfig, stack, env) : undefined;
    const [apiUrl, apiUrlSource] =
      options.apiUrl !== undefined
        ? [options.apiUrl, "--api-url"]
        : fromStack !== undefined
          ? [fromStack, `calendly:apiUrl of stack "${stack}"`]
          : [env.CALENDLY_API_URL || DEFAULT_API_URL, "CALENDLY_API_URL"];
    return { token: token.value, tokenSource: `stack "${stack}"`, apiUrl, apiUrlSource };
  }
  const [apiUrl, apiUrlSource] =
    options.apiUrl !== undefined
      ? [options.apiUrl, "--api-url"]
      : [env.CALENDLY_API_URL || DEFAULT_API_URL, "CALENDLY_API_URL"];
  const token = env.CALENDLY_TOKEN || undefined;
  return { token, tokenSource: token === undefined ? undefined : "CALENDLY_TOKEN", apiUrl, apiUrlSource };
}

async function stackApiUrl(
  readConfig: PulumiConfigReader,
  stack: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const value = await readConfig(stack, "calendly:apiUrl", env);
  return value.found && value.value !== "" ? value.value : undefined;
}

/** How to fix a missing or rejected token, given where it came from. */
export function tokenFix(tokenSource: string | undefined): string {
  if (tokenSource?.startsWith("stack ")) {
    const stack = tokenSource.slice("stack ".length);
    // Not "set a new one there": a token in config is stored in the stack's state (docs/deployment.md).
    return `set CALENDLY_TOKEN to a valid token instead of --stack, and remove the stale one from the stack's config (\`pulumi config rm calendly:token --stack ${stack.replace(/"/g, "")}\`)`;
  }
  return "set CALENDLY_TOKEN to a valid personal access token";
}

export const MISSING_TOKEN =
  "no Calendly token: set CALENDLY_TOKEN to a personal access token, or pass --stack <name> to use a Pulumi stack's calendly:token";
