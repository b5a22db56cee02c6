/**
 * `/webhook_subscriptions`: create, list, get and delete, with the rules of API.md (and
 * docs/emulator.md for the points API.md leaves open). Checks run in this order, so a request
 * breaking several rules gets the first kind of error:
 *
 *   401 token → 403 `webhooks:write` scope → 400 body and parameters (every problem at once) →
 *   403 organization / scope / owner permissions → 403 per-event OAuth read scopes →
 *   403 plan-gated events on the Free plan → 409 duplicate URL → 201.
 *
 * Listing and reading need `webhooks:read` (implied by `webhooks:write`), checked first.
 */
import { z } from "zod";
import {
  EVENT_RULES,
  eventScopeProblems,
  isWebhookEvent,
  SCOPES,
  type Scope,
  type WebhookEvent,
} from "../../calendly";
import { isAdmin, requireScopes } from "../auth";
import {
  alreadyExists,
  type ErrorDetail,
  invalidArgument,
  MESSAGES,
  notFound,
  permissionDenied,
} from "../errors";
import { type ApiResponse, json, noContent, parseJsonBody } from "../http";
import { assertNoDetails, paginate, queryFingerprint, readPageQuery } from "../pagination";
import { nonPublicHostProblem } from "../public-url";
import { type StoredSubscription, subscriptionResource } from "../store";
import type { ApiContext } from "./context";
import { assertMayRead, assertOwnOrganization, missing, readOwnerQuery } from "./params";

const WRITE_SCOPE = "webhooks:write";
const READ_SCOPE = "webhooks:read";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** "`name` is missing" when absent, `wrongType` otherwise. */
function stringField(name: string, wrongType: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? `${name} is missing` : wrongType) });
}

const createBodySchema = z.object({
  url: stringField("url", "url must be a string").refine(
    isHttpUrl,
    "url must be an absolute http or https URL",
  ),
  events: z
    .array(z.string({ error: "every event must be a string" }), {
      error: (issue) =>
        issue.input === undefined ? "events is missing" : "events must be an array of event names",
    })
    .min(1, "events must list at least one event"),
  organization: stringField("organization", "organization must be an organization URI"),
  scope: z.enum(SCOPES, {
    error: (issue) =>
      issue.input === undefined ? "scope is missing" : `scope must be one of ${SCOPES.join(", ")}`,
  }),
  user: z.string({ error: "user must be a user URI" }).optional(),
  group: z.string({ error: "group must be a group URI" }).optional(),
  signing_key: z
    .string({ error: "signing_key must be a string" })
    .min(1, "signing_key must not be empty")
    .optional(),
});

/** A create body that passed every 400 check: its events are all known. */
type CreateBody = Omit<z.infer<typeof createBodySchema>, "events"> & { events: WebhookEvent[] };

function parseCreateBody(ctx: ApiContext): CreateBody {
  const body = parseJsonBody(ctx.body);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidArgument([{ message: "The request body must be a JSON object." }]);
  }
  const parsed = createBodySchema.safeParse(body);
  if (!parsed.success) {
    throw invalidArgument(
      parsed.error.issues.map((issue) => ({
        parameter: String(issue.path[0] ?? ""),
        message: issue.message,
      })),
    );
  }
  const input = parsed.data;
  const details: ErrorDetail[] = [];
  const notPublic = ctx.publicCallbackUrlsOnly ? nonPublicHostProblem(input.url) : undefined;
  if (notPublic) details.push({ parameter: "url", message: `url must be a public URL: ${notPublic}` });
  if (input.scope === "user" && input.user === undefined) details.push(missing("user"));
  if (input.scope === "group") {
    if (input.group === undefined) details.push(missing("group"));
    else {
      const group = ctx.store.group(input.group);
      if (!group || group.organization !== input.organization) {
        details.push({ parameter: "group", message: "group is not a group of this organization" });
      }
    }
  }
  for (const event of new Set(input.events.filter((e, i) => input.events.indexOf(e) !== i))) {
    details.push({ parameter: "events", message: `events lists "${event}" more than once` });
  }
  for (const problem of eventScopeProblems(input.events, input.scope)) {
    details.push({ parameter: "events", message: problem });
  }
  assertNoDetails(details);
  return { ...input, events: input.events.filter(isWebhookEvent) };
}

/** Who owns the new subscription, after checking the token may create it. */
function authorizeCreate(ctx: ApiContext, input: CreateBody): { user: string | null; group: string | null } {
  const { grant } = ctx;
  assertOwnOrganization(grant, input.organization);
  switch (input.scope) {
    case "organization":
      if (!isAdmin(grant)) throw permissionDenied(MESSAGES.noPermissionResource);
      return { user: null, group: null };
    case "group":
      if (!isAdmin(grant)) throw permissionDenied(MESSAGES.noPermissionResource);
      return { user: null, group: input.group! };
    case "user":
      // API.md: a personal access token can only subscribe for its own user, whatever its role.
      if (input.user !== grant.user) throw permissionDenied(MESSAGES.noPermission);
      return { user: input.user, group: null };
  }
}

/**
 * Whether `sub` makes the candidate a 409 (see `DuplicateUrlRule`). Other organizations never
 * conflict; disabled subscriptions count like active ones.
 */
function isDuplicate(
  ctx: ApiContext,
  candidate: { url: string; scope: Scope; user: string | null; group: string | null; organization: string },
  sub: StoredSubscription,
): boolean {
  if (sub.organization !== candidate.organization || sub.callback_url !== candidate.url) return false;
  if (ctx.duplicateUrlRule === "organization") return true;
  return sub.scope === candidate.scope && sub.user === candidate.user && sub.group === candidate.group;
}

export function createWebhookSubscription(ctx: ApiContext): ApiResponse {
  const { grant, store } = ctx;
  requireScopes(grant, [WRITE_SCOPE]);

  const input = parseCreateBody(ctx);
  const owner = authorizeCreate(ctx, input);

  requireScopes(grant, [WRITE_SCOPE, ...input.events.map((e) => EVENT_RULES[e].readScope)]);

  if (grant.plan === "free" && input.events.some((e) => EVENT_RULES[e].planFeature !== null)) {
    throw permissionDenied(MESSAGES.upgrade);
  }

  const candidate = { url: input.url, scope: input.scope, organization: input.organization, ...owner };
  if (store.allSubscriptions().some((sub) => isDuplicate(ctx, candidate, sub))) throw alreadyExists();

  const sub = store.createSubscription(
    {
      callbackUrl: input.url,
      events: input.events,
      scope: input.scope,
      organization: input.organization,
      user: owner.user,
      group: owner.group,
      creator: grant.user,
      signingKey: input.signing_key ?? null,
    },
    ctx.now,
  );
  return json(201, { resource: subscriptionResource(sub) });
}

export function listWebhookSubscriptions(ctx: ApiContext): ApiResponse {
  const { grant, store, query } = ctx;
  requireScopes(grant, [READ_SCOPE]);
  const details: ErrorDetail[] = [];
  const { organization, scope, user, group } = readOwnerQuery(query, details);
  const fingerprintOf = (sort: string) =>
    queryFingerprint([
      organization ?? "",
      scope,
      scope === "user" ? (user ?? "") : "",
      scope === "group" ? (group ?? "") : "",
      sort,
    ]);
  const page = readPageQuery(query, fingerprintOf, details);
  assertNoDetails(details);

  assertOwnOrganization(grant, organization!);
  assertMayRead(store, grant, scope!, user);

  const items = store.listSubscriptions({
    organization: organization!,
    scope: scope!,
    user: user ?? undefined,
    group: group ?? undefined,
  });
  const pageUrl = (token: string) => {
    const next = new URLSearchParams(query);
    next.delete("page_token");
    next.set("count", String(page.count));
    next.set("page_token", token);
    return `${store.baseUrl}/webhook_subscriptions?${next.toString()}`;
  };
  const result = paginate(items, page, fingerprintOf(page.sort), pageUrl);
  return json(200, { collection: result.items.map(subscriptionResource), pagination: result.pagination });
}

/**
 * The subscription a get or delete names. Another organization's subscription is a 404, so ids
 * do not leak across organizations; a member may only touch its own user-scope subscriptions.
 */
function visibleSubscription(ctx: ApiContext): StoredSubscription {
  const sub = ctx.store.subscription(ctx.params[0] ?? "");
  if (!sub || sub.organization !== ctx.grant.organization) throw notFound();
  if (!isAdmin(ctx.grant) && !(sub.scope === "user" && sub.user === ctx.grant.user)) {
    throw permissionDenied(MESSAGES.noPermissionResource);
  }
  return sub;
}

export function getWebhookSubscription(ctx: ApiContext): ApiResponse {
  requireScopes(ctx.grant, [READ_SCOPE]);
  return json(200, { resource: subscriptionResource(visibleSubscription(ctx)) });
}

export function deleteWebhookSubscription(ctx: ApiContext): ApiResponse {
  requireScopes(ctx.grant, [WRITE_SCOPE]);
  const sub = visibleSubscription(ctx);
  ctx.store.deleteSubscription(sub.uuid);
  return noContent();
}
