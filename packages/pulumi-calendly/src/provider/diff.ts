/**
 * `diff`: what a `pulumi preview` shows for a subscription. No API calls.
 *
 * Calendly has no update endpoint, so every remote change is a replacement. When the URL changes
 * too, the new subscription is created before the old one is deleted: both deliver for a moment
 * (the receiver accepts both keys; a duplicate has the same body, so the same `detail.id`), and no
 * event falls into a gap. Calendly refuses a second subscription with the same URL, so only when
 * the URL stays the same does the old one go first (`deleteBeforeReplace`), and events in between
 * are never delivered. A stack that gives each subscription a URL marked with everything that
 * forces a replacement (marker.ts) never needs that. A subscription that refresh found `disabled`
 * can only be revived by replacing it (the preview shows why through the `state` input: check.ts,
 * outputs.ts). A raised `signingKeyGeneration` replaces a subscription whose key the provider holds
 * (check generated a new one); beside a key the program gives, it is only recorded. A replacement
 * that would have to give a key kept in the outputs only (states of 0.2.0 and older) a new one
 * stops here instead, naming the refresh that carries it into the inputs.
 *
 * A state written by another `__provider` (release 0.1.0 stored the provider's whole code there)
 * is an update in place that changes nothing at Calendly: the host's read and delete run the code
 * stored in a resource's outputs, and only an update rewrites them, so from then on every
 * operation runs the installed code (shim.ts).
 */
import { keyHeldByProvider } from "./check";
import { isUnknown } from "./inputs";
import { sameEvents, sameUrl } from "./lookup";
import type { StoredOutputs } from "./outputs";

export interface SubscriptionDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * An imported subscription's key is unknown (""; Calendly never returns one): the first key the
 * program gives is taken as the one it was created with, in place (update.ts).
 */
function importedKeyTaken(olds: Partial<StoredOutputs>, news: Record<string, unknown>): boolean {
  return olds.signingKey === "" && news.signingKey !== undefined;
}

/** Whether the generation of the key changes (1 where a state predates it). */
function generationChanged(olds: Partial<StoredOutputs>, news: Record<string, unknown>): boolean {
  const next = news.signingKeyGeneration ?? 1;
  return isUnknown(next) || next !== (olds.signingKeyGeneration ?? 1);
}

/** The properties whose change is recorded in place, with no Calendly call (update.ts). */
export function inPlaceUpdates(olds: Partial<StoredOutputs>, news: Record<string, unknown>): string[] {
  const updates: string[] = [];
  if ((news.adoptExisting ?? false) !== (olds.adoptExisting ?? false)) updates.push("adoptExisting");
  if (importedKeyTaken(olds, news)) updates.push("signingKey");
  // Beside a key the program gives, the generation is only a label (check.ts).
  if (!keyHeldByProvider(news) && generationChanged(olds, news)) updates.push("signingKeyGeneration");
  return updates;
}

/**
 * @param olds the stored outputs (the engine passes outputs as `olds` to a dynamic provider)
 * @param news the checked new inputs
 */
export function diffSubscription(
  olds: Partial<StoredOutputs>,
  news: Record<string, unknown>,
): SubscriptionDiff {
  const replaces: string[] = [];
  const replaceIf = (property: string, changed: boolean) => {
    if (changed) replaces.push(property);
  };
  // A value still unknown during preview may change: show the replacement it may cause.
  const differs = (next: unknown, previous: unknown) => isUnknown(next) || next !== previous;

  replaceIf("url", differs(news.url, olds.url));
  replaceIf("scope", differs(news.scope, olds.scope));
  const events = news.events;
  replaceIf(
    "events",
    !Array.isArray(events) || events.some(isUnknown) || !sameEvents(events as string[], olds.events ?? []),
  );

  // Owners left out mean "the token's own": without an API call we cannot see the token's identity
  // change, so only an explicit value that differs from the stored one replaces.
  for (const key of ["organization", "user", "group"] as const) {
    const next = news[key];
    if (next !== undefined) replaceIf(key, differs(next, olds[key] ?? null));
  }

  // The key the program gives, or the one check carried over (the same) or generated for a raised
  // signingKeyGeneration (a new one): a key that differs rotates it (but see importedKeyTaken).
  if (news.signingKey !== undefined && !importedKeyTaken(olds, news))
    replaceIf("signingKey", differs(news.signingKey, olds.signingKey));
  // The generation names a rotation of a key the provider holds; next to a key the program gives,
  // it is only recorded (an update in place, inPlaceUpdates), as the key itself decides.
  if (keyHeldByProvider(news)) replaceIf("signingKeyGeneration", generationChanged(olds, news));

  // Calendly has no re-enable call: a disabled subscription is deleted and created again. A create
  // whose outcome stayed unknown is replaced too: its delete removes whatever it left.
  replaceIf("state", olds.state === "disabled" || olds.state === "unknown");

  if (replaces.length > 0 && news.signingKey === undefined && olds.providerDefaults?.includes("signingKey")) {
    throw new Error(keyNotCarriedMessage(replaces));
  }

  // An unknown URL (preview) may turn out the same: up diffs again with the real value.
  const sameUrlAsBefore =
    typeof news.url === "string" && !isUnknown(news.url) && sameUrl(news.url, olds.url ?? "");
  return {
    changes: replaces.length > 0 || inPlaceUpdates(olds, news).length > 0 || storedCodeDiffers(olds, news),
    replaces,
    deleteBeforeReplace: replaces.length > 0 && sameUrlAsBefore,
  };
}

/**
 * What a replacement of a delivering subscription that must delete first costs, and the fix, or
 * nothing when it creates first. A disabled subscription (or one whose create left no trace) delivers
 * nothing, so its gap loses nothing. The dynamic provider prints it at preview as a warning; the
 * plugin says the same in its detailed diff (plugin/webhook-subscription.ts).
 */
export function deleteFirstWarning(
  olds: Partial<StoredOutputs>,
  news: Record<string, unknown>,
  diff: SubscriptionDiff,
): string | undefined {
  if (!diff.deleteBeforeReplace || olds.state === "disabled" || olds.state === "unknown") return undefined;
  return (
    `keeping the URL ${String(news.url)}, \`pulumi up\` must delete the old subscription before creating the ` +
    `new one (${diff.replaces.join(", ")} changed; Calendly allows one subscription per URL): events in between ` +
    "are never delivered. Give markedUrl every value that replaces the subscription (events, scope, owners, " +
    "signingKeyGeneration), as the resource is given them, so that its URL changes and the new one is created first."
  );
}

/** Whether the outputs hold another `__provider` than the program's (see the header). */
function storedCodeDiffers(olds: Partial<StoredOutputs>, news: Record<string, unknown>): boolean {
  const stored = olds.__provider;
  const current = news.__provider;
  return (
    typeof stored === "string" && typeof current === "string" && !isUnknown(current) && stored !== current
  );
}

/**
 * A subscription whose generated key a state written by pulumi-calendly 0.2.0 or older holds in its
 * outputs only (check.ts): replacing it now would give the new subscription a new key, silently. Stop instead.
 */
export function keyNotCarriedMessage(replaces: readonly string[]): string {
  return (
    `This change replaces the subscription (${replaces.join(", ")}), but its signing key was generated by an ` +
    "older pulumi-calendly, which kept it in the outputs only, so the new subscription would get a new key " +
    "and every receiver that knows the old one would refuse its deliveries. Run `pulumi refresh` once (it " +
    "records the key in the inputs, encrypted; or `pulumi up --refresh`), then run this command again. To " +
    "rotate the key on purpose instead, raise signingKeyGeneration."
  );
}
