/**
 * The Calendly resources the client returns, in this project's camelCase. The mapping from
 * Calendly's snake_case is explicit in `client.ts` (notably `url` in, `callback_url` out).
 */
import type { Scope } from "./events";

export type SubscriptionState = "active" | "disabled";

export interface CalendlyUser {
  uri: string;
  name: string;
  email: string;
  /** The organization URI that every webhook call needs. */
  currentOrganization: string;
  slug: string | null;
  schedulingUrl: string | null;
  timezone: string | null;
  avatarUrl: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface WebhookSubscription {
  uri: string;
  callbackUrl: string;
  createdAt: string;
  updatedAt: string;
  retryStartedAt: string | null;
  state: SubscriptionState;
  events: string[];
  scope: Scope;
  organization: string;
  user: string | null;
  group: string | null;
  creator: string | null;
}

export interface CreateWebhookSubscriptionInput {
  url: string;
  events: readonly string[];
  scope: Scope;
  /** Required by Calendly for every scope. */
  organization: string;
  /** Required for user scope. */
  user?: string;
  /** Required for group scope. */
  group?: string;
  /** Write-only: Calendly never returns it. */
  signingKey?: string;
}

export interface ListWebhookSubscriptionsQuery {
  organization: string;
  scope: Scope;
  user?: string;
  group?: string;
  /** Page size, 1..100 (Calendly's default is 20; the client asks for 100 to save calls). */
  count?: number;
  sort?: "created_at:asc" | "created_at:desc";
}

export interface SampleWebhookDataQuery {
  event: string;
  organization: string;
  scope: Scope;
  user?: string;
  group?: string;
}

/** A webhook delivery body as Calendly sends it. */
export interface WebhookEnvelope {
  event: string;
  created_at: string;
  created_by: string;
  payload: Record<string, unknown>;
}
