/**
 * `calendly:index:WebhookSubscription` as the native plugin serves it: the engine's requests, in
 * plain values, handed to the same core the dynamic resource runs (../provider: check.ts with
 * inputs.ts, diff.ts, create.ts, read.ts, update.ts), the signing key's rules included (generated
 * into the inputs, kept across replacements, new for a raised `signingKeyGeneration`: check.ts,
 * whose two checks of a replacement the plugin tells apart by URN). What is the plugin's own:
 * - secrets: values arrive wrapped and leave wrapped (values.ts), `signingKey` always;
 * - a detailed diff, and the reason for a replacement or an in-place update as a warning the
 *   preview prints (a disabled subscription, a replacement that must delete first, an imported key,
 *   a state the dynamic resource wrote);
 * - preview answers with unknowns where Calendly will decide;
 * - import: Read with no state adopts the subscription by id, with its key recorded as unknown,
 *   and an id that names nothing is an error that says so.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { generateSigningKey } from "../calendly/signature";
import { checkSubscription as checkCore, createKeyCarrier, keyHeldByProvider } from "../provider/check";
import { createSubscription } from "../provider/create";
import { diffSubscription, inPlaceUpdates } from "../provider/diff";
import { type CheckFailure, checkSubscriptionInputs, type SubscriptionInputs } from "../provider/inputs";
import { type StoredOutputs, type SubscriptionOutputs, subscriptionId } from "../provider/outputs";
import { isPendingCreationError } from "../provider/pending";
import { deleteSubscription, readSubscription } from "../provider/read";
import { updateSubscription } from "../provider/update";
import type { Severity } from "./engine-log";
import { isSecretProperty, SUBSCRIPTION_INPUTS } from "./schema/webhook-subscription";
import type { CalendlySession } from "./session";
import { conceal, type Properties, reveal, UNKNOWN } from "./values";

/** What a handler needs of the plugin: the provider instance's Calendly session, and the engine's log. */
export interface HandlerContext {
  session: CalendlySession;
  log: (severity: Severity, message: string) => Promise<void>;
}

/** A create that may have left a subscription at Calendly: recorded by the engine with this id and properties. */
export class ResourceInitError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Properties,
    readonly reasons: string[],
  ) {
    super(message);
    // The server, which loads this module only when it is needed, recognises the error by name.
    this.name = "ResourceInitError";
  }
}

export type PropertyDiffKind = "add" | "addReplace" | "delete" | "deleteReplace" | "update" | "updateReplace";

export interface PropertyDiff {
  kind: PropertyDiffKind;
  /** Whether the change is to an input (else to an output, such as `state`). */
  inputDiff: boolean;
}

export interface DetailedDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  diffs: string[];
  detailedDiff: Record<string, PropertyDiff>;
}

/** Secret in the answer: what the schema calls secret, and whatever came secret. */
function secretKeys(properties: Properties, cameSecret: Set<string>): string[] {
  return Object.keys(properties).filter((key) => isSecretProperty(key) || cameSecret.has(key));
}

function isInput(key: string): boolean {
  return Object.hasOwn(SUBSCRIPTION_INPUTS, key);
}

/** A replacement's two checks, in this plugin process (../provider/check.ts). */
const carrier = createKeyCarrier();

/**
 * `state` is an input of the dynamic resource only: there it is how the preview shows why a disabled
 * subscription is replaced (the dynamic host sends no detailed diff). The plugin says so with its
 * detailed diff and a message, and keeps `state` an output, as its schema has it.
 */
function withoutStateInput(inputs: Properties): Properties {
  const { state: _state, ...rest } = inputs;
  return rest;
}

export async function checkSubscription(
  news: Properties,
  olds: Properties = {},
  urn?: string,
): Promise<{ inputs: Properties; failures: CheckFailure[]; notices: string[] }> {
  const { plain, secrets } = reveal(news);
  const { inputs, failures, notices } = checkCore(reveal(olds).plain, plain, {
    generateSigningKey,
    carrier,
    identity: urn,
  });
  if (failures.length > 0) return { inputs: news, failures, notices: [] };
  const checked = withoutStateInput(inputs);
  return { inputs: conceal(checked, secretKeys(checked, secrets)), failures: [], notices };
}

function diffKind(key: string, oldInputs: Properties, news: Properties, replace: boolean): PropertyDiffKind {
  const had = oldInputs[key] !== undefined && oldInputs[key] !== null;
  const has = news[key] !== undefined && news[key] !== null;
  if (!isInput(key) || (had && has)) return replace ? "updateReplace" : "update";
  if (!had) return replace ? "addReplace" : "add";
  return replace ? "deleteReplace" : "delete";
}

/** Where the dynamic resource keeps its provider's serialized code, in its inputs and outputs. */
const DYNAMIC_PROVIDER_CODE = "__provider";

/**
 * A state the dynamic resource wrote, reached through an alias to its type (the package README,
 * "Moving a stack from the dynamic resource"): its outputs still hold the dynamic provider's code.
 * An update in place drops it (update.ts); nothing changes at Calendly.
 */
function writtenByDynamicResource(olds: Partial<StoredOutputs>): boolean {
  return typeof olds[DYNAMIC_PROVIDER_CODE] === "string";
}

/**
 * Why this diff replaces or updates, in words: what the preview prints with the resource. Phrased
 * as what `pulumi up` does, since a refresh diffs too (to show what the next `up` would change).
 * Each is said as a warning, not an info: the CLI prints only warnings and errors with a diff (--diff).
 */
function reasons(
  olds: Partial<StoredOutputs>,
  news: Properties,
  deleteFirst: boolean,
  updates: string[],
  fromDynamic: boolean,
): string[] {
  const said: string[] = [];
  if (fromDynamic) {
    said.push(
      "This subscription's state was written by the dynamic resource (pulumi-nodejs:dynamic/calendly:" +
        "WebhookSubscription): `pulumi up` rewrites it for the calendly provider in place, with the same id and " +
        "signing key, without calling Calendly.",
    );
  }
  if (olds.state === "disabled") {
    said.push(
      "Calendly disabled this subscription (24 hours of failed deliveries) and cannot re-enable it: " +
        "`pulumi up` replaces it.",
    );
  }
  if (olds.state === "unknown") {
    said.push(
      "An earlier create of this subscription got no answer from Calendly and could not be looked up: " +
        "`pulumi up` replaces it, and deleting the old one removes whatever that create left.",
    );
  }
  if (deleteFirst) {
    said.push(
      `Keeping the URL ${String(news.url)}, \`pulumi up\` must delete the old subscription before creating ` +
        "the new one (Calendly allows one subscription per URL): events in between are never delivered. Mark " +
        "the URL with the markedUrl function to create the new one first.",
    );
  }
  if (updates.includes("signingKey")) {
    said.push(
      "This subscription was imported, and Calendly never returns a signing key: `pulumi up` records the " +
        "declared signingKey as its key, in place, without calling Calendly. Deliveries verify only if it is " +
        "the key the subscription was created with.",
    );
  } else if (olds.signingKey === "" && news.signingKey === undefined) {
    said.push(
      "This subscription's signing key is unknown (it was imported, and Calendly never returns a key): declare " +
        "signingKey, the key it was created with, so that its deliveries can be verified.",
    );
  }
  return said;
}

export async function diffSubscriptionResource(
  context: HandlerContext,
  olds: Properties,
  news: Properties,
  oldInputs: Properties,
): Promise<DetailedDiff> {
  const before = reveal(olds).plain as Partial<StoredOutputs>;
  const after = reveal(news).plain;
  const priorInputs = reveal(oldInputs).plain;
  const diff = diffSubscription(before, after);
  const detailedDiff: Record<string, PropertyDiff> = {};
  for (const key of diff.replaces) {
    detailedDiff[key] = { kind: diffKind(key, priorInputs, after, true), inputDiff: isInput(key) };
  }
  const updates = diff.replaces.length > 0 ? [] : inPlaceUpdates(before, after);
  for (const key of updates) {
    detailedDiff[key] = { kind: diffKind(key, priorInputs, after, false), inputDiff: isInput(key) };
  }
  const fromDynamic = diff.replaces.length === 0 && writtenByDynamicResource(before);
  if (fromDynamic) detailedDiff[DYNAMIC_PROVIDER_CODE] = { kind: "delete", inputDiff: false };
  // One message per diff: the CLI repeats a resource's latest message on each of its step lines.
  const said = reasons(before, after, diff.deleteBeforeReplace, updates, fromDynamic);
  if (said.length > 0) await context.log("warning", said.join(" "));
  return {
    changes: diff.changes || fromDynamic,
    replaces: diff.replaces,
    deleteBeforeReplace: diff.deleteBeforeReplace,
    diffs: Object.keys(detailedDiff),
    detailedDiff,
  };
}

function checkedInputs(plain: Properties): SubscriptionInputs & { keyHeldByProvider: boolean } {
  const { inputs, failures } = checkSubscriptionInputs(plain);
  if (failures.length > 0) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
  return { ...(inputs as unknown as SubscriptionInputs), keyHeldByProvider: keyHeldByProvider(plain) };
}

/** A preview's outputs: the inputs, and unknowns for what Calendly or the provider will decide. */
function previewOutputs(inputs: Properties): Properties {
  const computed: Record<keyof Omit<SubscriptionOutputs, keyof SubscriptionInputs>, unknown> = {
    uri: UNKNOWN,
    callbackUrl: UNKNOWN,
    state: UNKNOWN,
    creator: UNKNOWN,
    createdAt: UNKNOWN,
    updatedAt: UNKNOWN,
    retryStartedAt: UNKNOWN,
    providerDefaults: UNKNOWN,
  };
  return {
    ...inputs,
    organization: inputs.organization ?? UNKNOWN,
    user: inputs.user ?? (inputs.scope === "user" || inputs.scope === UNKNOWN ? UNKNOWN : null),
    group: inputs.group ?? null,
    signingKey: inputs.signingKey ?? UNKNOWN,
    ...computed,
  };
}

export async function createSubscriptionResource(
  context: HandlerContext,
  properties: Properties,
  preview: boolean,
): Promise<{ id: string; outs: Properties }> {
  const { plain, secrets } = reveal(properties);
  if (preview) {
    const outs = previewOutputs(plain);
    return { id: "", outs: conceal(outs, secretKeys(outs, secrets)) };
  }
  try {
    const { id, outs } = await createSubscription(checkedInputs(plain), {
      client: context.session.client(),
      currentUser: () => context.session.currentUser(),
      generateSigningKey,
      now: Date.now,
      sleep: (ms) => sleep(ms),
    });
    const answer = { ...outs } as Properties;
    return { id, outs: conceal(answer, secretKeys(answer, secrets)) };
  } catch (error) {
    if (isPendingCreationError(error)) {
      const recorded = { ...error.properties } as Properties;
      throw new ResourceInitError(
        error.message,
        error.id,
        conceal(recorded, secretKeys(recorded, secrets)),
        error.reasons,
      );
    }
    throw error;
  }
}

/** The id `pulumi import` was given: a subscription's UUID or its URI; otherwise an error that says which to give. */
export function importedId(id: string): string {
  const problem =
    `"${id}" is not a Calendly webhook subscription id. Give the UUID its uri ends with ` +
    "(https://api.calendly.com/webhook_subscriptions/<uuid>; `calendly-webhooks list` shows them), " +
    "or the whole uri.";
  if (/^[A-Za-z0-9_-]{1,200}$/.test(id)) return id;
  let url: URL;
  try {
    url = new URL(id);
  } catch {
    throw new Error(problem);
  }
  const segments = url.pathname.split("/").filter((s) => s.length > 0);
  const last = segments.at(-1);
  if (segments.at(-2) !== "webhook_subscriptions" || !last || !/^[A-Za-z0-9_-]{1,200}$/.test(last)) {
    throw new Error(problem);
  }
  return last;
}

export async function readSubscriptionResource(
  context: HandlerContext,
  id: string,
  properties: Properties,
): Promise<{ id: string; props: Properties; inputs?: Properties }> {
  const { plain, secrets } = reveal(properties);
  // No state: `pulumi import`, the `import` option, or a `get`.
  const importing = plain.url === undefined && plain.uri === undefined;
  const target = importing ? importedId(id) : id;
  const read = await readSubscription(
    context.session.client(),
    target,
    plain as unknown as SubscriptionOutputs,
  );
  if (read.id === "") {
    if (importing) {
      throw new Error(
        `Calendly has no webhook subscription "${target}" (GET /webhook_subscriptions/${target} answered 404 Not ` +
          "Found) for this provider's token. Check the id (`calendly-webhooks list` lists the subscriptions " +
          "the token can see) and the provider's token and apiUrl.",
      );
    }
    return { id: "", props: {} };
  }
  const props = read.props;
  const inputs = withoutStateInput(read.inputs ?? {});
  return {
    id: importing && typeof props.uri === "string" ? subscriptionId(props.uri) : read.id,
    props: conceal(props, secretKeys(props, secrets)),
    inputs: conceal(inputs, secretKeys(inputs, secrets)),
  };
}

export async function updateSubscriptionResource(olds: Properties, news: Properties): Promise<Properties> {
  const before = reveal(olds);
  const after = reveal(news);
  const outs = updateSubscription(before.plain as Partial<StoredOutputs>, after.plain);
  return conceal(outs, secretKeys(outs, new Set([...before.secrets, ...after.secrets])));
}

export async function deleteSubscriptionResource(
  context: HandlerContext,
  id: string,
  properties: Properties,
): Promise<void> {
  await deleteSubscription(
    context.session.client(),
    id,
    reveal(properties).plain as Partial<SubscriptionOutputs>,
  );
}
