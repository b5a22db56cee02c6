/**
 * `update`: what changes in place. Calendly has no update call and every remote change is a
 * replacement (diff.ts), so an update only records inputs that change nothing at Calendly:
 * `adoptExisting`, the first `signingKey` a program declares for an imported subscription, whose
 * key was unknown (Calendly never returns one; read.ts records it as ""), the
 * `signingKeyGeneration` beside a key the program gives, and whether the provider holds the key
 * (`providerDefaults`, check.ts). Every other output is kept. No Calendly call. Shared by the
 * dynamic provider and the native plugin.
 */
import { keyHeldByProvider } from "./check";
import { diffSubscription } from "./diff";
import type { ProviderDefault, StoredOutputs } from "./outputs";

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
  const providerDefaults: ProviderDefault[] = (olds.providerDefaults ?? []).filter((d) => d !== "signingKey");
  const held =
    keyHeldByProvider(news) ||
    (news.signingKey === undefined && olds.providerDefaults?.includes("signingKey"));
  if (held) providerDefaults.push("signingKey");
  const outs: Record<string, unknown> = {
    ...olds,
    adoptExisting: news.adoptExisting === true,
    signingKeyGeneration: typeof news.signingKeyGeneration === "number" ? news.signingKeyGeneration : 1,
    providerDefaults,
  };
  if (olds.signingKey === "" && typeof news.signingKey === "string") outs.signingKey = news.signingKey;
  // The dynamic-provider host adds the program's own `__provider` to the outputs.
  delete outs.__provider;
  return outs;
}
