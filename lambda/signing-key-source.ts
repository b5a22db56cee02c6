/**
 * Where the receiver gets its signing keys, and how long it keeps them: the environment (local
 * runs), or an SSM SecureString read with decryption, in the list format of signing-key-list.ts.
 *
 * Keys read from SSM are kept at most `maxAgeSeconds` (default 300): a key removed from the
 * parameter stops verifying in every warm container within that age, and keys past it are never
 * used, even when the re-read fails (the delivery then gets 503 and Calendly retries). When a
 * signature fails to match, the caller may force a re-read, so that a rotated key is picked up
 * without a deploy; but only when the keys were last read at least `refreshSeconds` ago, the read
 * that first loaded them included. So a forged request on a cold container costs the one read that
 * loads the keys and no second one, and a flood of forged requests on a warm container costs at
 * most one read per `refreshSeconds` (the budget renews each interval). After a failed read, reads
 * back off (1 s, doubling up to 30 s) instead of calling SSM on every request.
 *
 * A list without a single key (`[]`, `[""]`, `","`, or no source at all) is a failure, not a key
 * list: it would make every delivery a 401 that looks like forged traffic, so it is reported as
 * `SigningKeysUnavailableError` with `failure: "empty"` (the receiver answers 503 and counts an error).
 *
 * A read is bounded by the delivery's deadline (deadline.ts): the SSM request is aborted when it
 * passes, and the wait ends then even if something ignores the abort.
 */
import type { SigningKeysConfig } from "./config";
import { type Deadline, EXPIRED } from "./deadline";
import { parseSigningKeys, SigningKeysFormatError } from "./signing-key-list";
import type { ParameterReader } from "./ssm";

/** The keys valid now, and a way to force a re-read after a failed signature. */
export interface SigningKeySource {
  readonly kind: SigningKeysConfig["source"];
  /**
   * The keys (never an empty list), read again when the cached ones are older than the maximum
   * age (always, at 0). Throws `SigningKeysUnavailableError` if they cannot be read before
   * `deadline`, while backing off after a failed read, or when the list holds no key.
   */
  current(deadline?: Deadline): Promise<readonly string[]>;
  /**
   * Re-reads the keys unless they were read less than `refreshSeconds` ago (the first read
   * included); resolves to the new list, or `undefined` when no re-read happened (too soon, a
   * fixed source, backing off, or a failed read, which keeps the cached keys).
   */
  refreshAfterFailure(deadline?: Deadline): Promise<readonly string[] | undefined>;
}

/**
 * Why keys are missing: `unavailable` (SSM unreachable, parameter missing or unreadable, a list
 * that cannot be parsed), `deadline` (no answer before the delivery's deadline) or `empty` (the
 * list holds no key).
 */
export type SigningKeysFailure = "unavailable" | "deadline" | "empty";

/** The keys could not be had. The message never contains a key. */
export class SigningKeysUnavailableError extends Error {
  override readonly name = "SigningKeysUnavailableError";
  constructor(
    message: string,
    readonly failure: SigningKeysFailure = "unavailable",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
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

const LIST_FIX = "write a JSON array of keys, or keys separated by commas or newlines";
const NO_ANSWER = "no answer before the delivery's deadline";
const EMPTY_LIST = "the list is empty once blanks are dropped";

export function createKeySource(config: SigningKeysConfig, options: KeySourceOptions): SigningKeySource {
  if (config.source === "none") {
    return {
      kind: "none",
      current: async () => {
        throw new SigningKeysUnavailableError(
          "no signing key configured: every delivery fails; set CALENDLY_SIGNING_KEY_PARAMETER (AWS) or " +
            "CALENDLY_SIGNING_KEYS (local)",
          "empty",
        );
      },
      refreshAfterFailure: async () => undefined,
    };
  }
  if (config.source === "env") {
    // Parsed on first use, not here, so a bad value surfaces as an error of the request that needs it.
    let keys: string[] | undefined;
    return {
      kind: "env",
      current: async () => {
        keys ??= parseSigningKeys(config.text);
        if (keys.length === 0) {
          throw new SigningKeysUnavailableError(
            `CALENDLY_SIGNING_KEYS holds no signing key (only separators, blanks or an empty list): every delivery fails; ${LIST_FIX}`,
            "empty",
          );
        }
        return keys;
      },
      refreshAfterFailure: async () => undefined,
    };
  }

  const now = options.now ?? Date.now;
  const parameterName = config.parameterName;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const refreshMs = options.refreshSeconds * 1000;
  let cached: { keys: readonly string[]; readAt: number } | undefined;
  // When the last read ended, whatever started it (first load, age, a failed signature, and whether
  // it succeeded): a forced re-read waits `refreshMs` from there, so no request ever causes two.
  let lastReadAt = Number.NEGATIVE_INFINITY;
  // One read at a time: concurrent requests (the local server) share it.
  let inFlight: Promise<readonly string[]> | undefined;
  let failures = 0;
  let retryAt = Number.NEGATIVE_INFINITY;
  let lastFailure = "";
  let lastFailureKind: SigningKeysFailure = "unavailable";

  const unavailable = (why: string, failure: SigningKeysFailure, cause?: unknown) =>
    new SigningKeysUnavailableError(
      failure === "empty"
        ? `SSM parameter ${parameterName} holds no signing key (${why}): every delivery fails; ${LIST_FIX}`
        : `cannot read signing keys from SSM parameter ${parameterName} (${why}); check that it exists, ` +
            "is a SecureString holding a JSON array of keys, and that the function may ssm:GetParameter it " +
            "(and kms:Decrypt, if the parameter uses a customer-managed key)",
      failure,
      { cause },
    );

  /** `work`, or a deadline failure when `deadline` passes first. */
  const within = async <T>(work: Promise<T>, deadline: Deadline | undefined): Promise<T> => {
    if (deadline === undefined) return work;
    const result = await deadline.race(work);
    if (result === EXPIRED) {
      throw unavailable(NO_ANSWER, "deadline");
    }
    return result;
  };

  const read = (deadline: Deadline | undefined): Promise<readonly string[]> => {
    // A request joining a read started by another still waits no longer than its own deadline.
    if (inFlight !== undefined) return within(inFlight, deadline);
    const wait = retryAt - now();
    if (wait > 0) {
      return Promise.reject(
        unavailable(`${lastFailure}; not retried for another ${Math.ceil(wait / 1000)} s`, lastFailureKind),
      );
    }
    inFlight = (async () => {
      try {
        // Bounded by the deadline of the request that started it, so a hung read cannot stay
        // in flight for the requests that come after.
        const keys = parseSigningKeys(
          await within(options.readParameter(parameterName, deadline?.signal), deadline),
        );
        if (keys.length === 0) throw unavailable(EMPTY_LIST, "empty");
        cached = { keys, readAt: now() };
        failures = 0;
        retryAt = Number.NEGATIVE_INFINITY;
        return keys;
      } catch (error) {
        failures += 1;
        retryAt = now() + Math.min(READ_BACKOFF_MAX_MS, READ_BACKOFF_FIRST_MS * 2 ** (failures - 1));
        // Aborted inside the SDK by the deadline, or ended by the race: the same failure.
        lastFailureKind =
          error instanceof SigningKeysUnavailableError
            ? error.failure
            : deadline?.expired
              ? "deadline"
              : "unavailable";
        lastFailure =
          lastFailureKind === "deadline"
            ? NO_ANSWER
            : lastFailureKind === "empty"
              ? EMPTY_LIST
              : error instanceof SigningKeysFormatError
                ? error.message
                : errorName(error);
        throw error instanceof SigningKeysUnavailableError
          ? error
          : unavailable(lastFailure, lastFailureKind, error);
      } finally {
        inFlight = undefined;
        lastReadAt = now();
      }
    })();
    return inFlight;
  };

  return {
    kind: "ssm",
    current: (deadline) =>
      cached !== undefined && now() - cached.readAt < maxAgeMs
        ? Promise.resolve(cached.keys)
        : read(deadline),
    async refreshAfterFailure(deadline) {
      if (inFlight !== undefined) return within(inFlight, deadline).catch(() => undefined);
      if (now() - lastReadAt < refreshMs) return undefined;
      if (retryAt > now()) return undefined;
      try {
        return await read(deadline);
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
