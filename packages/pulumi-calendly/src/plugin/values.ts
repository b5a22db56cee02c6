/**
 * Property values between the engine's wire format (`google.protobuf.Struct`) and the core's plain
 * values.
 *
 * The plugin accepts secrets (Configure and Handshake say so), so the engine sends a secret as an
 * object `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": …}`
 * and stores exactly what the plugin answers: an output is encrypted in the state only if the
 * plugin answers it wrapped that way (with secrets accepted, the engine no longer copies secrecy
 * from inputs to outputs: `annotateSecrets` runs only `if !protocol.acceptSecrets` in
 * pkg/resource/plugin/provider_plugin.go). So the core gets plain values (`reveal`), and every
 * answer wraps again what was secret when it came, plus what the schema calls secret (`conceal`).
 *
 * A value not known yet (preview) is the string `UNKNOWN`, which the core already understands.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/**
 * The engine's value for what is not known yet (Pulumi's `runtime.unknownValue`, the core's
 * `UNKNOWN`), written here too so that this module loads nothing of the core (a test keeps the
 * three equal: packages/pulumi-calendly/test/plugin-values.test.ts).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Pulumi's special-value signature key and the signature of a secret (sdk/go/common/resource/sig). */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export type Properties = Record<string, unknown>;

interface SecretValue {
  [SIGNATURE_KEY]: typeof SECRET_SIGNATURE;
  value: unknown;
}

export function isSecretValue(value: unknown): value is SecretValue {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE
  );
}

export function secretValue(value: unknown): SecretValue {
  return isSecretValue(value) ? value : { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** `value` with every secret inside it unwrapped. */
export function revealValue(value: unknown): unknown {
  if (isSecretValue(value)) return revealValue(value.value);
  if (Array.isArray(value)) return value.map(revealValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealValue(v)]));
  }
  return value;
}

function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** Plain properties, and the names of those that held a secret anywhere inside. */
export function reveal(properties: Properties): { plain: Properties; secrets: Set<string> } {
  const secrets = new Set<string>();
  const plain: Properties = {};
  for (const [key, value] of Object.entries(properties)) {
    if (containsSecret(value)) secrets.add(key);
    plain[key] = revealValue(value);
  }
  return { plain, secrets };
}

/**
 * `properties` with the named ones wrapped as secrets, and every `undefined` left out (a Struct
 * cannot hold one). A null, an empty value or an unknown is wrapped too: the engine keeps it secret.
 */
export function conceal(properties: Properties, secretKeys: Iterable<string>): Properties {
  const secret = new Set(secretKeys);
  const out: Properties = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    out[key] = secret.has(key) ? secretValue(value) : value;
  }
  return out;
}

/** A JSON value with every `undefined` object member removed and every `undefined` element made null. */
function plainJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : plainJson(v)));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plainJson(v);
    return out;
  }
  return value;
}

export function toStruct(properties: Properties): Struct {
  // Struct.fromJavaScript fails on `undefined` ("Unexpected struct type").
  return Struct.fromJavaScript(plainJson(properties) as Parameters<typeof Struct.fromJavaScript>[0]);
}

export function fromStruct(struct: Struct | undefined): Properties {
  return (struct?.toJavaScript() ?? {}) as Properties;
}

export function isUnknownValue(value: unknown): boolean {
  return value === UNKNOWN;
}
