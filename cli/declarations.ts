/**
 * Turns existing Calendly subscriptions into `WebhookSubscription` declarations that take them
 * over (`adoptExisting: true`) on the next `pulumi up`, instead of failing with a 409.
 *
 * Calendly never returns signing keys, so every declaration reads its key from a secret config
 * value the user must set to the key the subscription was created with: without it, the adopted
 * subscription's deliveries could never be verified.
 */
import type { WebhookSubscription } from "../calendly";
import { uuidOf } from "./subscriptions";

export interface Adoption {
  /** Pulumi resource name, unique within the output. */
  name: string;
  /** Stack config key (project namespace) holding the signing key. */
  keyConfig: string;
  subscription: WebhookSubscription;
  /** The WebhookSubscription arguments, as data. */
  args: {
    url: string;
    events: string[];
    scope: WebhookSubscription["scope"];
    organization: string;
    user?: string;
    group?: string;
    adoptExisting: true;
  };
}

export interface Skipped {
  subscription: WebhookSubscription;
  reason: string;
}

export interface AdoptionPlan {
  adoptions: Adoption[];
  skipped: Skipped[];
}

const DISABLED_REASON =
  "disabled: Calendly never re-enables a subscription, so adopting it would only lead to a replacement; declare a new WebhookSubscription instead";

/** A resource name from the callback URL's path (or host): `calendly-hooks-calendly`. */
export function nameFor(callbackUrl: string): string {
  let words = "";
  try {
    const url = new URL(callbackUrl);
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // A malformed escape: the raw path still makes a usable name.
    }
    words = path.replace(/^\/+|\/+$/g, "") || url.hostname.split(".")[0] || "";
  } catch {
    words = callbackUrl;
  }
  const slug = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug.startsWith("calendly") ? slug : `calendly-${slug || "webhook"}`;
}

export function planAdoption(subscriptions: readonly WebhookSubscription[]): AdoptionPlan {
  const adoptions: Adoption[] = [];
  const skipped: Skipped[] = [];
  const taken = new Set<string>();
  for (const sub of subscriptions) {
    if (sub.state === "disabled") {
      skipped.push({ subscription: sub, reason: DISABLED_REASON });
      continue;
    }
    let name = nameFor(sub.callbackUrl);
    if (taken.has(name)) name = `${name}-${uuidOf(sub).slice(0, 8).toLowerCase()}`;
    taken.add(name);
    adoptions.push({
      name,
      keyConfig: `${name}-signing-key`,
      subscription: sub,
      args: {
        url: sub.callbackUrl,
        // The provider sorts events too; matching order keeps the first preview free of noise.
        events: [...new Set(sub.events)].sort(),
        scope: sub.scope,
        organization: sub.organization,
        ...(sub.scope === "user" && sub.user !== null ? { user: sub.user } : {}),
        ...(sub.scope === "group" && sub.group !== null ? { group: sub.group } : {}),
        adoptExisting: true,
      },
    });
  }
  return { adoptions, skipped };
}

const str = (value: string) => JSON.stringify(value);

/**
 * The plan as TypeScript to paste into an existing Pulumi program (index.ts), below its imports:
 * no import and no top-level name of its own, so nothing in it can clash with what the program
 * already declares (a second `import * as pulumi` or `const config` would not compile). It uses
 * `pulumi` (which every Pulumi TypeScript program imports) and `WebhookSubscription`, and says so.
 */
export function renderTypeScript(plan: AdoptionPlan, heading: string): string {
  const lines = [`// ${heading}`];
  if (plan.adoptions.length > 0) {
    lines.push(
      "//",
      "// Paste this below the imports of your index.ts. It needs these two, which most programs",
      "// that use the package have already; add whichever yours lacks:",
      '//   import * as pulumi from "@pulumi/pulumi";',
      '//   import { WebhookSubscription } from "pulumi-calendly";',
      "//",
      "// Calendly never returns signing keys: each declaration needs the key its subscription was",
      "// created with. Set them first; `pulumi config set --secret` prompts, so the key stays out of",
      "// your shell history:",
      ...plan.adoptions.map((a) => `//   pulumi config set --secret ${a.keyConfig}`),
    );
  }
  for (const adoption of plan.adoptions) {
    const { args, subscription } = adoption;
    lines.push(
      "",
      `// ${subscription.uri} (created ${subscription.createdAt}${subscription.retryStartedAt ? `; RETRYING since ${subscription.retryStartedAt}: the receiver is failing` : ""})`,
      `new WebhookSubscription(${str(adoption.name)}, {`,
      `  url: ${str(args.url)},`,
      `  events: [${args.events.map(str).join(", ")}],`,
      `  scope: ${str(args.scope)},`,
      `  organization: ${str(args.organization)},`,
      ...(args.user !== undefined ? [`  user: ${str(args.user)},`] : []),
      ...(args.group !== undefined ? [`  group: ${str(args.group)},`] : []),
      "  // Calendly never returns signing keys: this must be the key the subscription was created with.",
      `  signingKey: new pulumi.Config().requireSecret(${str(adoption.keyConfig)}),`,
      "  adoptExisting: true,",
      "});",
    );
  }
  for (const skip of plan.skipped) {
    lines.push("", `// Skipped ${skip.subscription.uri} (${skip.subscription.callbackUrl}): ${skip.reason}.`);
  }
  if (plan.adoptions.length === 0) lines.push("", "// Nothing to adopt.");
  return `${lines.join("\n")}\n`;
}

/** The plan as JSON for scripts. */
export function planJson(plan: AdoptionPlan) {
  return {
    adopt: plan.adoptions.map((a) => ({
      name: a.name,
      uri: a.subscription.uri,
      signingKeyConfig: a.keyConfig,
      configCommand: `pulumi config set --secret ${a.keyConfig}`,
      args: a.args,
    })),
    skipped: plan.skipped.map((s) => ({
      uri: s.subscription.uri,
      callbackUrl: s.subscription.callbackUrl,
      state: s.subscription.state,
      reason: s.reason,
    })),
  };
}
