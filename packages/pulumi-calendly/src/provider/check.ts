/**
 * `check`: the program's inputs validated and normalized (inputs.ts), plus what the provider decides
 * before anything is created: the signing key a subscription is created with, and its desired state.
 *
 * The signing key. A key the program gives is used as it is. A key the program leaves out is the
 * provider's to hold, and it follows Pulumi's pattern for generated values (autonaming): generated
 * here, into the inputs, when the subscription is new, and carried over from the old inputs on
 * every later check, so that a replacement for any other reason (events, scope, owner, url, a
 * `disabled` state) creates the new subscription with the key the receiver already knows. Only a
 * raised `signingKeyGeneration` makes a new one: a rotation, which the preview shows as a change of
 * `signingKeyGeneration` and `signingKey`. `__defaults` (an internal key the engine never displays)
 * lists `signingKey` when the provider holds the key, so create and read can tell.
 *
 * A replacement checks twice. The engine first calls check with the old inputs; when diff then asks
 * for a replacement, it calls check again with no old inputs at all, "to recompute the default
 * values" (pkg/resource/deploy/step_generator.go, as autonaming wants a new name): the inputs of
 * that second check are the ones the new subscription is created with and stored with. So the first
 * check remembers the key it carried over (`KeyCarrier`), and the second, finding no old inputs,
 * takes it from there before it would generate one. Both run in the same provider process, one
 * after the other, for the same resource: the dynamic adapter recognizes them by the program's
 * inputs' fingerprint (it is given no URN), the native plugin by the URN.
 *
 * The engine stores the inputs check returns, in plain text unless marked secret: `SECRET_INPUTS`
 * names what the adapter must mark (the dynamic host: provider.ts).
 *
 * A state written before this rule (release 0.2.0 and older) holds a generated key in its outputs
 * only: check cannot see it (the engine passes the old inputs). Such a subscription keeps it while
 * nothing forces a replacement; `pulumi refresh` copies it into the inputs (read.ts), and a
 * replacement before that refresh stops in diff (diff.ts) rather than change the key.
 *
 * The state: a subscription is meant to be `active`, so check says so; a refresh records what
 * Calendly holds (read.ts), and a `disabled` one then shows in the preview as a change of `state`.
 */
import { type CheckFailure, checkSubscriptionInputs, isUnknown, UNKNOWN } from "./inputs";

/** The input key of the engine's convention listing inputs the provider filled in. */
export const DEFAULTS_KEY = "__defaults";
/** The inputs the engine must store encrypted. */
export const SECRET_INPUTS = ["signingKey"] as const;
/** The desired state, as check records it in the inputs. */
export const DESIRED_STATE = "active";

export interface CheckDeps {
  generateSigningKey: () => string;
  /** Keys carried over by a check with old inputs, for the engine's second check of a replacement. */
  carrier?: KeyCarrier;
  /**
   * What names this resource to the carrier across its two checks: its URN where the provider is
   * given one (the native plugin); by default the program's inputs (`inputsFingerprint`: the
   * dynamic host hands `check` no URN).
   */
  identity?: string;
}

/**
 * What the first check of a possible replacement leaves for the second (see the header): that the
 * resource exists, and the key the provider holds for it (none when the program gives the key).
 */
export interface KeyCarrier {
  remember(identity: string, key: string | undefined): void;
  /** What was remembered for this resource, if anything (each entry is recalled once). */
  recall(identity: string): { key: string | undefined } | undefined;
}

/** The program's inputs as text, keys sorted, the serialized provider left out. */
export function inputsFingerprint(news: Record<string, unknown>): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  const { __provider: _code, ...rest } = news;
  return JSON.stringify(canonical(rest));
}

/** A KeyCarrier for one provider process. */
export function createKeyCarrier(): KeyCarrier {
  const entries = new Map<string, { key: string | undefined }>();
  return {
    remember: (identity, key) => entries.set(identity, { key }),
    recall(identity) {
      const entry = entries.get(identity);
      entries.delete(identity);
      return entry;
    },
  };
}

export interface SubscriptionCheck {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
  /** Lines worth telling the person running the preview (what an `up` will do beyond the obvious). */
  notices: string[];
}

/** Whether `olds` are the inputs of an existing resource (the engine passes `{}` for a new one). */
function existing(olds: Record<string, unknown>): boolean {
  return olds.url !== undefined || olds.scope !== undefined;
}

function generationOf(inputs: Record<string, unknown>): unknown {
  return inputs.signingKeyGeneration ?? 1;
}

/**
 * @param olds the resource's old inputs as the engine stored them (`{}` for a new resource)
 * @param news the program's inputs
 */
export function checkSubscription(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deps: CheckDeps,
): SubscriptionCheck {
  const { inputs, failures } = checkSubscriptionInputs(news);
  const notices: string[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const given = inputs.signingKey !== undefined;

  const generation = inputs.signingKeyGeneration;
  const oldGeneration = existing(olds) ? generationOf(olds) : undefined;
  const known = (value: unknown): value is number => typeof value === "number";
  if (known(generation) && known(oldGeneration) && generation < oldGeneration) {
    fail(
      "signingKeyGeneration",
      `signingKeyGeneration can only be raised: it is ${oldGeneration}, and lowering it to ${generation} would not bring an ` +
        `older key back. Keep ${oldGeneration}, or raise it to ${oldGeneration + 1} to rotate the key`,
    );
  }

  if (inputs.adoptExisting === true && !given) {
    fail(
      "signingKey",
      "adoptExisting needs signingKey: Calendly never returns a subscription's signing key, so a subscription " +
        "taken over without the key it was created with could never be verified. Set signingKey to that key " +
        '(e.g. `signingKey: config.requireSecret("bookings-signing-key")`), or remove adoptExisting',
    );
  }

  // The engine's second check of a replacement finds what its first check remembered.
  const identity = deps.identity ?? inputsFingerprint(news);
  const replacement = existing(olds) ? undefined : deps.carrier?.recall(identity);

  if (!given) {
    const oldKey =
      typeof olds.signingKey === "string" && olds.signingKey !== "" ? olds.signingKey : undefined;
    const raised = known(generation) && known(oldGeneration) && generation > oldGeneration;
    if (replacement?.key !== undefined) {
      inputs.signingKey = replacement.key;
      inputs[DEFAULTS_KEY] = ["signingKey"];
    } else if (!existing(olds) || raised) {
      inputs.signingKey = deps.generateSigningKey();
      inputs[DEFAULTS_KEY] = ["signingKey"];
    } else if (isUnknown(generation)) {
      // Preview, with a generation not known yet: it may rotate the key.
      inputs.signingKey = UNKNOWN;
      inputs[DEFAULTS_KEY] = ["signingKey"];
    } else if (oldKey !== undefined) {
      inputs.signingKey = oldKey;
      inputs[DEFAULTS_KEY] = ["signingKey"];
    }
    // else: a state written before keys were carried over: see the header.
  }
  if (existing(olds)) {
    const key = keyHeldByProvider(inputs) && !isUnknown(inputs.signingKey) ? inputs.signingKey : undefined;
    deps.carrier?.remember(identity, typeof key === "string" ? key : undefined);
  }

  inputs.state = DESIRED_STATE;

  // A new subscription, not a replacement: only its create may take an existing one over.
  if (inputs.adoptExisting === true && !existing(olds) && !replacement && typeof inputs.url === "string") {
    notices.push(
      `adoptExisting: if Calendly already holds a subscription for ${inputs.url} (same scope, owner and events), ` +
        "`pulumi up` takes it over with the given signingKey instead of creating one",
    );
  }
  return { inputs, failures, notices };
}

/** Whether the provider holds this subscription's key (generated or carried over), from checked inputs. */
export function keyHeldByProvider(inputs: Record<string, unknown>): boolean {
  const defaults = inputs[DEFAULTS_KEY];
  return Array.isArray(defaults) && defaults.includes("signingKey");
}
