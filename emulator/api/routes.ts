/**
 * The Calendly API routes the emulator answers.
 *
 * Routing is a hand-written table of (method, path pattern) rather than a framework: there are eight
 * routes with at most two path parameters, and owning the request/response cycle end to end is what
 * lets the server inject faults (reset before, drop after applying), record every call and add the
 * rate-limit headers to every answer without fighting middleware ordering.
 */

import type { ApiResponse } from "../http";
import type { Operation } from "../recorder";
import type { ApiContext } from "./context";
import { getSampleWebhookData } from "./sample-data";
import { getInvitee, getScheduledEvent } from "./scheduled-events";
import { getCurrentUser } from "./users";
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
} from "./webhook-subscriptions";

interface Route {
  method: string;
  pattern: RegExp;
  operation: Exclude<Operation, "unknown">;
  handler: (ctx: ApiContext) => ApiResponse;
}

/** A path segment id: opaque, as API.md says (UUIDs in practice). */
const ID = "([^/]+)";

const ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^\/users\/me\/?$/, operation: "getCurrentUser", handler: getCurrentUser },
  {
    method: "POST",
    pattern: /^\/webhook_subscriptions\/?$/,
    operation: "createWebhookSubscription",
    handler: createWebhookSubscription,
  },
  {
    method: "GET",
    pattern: /^\/webhook_subscriptions\/?$/,
    operation: "listWebhookSubscriptions",
    handler: listWebhookSubscriptions,
  },
  {
    method: "GET",
    pattern: new RegExp(`^/webhook_subscriptions/${ID}/?$`),
    operation: "getWebhookSubscription",
    handler: getWebhookSubscription,
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^/webhook_subscriptions/${ID}/?$`),
    operation: "deleteWebhookSubscription",
    handler: deleteWebhookSubscription,
  },
  {
    method: "GET",
    pattern: /^\/sample_webhook_data\/?$/,
    operation: "getSampleWebhookData",
    handler: getSampleWebhookData,
  },
  {
    method: "GET",
    pattern: new RegExp(`^/scheduled_events/${ID}/?$`),
    operation: "getScheduledEvent",
    handler: getScheduledEvent,
  },
  {
    method: "GET",
    pattern: new RegExp(`^/scheduled_events/${ID}/invitees/${ID}/?$`),
    operation: "getInvitee",
    handler: getInvitee,
  },
];

export interface RouteMatch {
  operation: Route["operation"];
  handler: Route["handler"];
  params: string[];
}

/** The route for a request, or `undefined` (answered 404 `Resource Not Found`). */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      return undefined; // A malformed %-escape names no resource.
    }
    return { operation: route.operation, handler: route.handler, params };
  }
  return undefined;
}
