/** Reading a Report: find resources, unwrap wire values, collect strings. */
import { ARCHIVE_SIG, type RegisteredResource, type Report, SECRET_SIG, SPECIAL_SIG_KEY } from "./types";

export function ofType(report: Report, type: string): RegisteredResource[] {
  return report.resources.filter((r) => r.type === type);
}

/** The only resource of `type`; fails the test when there is none or several. */
export function one(report: Report, type: string): RegisteredResource {
  const found = ofType(report, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

export function named(report: Report, type: string, name: string): RegisteredResource {
  const found = report.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

export function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG
  );
}

export function isArchive(value: unknown): value is { assets: Record<string, { path?: string }> } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === ARCHIVE_SIG
  );
}

/** The value with secret markers removed (what the provider would receive, decrypted). */
export function reveal(value: unknown): unknown {
  if (isSecretValue(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** Every string inside `value`, secrets included, with provider-JSON strings expanded. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/** Whether `needle` occurs anywhere in `value` (as a whole string or inside one). */
export function mentions(value: unknown, needle: string): boolean {
  return strings(value).some((s) => s.includes(needle));
}
