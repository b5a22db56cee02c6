/**
 * Where the receiver gets its signing keys, and how long it keeps them: the environment (local
 * runs), or an SSM SecureString read with decryption, in the list format of signing-key-list.ts.
 *
 * Keys read from SSM are kept at most `maxAgeSeconds` (default 300): a key removed from the
 * parameter stops verifying in every warm container within that age, and keys past it are never
 * used, even when the re-read fails (the delivery then gets 503 and Calendly retries). When a
 * signature fails to match, the caller may force a re-read, at most once per `refreshSeconds`, so a
 * rotated key is picked up without a deploy while a flood of forged requests costs at most one SSM
 * call per interval. After a failed read, reads back off (1 s, doubling up to 30 s) instead of
 * calling SSM on every request.
 */
import type { SigningKeysConfig } from "./config";
import { parseSigningKeys, SigningKeysFormatError } from "./signing-key-list";
import type { ParameterReader } from "./ssm";

/** The keys valid now, and a way to force a re-read after a failed signature. */
export interface SigningKeySource {
  readonly kind: SigningKeysConfig["source"];
  /**
   * The keys, read again when the cached ones are older than the maximum age (always, at 0).
   * Throws `SigningKeysUnavailableError` if they cannot be read, or while backing off after a
   * failed read.
   */
  current(): Promise<readonly string[]>;
  /**
   * Re-reads the keys unless a failure forced a re-read less than `refreshSeconds` ago (the first
   * read does not count); resolves to the new list, or `undefined` when no re-read happened (too
   * soon, a fixed source, backing off, or a failed read, which keeps the cached keys).
   */
  refreshAfterFailure(): Promise<readonly string[] | undefined>;
}

/** The keys could not be read at all (SSM unreachable, parameter missing or unreadable). */
export class SigningKeysUnavailableError extends Error {
  override readonly name = "SigningKeysUnavailableError";
}

export interface KeySourceOptions {
  /** Reads the SSM parameter's decrypted value. */
  readParameter: ParameterReader;
  refreshSeconds: number;
  maxAgeSeconds: number;
  /** Milliseconds clock; tests move it. */
  now?: () => number;
  /** Told when a forced re-read failed and the cached keys stay in use. */
  onRefreshError?: (error: unknown) => void;
}

/** First pause after a failed read; it doubles with each further failure, up to the maximum. */
export const READ_BACKOFF_FIRST_MS = 1000;
export const READ_BACKOFF_MAX_MS = 30_000;

export function createKeySource(config: SigningKeysConfig, options: KeySourceOptions): SigningKeySource {
  if (config.source === "none") {
    return { kind: "none", current: async () => [], refreshAfterFailure: async () => undefined };
  }
  if (config.source === "env") {
    // Parsed on first use, not here, so a bad value surfaces as an error of the request that needs it.
    let keys: string[] | undefined;
    return {
      kind: "env",
      current: async () => {
        keys ??= parseSigningKeys(config.text);
        return keys;
      },
      refreshAfterFailure: async () => undefined,
    };
  }

  const now = options.now ?? Date.now;
  const parameterName = config.parameterName;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  let cached: { keys: readonly string[]; readAt: number } | undefined;
  // Only re-reads forced by failed signatures are rate-limited: a container that loaded its keys a
  // second before a rotation must still pick up the new key on the first delivery signed with it.
  let lastForcedReadAt = Number.NEGATIVE_INFINITY;
  // One read at a time: concurrent requests (the local server) share it.
  let inFlight: Promise<readonly string[]> | undefined;
  let failures = 0;
  let retryAt = Number.NEGATIVE_INFINITY;
  let lastFailure = "";

  const unavailable = (why: string, cause?: unknown) =>
    new SigningKeysUnavailableError(
      `cannot read signing keys from SSM parameter ${parameterName} (${why}); check that it exists, ` +
        "is a SecureString holding a JSON array of keys, and that the function may ssm:GetParameter it " +
        "(and kms:Decrypt, if the parameter uses a customer-managed key)",
      { cause },
    );

  const read = (): Promise<readonly string[]> => {
    if (inFlight !== undefined) return inFlight;
    const wait = retryAt - now();
    if (wait > 0) {
      return Promise.reject(
        unavailable(`${lastFailure}; not retried for another ${Math.ceil(wait / 1000)} s`),
      );
    }
    inFlight = (async () => {
      try {
        const keys = parseSigningKeys(await options.readParameter(parameterName));
        cached = { keys, readAt: now() };
        failures = 0;
        retryAt = Number.NEGATIVE_INFINITY;
        return keys;
      } catch (error) {
        failures += 1;
        retryAt = now() + Math.min(READ_BACKOFF_MAX_MS, READ_BACKOFF_FIRST_MS * 2 ** (failures - 1));
        lastFailure = error instanceof SigningKeysFormatError ? error.message : errorName(error);
        throw unavailable(lastFailure, error);
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return {
    kind: "ssm",
    current: () =>
      cached !== undefined && now() - cached.readAt < maxAgeMs ? Promise.resolve(cached.keys) : read(),
    async refreshAfterFailure() {
      if (inFlight !== undefined) return inFlight.catch(() => undefined);
      if (now() - lastForcedReadAt < options.refreshSeconds * 1000) return undefined;
      if (retryAt > now()) return undefined;
      lastForcedReadAt = now();
      try {
        return await read();
      } catch (error) {
        options.onRefreshError?.(error);
        return undefined;
      }
    },
  };
}

/** An error's name and its cause's, for errors that come from the SDK (never carry a key). */
function errorName(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.name}` : "";
    return `${error.name}${cause}`;
  }
  return String(error);
}
