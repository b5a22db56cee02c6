/**
 * The inputs of a WebhookSubscription: their types, and `check`'s validation and normalization.
 *
 * Shared by the provider's `check` and by the stack's configuration validation, so a bad config is
 * reported with the same words before any resource is touched.
 */
import { z } from "zod";
import { eventScopeProblems, isScope, SCOPES, type Scope } from "../calendly/events";
import { isLoopbackHost, secureUrlProblem } from "../calendly/secure-url";

/**
 * The string the engine sends for a value not known yet (during preview): Pulumi's own constant
 * (`runtime.unknownValue`), written out so that loading the core does not load all of
 * @pulumi/pulumi (a quarter of a second), which the native plugin never needs; a test keeps the
 * two equal (packages/pulumi-calendly/test/plugin-values.test.ts).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const EVENT_LIST = z.array(z.string()).min(1);

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Inputs after check: `events` unique and sorted, `adoptExisting` defaulted, nothing undefined. */
export interface SubscriptionInputs {
  url: string;
  events: string[];
  scope: Scope;
  organization?: string;
  user?: string;
  group?: string;
  signingKey?: string;
  /** Raised by one to rotate a key the provider generated; 1 when left out. */
  signingKeyGeneration: number;
  adoptExisting: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Minimum length of a caller-supplied signing key: shorter shared secrets are guessable. */
export const MIN_SIGNING_KEY_LENGTH = 16;

export { isLoopbackHost };

/** Why `value` is not an acceptable callback URL, or null when it is. */
export function callbackUrlProblem(value: string): string | null {
  return secureUrlProblem(value, {
    name: "url",
    example: "https://hooks.example.com/calendly (the receiver's full URL)",
    whyHttps: "Calendly delivers only to https URLs",
  });
}

function uriProblem(value: string, what: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return null;
  } catch {
    // fall through
  }
  return `"${value}" is not a Calendly ${what} URI; it looks like https://api.calendly.com/${what}s/<uuid> (run \`npx pulumi-calendly whoami\` to see yours)`;
}

/**
 * Validates and normalizes raw inputs. Unknown values (preview) are kept as they are and never
 * fail; checks that depend on them are skipped.
 */
export function checkSubscriptionInputs(raw: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const inputs: Record<string, unknown> = {};

  // url
  const url = raw.url;
  if (isUnknown(url)) inputs.url = url;
  else if (typeof url !== "string" || url.length === 0)
    fail("url", "url is required: the receiver's https:// URL");
  else {
    const problem = callbackUrlProblem(url);
    if (problem) fail("url", problem);
    inputs.url = url;
  }

  // scope
  const scope = raw.scope;
  let knownScope: Scope | undefined;
  if (isUnknown(scope)) inputs.scope = scope;
  else if (typeof scope !== "string" || !isScope(scope)) {
    fail(
      "scope",
      `scope must be one of ${SCOPES.map((s) => `"${s}"`).join(", ")}; got ${JSON.stringify(scope)}`,
    );
  } else {
    knownScope = scope;
    inputs.scope = scope;
  }

  // events
  const events = raw.events;
  if (isUnknown(events)) inputs.events = events;
  else {
    const parsed = EVENT_LIST.safeParse(events);
    if (!parsed.success) {
      fail(
        "events",
        'events must be a non-empty list of event names, e.g. ["invitee.created", "invitee.canceled"]',
      );
    } else {
      const known = parsed.data.filter((e) => !isUnknown(e));
      const unknowns = parsed.data.filter((e) => isUnknown(e));
      // Unique and sorted, so that order never shows as a diff.
      inputs.events = [...[...new Set(known)].sort(), ...unknowns.slice(0, 1)];
      if (knownScope) {
        for (const problem of eventScopeProblems(known, knownScope)) fail("events", problem);
      } else if (!isUnknown(scope)) {
        for (const problem of eventScopeProblems(known, "organization").filter((p) =>
          p.startsWith("unknown"),
        )) {
          fail("events", problem);
        }
      }
    }
  }

  // owners
  for (const [key, what] of [
    ["organization", "organization"],
    ["user", "user"],
    ["group", "group"],
  ] as const) {
    const value = raw[key];
    if (value === undefined || value === null || value === "") continue;
    if (isUnknown(value)) {
      inputs[key] = value;
      continue;
    }
    if (typeof value !== "string") {
      fail(key, `${key} must be a URI string`);
      continue;
    }
    const problem = uriProblem(value, what);
    if (problem) fail(key, problem);
    inputs[key] = value;
  }
  if (knownScope) {
    if (inputs.user !== undefined && knownScope !== "user") {
      fail("user", `user applies only to scope "user"; remove it, or set scope: "user"`);
    }
    if (inputs.group !== undefined && knownScope !== "group") {
      fail("group", `group applies only to scope "group"; remove it, or set scope: "group"`);
    }
    if (knownScope === "group" && inputs.group === undefined) {
      fail("group", "group scope needs group: the group's URI (https://api.calendly.com/groups/<uuid>)");
    }
  }

  // signingKey
  const signingKey = raw.signingKey;
  if (signingKey !== undefined && signingKey !== null) {
    if (isUnknown(signingKey)) inputs.signingKey = signingKey;
    else if (typeof signingKey !== "string") fail("signingKey", "signingKey must be a string");
    else if (signingKey.length < MIN_SIGNING_KEY_LENGTH || signingKey !== signingKey.trim()) {
      // Never echo the key itself.
      fail(
        "signingKey",
        `signingKey must be at least ${MIN_SIGNING_KEY_LENGTH} characters without surrounding spaces; ` +
          "leave it out to have a random 256-bit key generated",
      );
    } else inputs.signingKey = signingKey;
  }

  // signingKeyGeneration
  const generation = raw.signingKeyGeneration;
  if (generation === undefined || generation === null) inputs.signingKeyGeneration = 1;
  else if (isUnknown(generation)) inputs.signingKeyGeneration = generation;
  else if (typeof generation !== "number" || !Number.isSafeInteger(generation) || generation < 1) {
    fail(
      "signingKeyGeneration",
      `signingKeyGeneration must be a whole number from 1 up (raise it by one to rotate a generated key); got ${JSON.stringify(generation)}`,
    );
  } else inputs.signingKeyGeneration = generation;

  // adoptExisting
  const adopt = raw.adoptExisting;
  if (adopt === undefined || adopt === null) inputs.adoptExisting = false;
  else if (isUnknown(adopt) || typeof adopt === "boolean") inputs.adoptExisting = adopt;
  else fail("adoptExisting", `adoptExisting must be true or false; got ${JSON.stringify(adopt)}`);

  return { inputs, failures };
}
