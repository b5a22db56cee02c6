/**
 * Property values as the engine sends them to a provider that accepts secrets (the
 * `@pulumi/pulumi/provider` server says it does): plain JSON, except that a secret is wrapped in a
 * signature object and a value not known yet (during a preview) is a fixed sentinel string.
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

export type PropertyMap = Record<string, unknown>;

export const UNKNOWN = unknownValue;

export function isSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
  );
}

export function secret(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}

/** The value inside any secret wrapper, deeply: what the cloud would receive. */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** A copy fit for a log: every secret replaced by "[secret]", whatever it holds. */
export function redact(value: unknown): unknown {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

/** Whether any part of the value is unknown (a preview of something not created yet). */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Structural equality of two revealed values (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = reveal(a);
  const y = reveal(b);
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const xKeys = Object.keys(x);
  const yKeys = Object.keys(y);
  if (xKeys.length !== yKeys.length) return false;
  return xKeys.every((k) => sameValue((x as PropertyMap)[k], (y as PropertyMap)[k]));
}

/** The logical name (last URN segment): `urn:pulumi:dev::proj::aws:s3/bucket:Bucket::my-bucket` → `my-bucket`. */
export function logicalName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The type token of a URN, without parent types: `aws:s3/bucket:Bucket`. */
export function urnType(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}
