/**
 * `update`: what changes in place. Calendly has no update call and every remote change is a
 * replacement (diff.ts), so an update only records inputs that change nothing at Calendly:
 * `adoptExisting`, and the first `signingKey` a program declares for an imported subscription,
 * whose key was unknown (Calendly never returns one; read.ts records it as ""). Every other output
 * is kept. No Calendly call. Shared by the dynamic provider and the native plugin.
 */
import { diffSubscription } from "./diff";
import type { StoredOutputs } from "./outputs";

export function updateSubscription(
  olds: Partial<StoredOutputs>,
  news: Record<string, unknown>,
): Record<string, unknown> {
  const { replaces } = diffSubscription(olds, news);
  if (replaces.length > 0) {
    throw new Error(
      `Calendly cannot update ${replaces.join(", ")} in place; this change must be a replacement`,
    );
  }
  const outs: Record<string, unknown> = { ...olds, adoptExisting: news.adoptExisting === true };
  if (olds.signingKey === "" && typeof news.signingKey === "string") outs.signingKey = news.signingKey;
  // The dynamic-provider host adds the program's own `__provider` to the outputs.
  delete outs.__provider;
  return outs;
}
