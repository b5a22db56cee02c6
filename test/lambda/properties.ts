/**
 * Property-based checks of the receiver's answers over generated headers and bodies (fast-check),
 * reusable with any number of runs: `npm test` runs a modest count (properties.test.ts); a long
 * fuzzing script can import `receiverProperties` and run 100,000 cases.
 *
 * The properties hold for a receiver whose forwarding works (AWS stubs without faults):
 * - any request: never 410, never 3xx, never 5xx (bad input is the sender's problem, not ours);
 * - a request whose signature is not valid for its body under the receiver's key is never accepted;
 * - a validly signed, fresh delivery is 200 if its body is a Calendly envelope and 400 otherwise;
 *   a signed but stale or future one is 401;
 * - signature parsing never throws, whatever the header.
 */
import { createHmac } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { WEBHOOK_EVENTS } from "../../calendly/events";
import { sampleEnvelope } from "../../calendly/samples";
import {
  DEFAULT_FUTURE_SKEW_SECONDS,
  DEFAULT_TOLERANCE_SECONDS,
  verifySignature,
} from "../../calendly/signature";
import { apiGatewayEvent } from "./support";

export type Handle = (event: APIGatewayProxyEventV2) => Promise<{ statusCode: number }>;

export interface PropertyContext {
  handle: Handle;
  /** The one key the receiver is configured with. */
  key: string;
}

const ALLOWED = new Set([200, 400, 401, 405, 413]);
const now = () => Math.floor(Date.now() / 1000);
/** Calendly's formula, written out independently of calendly/signature.ts. */
const hmac = (key: string, t: string, body: Buffer) =>
  createHmac("sha256", key).update(`${t}.`).update(body).digest("hex");

/** Bodies: text, JSON, raw bytes, realistic and broken envelopes. */
const bodyArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 3 }).map((j) => Buffer.from(j)),
  fc
    .record({
      event: fc.oneof(fc.constantFrom(...WEBHOOK_EVENTS), fc.string({ maxLength: 140 })),
      drop: fc.option(fc.constantFrom("event", "created_at", "created_by", "payload"), { nil: undefined }),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      payload: fc.option(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        {
          nil: undefined,
        },
      ),
    })
    .map(({ event, drop, extra, payload }) => {
      const known = (WEBHOOK_EVENTS as readonly string[]).includes(event);
      const base: Record<string, unknown> = {
        ...extra,
        ...sampleEnvelope(known ? (event as (typeof WEBHOOK_EVENTS)[number]) : "invitee.created"),
        event,
      };
      if (payload !== undefined) base.payload = payload;
      if (drop !== undefined) delete base[drop];
      return Buffer.from(JSON.stringify(base));
    }),
);

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const methodArb = fc.oneof(
  fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
  fc.string({ maxLength: 10 }),
);

/** Signature headers that are not valid for `body` under `key` (by construction). */
function invalidSignatureArb(key: string, body: Buffer): fc.Arbitrary<string | undefined> {
  const fresh = () => String(now());
  return fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 120 }),
    fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), hex64).map(([t, v1]) => `t=${t},v1=${v1}`),
    // Another key.
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((other) => other !== key)
      .map((other) => `t=${fresh()},v1=${hmac(other, fresh(), body)}`),
    // The right key over other bytes.
    bodyArb
      .filter((other) => !other.equals(body))
      .map((other) => `t=${fresh()},v1=${hmac(key, fresh(), other)}`),
    // The right signature with one hex digit changed to a different value.
    fc.tuple(fc.nat(63), fc.integer({ min: 1, max: 15 })).map(([at, delta]) => {
      const t = fresh();
      const v1 = hmac(key, t, body);
      const digit = ((Number.parseInt(v1[at]!, 16) + delta) % 16).toString(16);
      return `t=${t},v1=${v1.slice(0, at)}${digit}${v1.slice(at + 1)}`;
    }),
    // Stale or from too far in the future.
    fc
      .oneof(
        fc.integer({ min: DEFAULT_TOLERANCE_SECONDS + 3, max: 10 ** 6 }).map((age) => -age),
        fc.integer({ min: DEFAULT_FUTURE_SKEW_SECONDS + 3, max: 10 ** 6 }),
      )
      .map((offset) => {
        const t = String(now() + offset);
        return `t=${t},v1=${hmac(key, t, body)}`;
      }),
    // The valid parts, duplicated or mangled.
    fc.constantFrom("dup-t", "dup-v1", "no-t", "no-v1", "semicolon").map((how) => {
      const t = fresh();
      const v1 = hmac(key, t, body);
      return {
        "dup-t": `t=${t},t=${t},v1=${v1}`,
        "dup-v1": `t=${t},v1=${v1},v1=${v1}`,
        "no-t": `v1=${v1}`,
        "no-v1": `t=${t}`,
        semicolon: `t=${t};v1=${v1}`,
      }[how];
    }),
  );
}

function event(method: string, body: Buffer, base64: boolean, headers: Record<string, string>) {
  const e = apiGatewayEvent({ method, body, base64, headers });
  if (body.length === 0) {
    delete e.body;
    e.isBase64Encoded = false;
  }
  // Non-UTF-8 bytes can only arrive base64-encoded.
  if (!base64 && !Buffer.from(body.toString("utf8")).equals(body)) {
    e.body = body.toString("base64");
    e.isBase64Encoded = true;
  }
  return e;
}

const extraHeadersArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 20 }).filter((h) => h.toLowerCase() !== "calendly-webhook-signature"),
  fc.string({ maxLength: 40 }),
  { maxKeys: 4 },
);

export function receiverProperties(ctx: PropertyContext) {
  return {
    /** Whatever arrives, the answer is one of 200, 400, 401, 405, 413. */
    neverGoneRedirectOrServerError: fc.asyncProperty(
      methodArb,
      bodyArb.chain((body) =>
        fc.tuple(
          fc.constant(body),
          fc.oneof(
            fc.constant(undefined).map(() => {
              const t = String(now());
              return `t=${t},v1=${hmac(ctx.key, t, body)}`;
            }),
            invalidSignatureArb(ctx.key, body),
          ),
        ),
      ),
      fc.boolean(),
      extraHeadersArb,
      async (method, [body, header], base64, extra) => {
        const headers = header === undefined ? extra : { ...extra, "calendly-webhook-signature": header };
        const { statusCode } = await ctx.handle(event(method, body, base64, headers));
        if (!ALLOWED.has(statusCode)) throw new Error(`answered ${statusCode}`);
      },
    ),

    /** A signature that is not valid for the body is never accepted. */
    neverAcceptsAnInvalidSignature: fc.asyncProperty(
      bodyArb.chain((body) => fc.tuple(fc.constant(body), invalidSignatureArb(ctx.key, body))),
      fc.boolean(),
      extraHeadersArb,
      async ([body, header], base64, extra) => {
        // Oracle independent of the receiver's verdict: the shared verifier, as a cross-check.
        const headers = header === undefined ? extra : { ...extra, "calendly-webhook-signature": header };
        const { statusCode } = await ctx.handle(event("POST", body, base64, headers));
        if (statusCode !== 401) {
          const check = verifySignature({ header, body, keys: [ctx.key] });
          throw new Error(`answered ${statusCode} (shared verifier says ${JSON.stringify(check.ok)})`);
        }
      },
    ),

    /** Signed and fresh: 200 for an envelope, 400 for anything else; signed but out of time: 401. */
    signedDeliveriesAreJudgedOnTheirBody: fc.asyncProperty(
      bodyArb,
      fc.boolean(),
      fc.integer({ min: -DEFAULT_TOLERANCE_SECONDS - 200, max: DEFAULT_FUTURE_SKEW_SECONDS + 200 }),
      async (body, base64, offset) => {
        const near = (edge: number) => Math.abs(offset - edge) <= 2;
        fc.pre(!near(-DEFAULT_TOLERANCE_SECONDS) && !near(DEFAULT_FUTURE_SKEW_SECONDS));
        const t = String(now() + offset);
        const { statusCode } = await ctx.handle(
          event("POST", body, base64, {
            "calendly-webhook-signature": `t=${t},v1=${hmac(ctx.key, t, body)}`,
          }),
        );
        const inTime = offset >= -DEFAULT_TOLERANCE_SECONDS && offset <= DEFAULT_FUTURE_SKEW_SECONDS;
        const expected = !inTime ? 401 : isEnvelope(body) ? 200 : 400;
        if (statusCode !== expected) throw new Error(`answered ${statusCode}, expected ${expected}`);
      },
    ),

    /** The shared parser and verifier never throw, whatever the header and body. */
    verifierNeverThrows: fc.property(
      fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 })), {
        nil: undefined,
      }),
      fc.uint8Array({ maxLength: 64 }),
      fc.array(fc.string({ maxLength: 16 }), { maxLength: 3 }),
      (header, body, keys) => {
        const check = verifySignature({ header, body, keys });
        return typeof check.ok === "boolean";
      },
    ),
  };
}

/** The receiver's definition of an envelope, restated for the oracle. */
function isEnvelope(body: Buffer): boolean {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return false;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.event === "string" &&
    /^[A-Za-z0-9_.:-]{1,128}$/.test(v.event) &&
    typeof v.created_at === "string" &&
    typeof v.created_by === "string" &&
    v.payload !== null &&
    typeof v.payload === "object" &&
    !Array.isArray(v.payload)
  );
}
