/**
 * Property-based checks of the receiver's answers over generated headers and bodies (fast-check),
 * reusable with any number of runs: `npm test` runs a modest count (properties.test.ts); a long
 * fuzzing script can import `receiverProperties` and run 100,000 cases.
 *
 * The properties hold for a receiver whose forwarding works (AWS stubs without faults):
 * - any request: never 410, never 3xx, never 5xx (bad input is the sender's problem, not ours),
 *   and never 400 or 413 either: only 200, 401 and 405;
 * - a request whose signature is not valid for its body under the receiver's key is never accepted;
 * - a validly signed, fresh delivery is always 200 and kept: put on the bus as its event when the
 *   body is a Calendly envelope, stored whole and announced as an unparsed delivery otherwise (the
 *   `kept` oracle checks which); a signed but stale or future one is 401;
 * - signature parsing never throws, whatever the header.
 * Added for the long fuzzing run (test/fuzz/run.ts), each over what the ones above leave out:
 * - text and base64 transport of the same bytes get the same answer; a signature over the base64
 *   text, not the bytes, is refused;
 * - signature headers in any casing, repeated (joined by commas as API Gateway does, or as
 *   separate keys) are accepted only when a copy is valid;
 * - the signed `t=` text is taken as sent: leading zeros, far past and future, 13+ digits, signs,
 *   decimals, exponents, spaces, non-ASCII digits;
 * - JSON oddities (huge and tiny numbers, big integers, -0, lone surrogates, a BOM, duplicate and
 *   `__proto__` keys) in a signed body are judged, not crashed on;
 * - deeply nested signed bodies are kept too (never a 5xx);
 * - any event shape (missing context, headers or body; garbage declared base64) gets an answer
 *   from the allowed set, and no 200 without a valid signature.
 */
import { createHmac } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import {
  DEFAULT_FUTURE_SKEW_SECONDS,
  DEFAULT_TOLERANCE_SECONDS,
  sampleEnvelope,
  verifySignature,
  WEBHOOK_EVENTS,
} from "../../calendly";
import { apiGatewayEvent } from "./support";

export type Handle = (event: APIGatewayProxyEventV2) => Promise<{ statusCode: number }>;

export interface PropertyContext {
  handle: Handle;
  /** The one key the receiver is configured with. */
  key: string;
  /**
   * How the last delivery with exactly these bytes reached the bus: as an event, as an unparsed
   * delivery whose stored object holds these bytes, or not at all. Optional: without it only the
   * answer is checked.
   */
  kept?: (body: Buffer) => "event" | "unparsed" | undefined;
}

const ALLOWED = new Set([200, 401, 405]);
const now = () => Math.floor(Date.now() / 1000);
/** Calendly's formula, written out independently of calendly/signature.ts. */
const hmac = (key: string, t: string, body: Buffer) =>
  createHmac("sha256", key).update(`${t}.`).update(body).digest("hex");

/** An authentic, fresh delivery must be answered 200 and kept in the right form. */
function expectKept(ctx: PropertyContext, body: Buffer, statusCode: number, what = ""): void {
  if (statusCode !== 200) throw new Error(`${what}answered ${statusCode}, expected 200`);
  if (ctx.kept === undefined) return;
  const kept = ctx.kept(body);
  const expected = isEnvelope(body) ? "event" : "unparsed";
  if (kept !== expected) throw new Error(`${what}kept as ${kept ?? "nothing"}, expected ${expected}`);
}

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
    /** Whatever arrives, the answer is one of 200, 401, 405. */
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

    /** Signed and fresh: 200 and kept, whatever the body; signed but out of time: 401. */
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
        if (inTime) expectKept(ctx, body, statusCode);
        else if (statusCode !== 401) throw new Error(`answered ${statusCode}, expected 401`);
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

    /** The same bytes as text or base64 (canonical or not) get the same answer. */
    encodingDoesNotChangeTheVerdict: fc.asyncProperty(
      bodyArb.chain((body) =>
        fc.tuple(fc.constant(body), fc.option(invalidSignatureArb(ctx.key, body), { nil: "valid" })),
      ),
      fc.constantFrom("unpadded", "mime-lines", "url-safe"),
      async ([body, header], variant) => {
        const signed = () => {
          const t = String(now());
          return `t=${t},v1=${hmac(ctx.key, t, body)}`;
        };
        const headers = (value: string | undefined): Record<string, string> =>
          value === undefined ? {} : { "calendly-webhook-signature": value };
        const value = header === "valid" ? signed() : header;
        const asBase64 = await ctx.handle(event("POST", body, true, headers(value)));
        const asText = await ctx.handle(event("POST", body, false, headers(value)));
        if (asBase64.statusCode !== asText.statusCode) {
          throw new Error(`base64 answered ${asBase64.statusCode}, text ${asText.statusCode}`);
        }
        const odd = event("POST", body, true, headers(value));
        odd.body = nonCanonicalBase64(body, variant);
        const { statusCode: oddStatus } = await ctx.handle(odd);
        if (!ALLOWED.has(oddStatus)) throw new Error(`${variant} base64 answered ${oddStatus}`);
        if (oddStatus === 200 && asBase64.statusCode !== 200) {
          throw new Error(
            `${variant} base64 accepted what canonical base64 did not (${asBase64.statusCode})`,
          );
        }
        // Signed over the transport text instead of the bytes: the wrong layer, never accepted.
        if (body.length > 0) {
          const text = body.toString("base64");
          const t = String(now());
          const wrong = event("POST", body, true, {
            "calendly-webhook-signature": `t=${t},v1=${hmac(ctx.key, t, Buffer.from(text))}`,
          });
          const { statusCode } = await ctx.handle(wrong);
          if (statusCode !== 401) throw new Error(`a signature over the base64 text answered ${statusCode}`);
        }
      },
    ),

    /** Signature headers in any casing, repeated or not: accepted only when a valid copy is there. */
    signatureHeaderCasingAndRepeats: fc.asyncProperty(
      bodyArb.chain((body) =>
        fc.tuple(
          fc.constant(body),
          fc.array(
            fc.record({
              name: headerNameCasingArb,
              value: fc.oneof(fc.constant("valid" as const), invalidSignatureArb(ctx.key, body)),
            }),
            { minLength: 1, maxLength: 3 },
          ),
        ),
      ),
      fc.boolean(),
      async ([body, copies], joined) => {
        const t = String(now());
        const valid = `t=${t},v1=${hmac(ctx.key, t, body)}`;
        const present = copies
          .map((copy) => ({ name: copy.name, value: copy.value === "valid" ? valid : copy.value }))
          .filter((copy): copy is { name: string; value: string } => copy.value !== undefined);
        const e = event("POST", body, false, {});
        if (joined && present.length > 0) {
          // API Gateway lower-cases names and joins repeats with commas.
          e.headers["calendly-webhook-signature"] = present.map((copy) => copy.value).join(",");
        } else {
          for (const copy of present) e.headers[copy.name] = copy.value;
        }
        const sent = Object.entries(e.headers).filter(
          ([name]) => name.toLowerCase() === "calendly-webhook-signature",
        );
        const { statusCode } = await ctx.handle(e);
        if (sent.length === 1 && sent[0]![1] === valid) {
          // One header, whatever its casing, holding a valid signature: kept.
          expectKept(ctx, body, statusCode);
          return;
        }
        if (![200, 401].includes(statusCode)) throw new Error(`answered ${statusCode}`);
        // Past the signature check (200), some copy must carry the body's true digest for a
        // fresh time: copies invalid alone may join into a valid header, but nothing else may pass.
        if (statusCode !== 401) {
          const digests = freshDigests(ctx.key, body);
          if (!sent.some(([, value]) => digests.some((digest) => value?.includes(digest)))) {
            throw new Error(`answered ${statusCode} with no copy carrying the body's signature`);
          }
        }
      },
    ),

    /** `t=` is the text as sent: accepted only as 1 to 12 ASCII digits whose value is in time. */
    timestampTextsAreTakenAsSent: fc.asyncProperty(
      fc.oneof(envelopeBodyArb, bodyArb),
      timestampTextArb,
      async (body, t) => {
        const value = Number(t);
        const digits = /^[0-9]{1,12}$/.test(t);
        const age = now() - value;
        const near = (edge: number) => Math.abs(edge) <= 2;
        fc.pre(
          !digits || (!near(age - DEFAULT_TOLERANCE_SECONDS) && !near(-age - DEFAULT_FUTURE_SKEW_SECONDS)),
        );
        const { statusCode } = await ctx.handle(
          event("POST", body, false, { "calendly-webhook-signature": `t=${t},v1=${hmac(ctx.key, t, body)}` }),
        );
        const inTime = digits && age <= DEFAULT_TOLERANCE_SECONDS && -age <= DEFAULT_FUTURE_SKEW_SECONDS;
        if (inTime) expectKept(ctx, body, statusCode, `t=${JSON.stringify(t)}: `);
        else if (statusCode !== 401)
          throw new Error(`t=${JSON.stringify(t)}: answered ${statusCode}, expected 401`);
      },
    ),

    /** Signed bodies with JSON oddities are judged on their content, never a crash. */
    oddJsonIsJudged: fc.asyncProperty(oddJsonBodyArb, fc.boolean(), async (body, base64) => {
      const t = String(now());
      const { statusCode } = await ctx.handle(
        event("POST", body, base64, { "calendly-webhook-signature": `t=${t},v1=${hmac(ctx.key, t, body)}` }),
      );
      expectKept(ctx, body, statusCode);
    }),

    /** A signed body nested thousands deep is kept like any other: 200, never 5xx. */
    deeplyNestedSignedBodiesAreJudged: fc.asyncProperty(
      // Steps of 500 above 500: where a limit lies depends on the stack in use at the time, so a
      // counterexample shrunk to the exact edge would not replay; one 500 past it does.
      fc.oneof(
        fc.integer({ min: 1, max: 499 }),
        fc.integer({ min: 1, max: 40 }).map((steps) => steps * 500),
      ),
      fc.constantFrom("array", "object"),
      fc.constantFrom("payload", "envelope extra", "top level"),
      async (depth, kind, where) => {
        const [open, close] = kind === "array" ? ["[", "]"] : ['{"a":', "}"];
        const nested = `${open.repeat(depth)}0${close.repeat(depth)}`;
        const envelope = (extra: string) =>
          `{"event":"invitee.created","created_at":"2024-01-02T03:04:05.678000Z","created_by":"https://api.calendly.com/users/x",${extra}}`;
        const text =
          where === "payload"
            ? envelope(`"payload":{"deep":${nested}}`)
            : where === "envelope extra"
              ? envelope(`"payload":{},"deep":${nested}`)
              : nested;
        const body = Buffer.from(text);
        const t = String(now());
        const { statusCode } = await ctx.handle(
          event("POST", body, false, { "calendly-webhook-signature": `t=${t},v1=${hmac(ctx.key, t, body)}` }),
        );
        // An authentic envelope, however deep, is handed on (claim-checked when it cannot be one
        // JSON entry); a body that is not an envelope at all is stored whole, unparsed.
        expectKept(ctx, body, statusCode, `depth ${depth} (${where}): `);
      },
    ),

    /** Whatever the event's shape, the answer is in the allowed set, and 200 needs a valid signature. */
    anyEventShapeIsAnswered: fc.asyncProperty(
      fc.record({
        method: fc.option(methodArb, { nil: undefined }),
        context: fc.constantFrom("full", "no http", "none"),
        body: fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.base64String({ maxLength: 200 })), {
          nil: undefined,
        }),
        isBase64Encoded: fc.option(fc.boolean(), { nil: undefined }),
        headers: fc.option(extraHeadersArb, { nil: undefined }),
        signature: fc.constantFrom("valid", "absent", "garbage"),
      }),
      async (shape) => {
        // Built loose on purpose: fields are deleted or set to what API Gateway would never send.
        const e = apiGatewayEvent({ method: shape.method ?? "POST" }) as unknown as Record<string, unknown>;
        const bytes = Buffer.from(shape.body ?? "", shape.isBase64Encoded ? "base64" : "utf8");
        const t = String(now());
        const signature = {
          valid: `t=${t},v1=${hmac(ctx.key, t, bytes)}`,
          garbage: `t=${t},v1=${"0".repeat(64)}`,
          absent: undefined,
        }[shape.signature];
        e.headers =
          signature === undefined
            ? shape.headers
            : { ...shape.headers, "calendly-webhook-signature": signature };
        if (shape.body === undefined) delete e.body;
        else e.body = shape.body;
        if (shape.isBase64Encoded === undefined) delete e.isBase64Encoded;
        else e.isBase64Encoded = shape.isBase64Encoded;
        const context = e.requestContext as Record<string, unknown>;
        if (shape.context === "no http") delete context.http;
        if (shape.context === "none") delete e.requestContext;
        const { statusCode } = await ctx.handle(e as unknown as APIGatewayProxyEventV2);
        if (!ALLOWED.has(statusCode)) throw new Error(`answered ${statusCode}`);
        if (statusCode === 200 && shape.signature !== "valid")
          throw new Error("accepted without a valid signature");
      },
    ),
  };
}

/** The true digests of `body` for the last few seconds, to recognise a valid signature's parts. */
function freshDigests(key: string, body: Buffer): string[] {
  return Array.from({ length: 8 }, (_, i) => hmac(key, String(now() + 1 - i), body));
}

/** Header names that lower-case to the signature header's, in random casing. */
const headerNameCasingArb = fc
  .array(fc.boolean(), { minLength: 26, maxLength: 26 })
  .map((upper) => [..."calendly-webhook-signature"].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));

/** Base64 that Node decodes to the same bytes but API Gateway would never send. */
function nonCanonicalBase64(body: Buffer, variant: "unpadded" | "mime-lines" | "url-safe"): string {
  const canonical = body.toString("base64");
  if (variant === "unpadded") return canonical.replace(/=+$/, "");
  if (variant === "url-safe") return body.toString("base64url");
  return canonical.replace(/.{1,76}/g, "$&\r\n");
}

/** Calendly envelopes (known events, sample payloads): bodies that a valid signature gets accepted. */
const envelopeBodyArb: fc.Arbitrary<Buffer> = fc
  .constantFrom(...WEBHOOK_EVENTS)
  .map((name) => Buffer.from(JSON.stringify(sampleEnvelope(name))));

/** `t=` texts: fresh with leading zeros, far past and future, too long, and not numbers at all. */
const timestampTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 4 }).map((zeros) => "0".repeat(zeros) + String(now())),
  fc.integer({ min: -400, max: 400 }).map((offset) => String(now() + offset)),
  fc.constantFrom("0", "1", "-1", "999999999999", "1000000000000", "9999999999999999999999", "1e3"),
  fc.integer({ min: 0, max: 10 ** 12 - 1 }).map(String),
  fc.bigInt({ min: 10n ** 12n, max: 10n ** 30n }).map(String),
  fc
    .constantFrom("+", "-", " ", "\t", ".5", ".0", "e0", "n", "0x")
    .map((affix) => `${String(now())}${affix}`),
  fc.constantFrom("+", "-", " ", "0x", "\u0660").map((prefix) => `${prefix}${String(now())}`),
  // Non-ASCII digits (Arabic-Indic, fullwidth) that some parsers take for numbers.
  fc.constant(String(now()).replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)))),
  fc.constant(String(now()).replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))),
  fc.string({ maxLength: 20 }),
);

/** Number texts JSON allows but doubles do not hold exactly (or at all). */
const oddNumberArb = fc.constantFrom(
  "1e400",
  "-1e400",
  "1E-400",
  "-0",
  "0.000000000000000000000000001",
  "123456789012345678901234567890",
  "9007199254740993",
  "-9007199254740993",
  "1.7976931348623157e309",
  "5e-324",
);

/** Signed-body oddities around a valid envelope. */
const oddJsonBodyArb: fc.Arbitrary<Buffer> = fc
  .record({
    sample: envelopeBodyArb,
    number: oddNumberArb,
    where: fc.constantFrom("payload field", "payload", "created_at", "extra key"),
    bom: fc.boolean(),
    duplicateEvent: fc.option(fc.constantFrom(...WEBHOOK_EVENTS, "", "not an event!"), { nil: undefined }),
    proto: fc.boolean(),
    loneSurrogate: fc.boolean(),
  })
  .map(({ sample, number, where, bom, duplicateEvent, proto, loneSurrogate }) => {
    let text = sample.toString("utf8");
    const insert = (key: string, value: string) => text.replace(/^\{/, `{"${key}":${value},`);
    if (where === "payload field") text = text.replace('"payload":{', `"payload":{"odd":${number},`);
    if (where === "payload") text = text.replace(/"payload":\{/, `"payload":${number},"was":{`);
    if (where === "created_at") text = insert("created_at", number).replace(/,"created_at":"[^"]*"/, "");
    if (where === "extra key") text = insert("odd", number);
    // A repeated key: JSON.parse keeps the last one.
    if (duplicateEvent !== undefined)
      text = text.replace(/\}$/, `,"event":${JSON.stringify(duplicateEvent)}}`);
    if (proto) text = insert("__proto__", '{"polluted":true}');
    if (loneSurrogate) text = insert("lone", '"\\ud800 and \\udfff"');
    return Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text)]);
  });

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
    v.created_at.length <= 64 &&
    typeof v.created_by === "string" &&
    v.created_by.length <= 1024 &&
    v.payload !== null &&
    typeof v.payload === "object" &&
    !Array.isArray(v.payload)
  );
}
