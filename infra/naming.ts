/**
 * Names. Every AWS resource's logical name starts with the stack's prefix, so its physical name
 * (Pulumi adds a random suffix) says which stack it belongs to and dev and prod can share an
 * account.
 *
 * The prefix is part of every URN: changing it would replace every resource (the API, and so every
 * subscription's URL), unless aliased. `FORMER_RESOURCE_PREFIXES` is the plan for that day
 * (docs/deployment.md, "Renaming without replacing").
 */

/** Longest prefix that keeps every physical name under AWS's limits (EventBridge archives: 48). */
const MAX_PREFIX = 28;

/** What the stack's name is prefixed with. */
export const RESOURCE_PREFIX = "calendly-";
/**
 * Every prefix used before `RESOURCE_PREFIX`: the stack aliases the receiver component and the AWS
 * provider to the names these gave them, and the component's children follow. Never remove one.
 */
export const FORMER_RESOURCE_PREFIXES: readonly string[] = [];

/**
 * `calendly-<stack>`, with characters some AWS names refuse (`.`, `_`: Lambda function names, for
 * one) turned into dashes, and cut to a length every resource type accepts.
 */
export function resourcePrefix(stack: string, prefix = RESOURCE_PREFIX): string {
  return `${prefix}${stack}`
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .slice(0, MAX_PREFIX)
    .replace(/-+$/, "");
}

/** The stack's former resource prefixes (those that differ from today's), oldest first. */
export function formerResourcePrefixes(stack: string): string[] {
  const current = resourcePrefix(stack);
  return [...new Set(FORMER_RESOURCE_PREFIXES.map((prefix) => resourcePrefix(stack, prefix)))].filter(
    (former) => former !== current,
  );
}
