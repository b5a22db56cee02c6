/**
 * Names. Every AWS resource's logical name starts with the stack's prefix, so its physical name
 * (Pulumi adds a random suffix) says which stack it belongs to and dev and prod can share an
 * account.
 */

/** Longest prefix that keeps every physical name under AWS's limits (EventBridge archives: 48). */
const MAX_PREFIX = 28;

/**
 * `calendly-<stack>`, with characters some AWS names refuse (`.`, `_`: Lambda function names, for
 * one) turned into dashes, and cut to a length every resource type accepts.
 */
export function resourcePrefix(stack: string): string {
  return `calendly-${stack}`
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .slice(0, MAX_PREFIX)
    .replace(/-+$/, "");
}
