/**
 * The emulator's in-memory state: what the seed defines (organizations, users, groups, tokens),
 * the webhook subscriptions clients create, and the invitees deliveries tell about (bookings.ts).
 * Every URI is minted under the emulator's own base URL, so a client following URIs stays on the
 * emulator.
 *
 * The store knows nothing about HTTP or permissions; the API handlers enforce Calendly's rules.
 */
import { randomUUID } from "node:crypto";
import type { Scope } from "../calendly";
import { calendlyTime } from "../calendly";
import { Bookings } from "./bookings";
import type { Plan, Role, Seed } from "./seed";

/** A user as `GET /users/me` returns it (API.md "User", newer fields included). */
export interface UserResource {
  uri: string;
  name: string;
  slug: string;
  email: string;
  scheduling_url: string;
  timezone: string;
  avatar_url: string | null;
  created_at: string;
  updated_at: string;
  current_organization: string;
  resource_type: "User";
  locale: string;
  time_notation: "12h" | "24h";
}

export interface Organization {
  uuid: string;
  uri: string;
  name: string;
}

export interface Group {
  uuid: string;
  uri: string;
  name: string;
  organization: string;
  /** User URIs. */
  members: string[];
}

export interface TokenGrant {
  token: string;
  /** User URI. */
  user: string;
  /** Organization URI of that user. */
  organization: string;
  plan: Plan;
  role: Role;
  /** `undefined`: a legacy personal access token with every scope. */
  scopes: readonly string[] | undefined;
  state: "active" | "expired" | "revoked";
}

export type SubscriptionState = "active" | "disabled";

/** A webhook subscription as Calendly returns it: always these twelve keys. */
export interface WebhookSubscriptionResource {
  uri: string;
  callback_url: string;
  created_at: string;
  updated_at: string;
  retry_started_at: string | null;
  state: SubscriptionState;
  events: string[];
  scope: Scope;
  organization: string;
  user: string | null;
  group: string | null;
  creator: string | null;
}

export interface StoredSubscription extends WebhookSubscriptionResource {
  uuid: string;
  /** Write-only: used to sign deliveries, never returned by any call. */
  signingKey: string | null;
  /** Creation order, to break ties between equal `created_at` values in listings. */
  seq: number;
}

export interface NewSubscription
  extends Pick<
    WebhookSubscriptionResource,
    "events" | "scope" | "organization" | "user" | "group" | "creator"
  > {
  callbackUrl: string;
  signingKey: string | null;
}

export interface SubscriptionFilter {
  organization: string;
  scope: Scope;
  user?: string;
  group?: string;
}

export function subscriptionResource(sub: StoredSubscription): WebhookSubscriptionResource {
  return {
    uri: sub.uri,
    callback_url: sub.callback_url,
    created_at: sub.created_at,
    updated_at: sub.updated_at,
    retry_started_at: sub.retry_started_at,
    state: sub.state,
    events: [...sub.events],
    scope: sub.scope,
    organization: sub.organization,
    user: sub.user,
    group: sub.group,
    creator: sub.creator,
  };
}

export class Store {
  readonly organizations: Organization[];
  readonly users: UserResource[];
  readonly groups: Group[];
  private readonly tokens: Map<string, TokenGrant>;
  private readonly subscriptions = new Map<string, StoredSubscription>();
  private nextSeq = 0;
  /** Invitees and scheduled events that deliveries told about. */
  readonly bookings: Bookings;

  constructor(
    readonly baseUrl: string,
    seed: Seed,
  ) {
    this.bookings = new Bookings(baseUrl);
    const orgUri = (id: string) => `${baseUrl}/organizations/${id}`;
    const userUri = (id: string) => `${baseUrl}/users/${id}`;
    this.organizations = seed.organizations.map((o) => ({ uuid: o.id, uri: orgUri(o.id), name: o.name }));
    this.users = seed.users.map((u) => ({
      uri: userUri(u.id),
      name: u.name,
      slug: u.slug,
      email: u.email,
      scheduling_url: `https://calendly.com/${u.slug}`,
      timezone: u.timezone,
      avatar_url: u.avatar_url,
      created_at: u.created_at,
      updated_at: u.updated_at,
      current_organization: orgUri(u.organization),
      resource_type: "User",
      locale: u.locale,
      time_notation: u.time_notation,
    }));
    this.groups = seed.groups.map((g) => ({
      uuid: g.id,
      uri: `${baseUrl}/groups/${g.id}`,
      name: g.name,
      organization: orgUri(g.organization),
      members: g.members.map(userUri),
    }));
    this.tokens = new Map(
      seed.tokens.map((t) => {
        const user = this.user(userUri(t.user))!;
        const grant: TokenGrant = {
          token: t.token,
          user: user.uri,
          organization: user.current_organization,
          plan: t.plan,
          role: t.role,
          scopes: t.scopes,
          state: t.state,
        };
        return [t.token, grant];
      }),
    );
  }

  tokenGrant(token: string): TokenGrant | undefined {
    return this.tokens.get(token);
  }

  tokenGrants(): TokenGrant[] {
    return [...this.tokens.values()];
  }

  user(uri: string): UserResource | undefined {
    return this.users.find((u) => u.uri === uri);
  }

  organization(uri: string): Organization | undefined {
    return this.organizations.find((o) => o.uri === uri);
  }

  group(uri: string): Group | undefined {
    return this.groups.find((g) => g.uri === uri);
  }

  createSubscription(input: NewSubscription, now = new Date()): StoredSubscription {
    const uuid = randomUUID();
    const time = calendlyTime(now);
    const sub: StoredSubscription = {
      uuid,
      uri: `${this.baseUrl}/webhook_subscriptions/${uuid}`,
      callback_url: input.callbackUrl,
      created_at: time,
      updated_at: time,
      retry_started_at: null,
      state: "active",
      events: [...input.events],
      scope: input.scope,
      organization: input.organization,
      user: input.user,
      group: input.group,
      creator: input.creator,
      signingKey: input.signingKey,
      seq: this.nextSeq++,
    };
    this.subscriptions.set(uuid, sub);
    return sub;
  }

  /**
   * Puts back a subscription exactly as it was (same uuid, times, state), e.g. the Calendly side of
   * a state file made earlier. Its URI is re-based on this emulator's URL.
   */
  restoreSubscription(
    resource: WebhookSubscriptionResource & { uuid: string; signingKey: string | null },
  ): StoredSubscription {
    const sub: StoredSubscription = {
      ...resource,
      events: [...resource.events],
      uri: `${this.baseUrl}/webhook_subscriptions/${resource.uuid}`,
      seq: this.nextSeq++,
    };
    this.subscriptions.set(sub.uuid, sub);
    return sub;
  }

  /** Marks a token revoked, as a user revoking it in Calendly does: its next call gets 401. */
  revokeToken(token: string): boolean {
    const grant = this.tokens.get(token);
    if (!grant) return false;
    grant.state = "revoked";
    return true;
  }

  subscription(uuid: string): StoredSubscription | undefined {
    return this.subscriptions.get(uuid);
  }

  /** Every subscription, oldest first. */
  allSubscriptions(): StoredSubscription[] {
    return [...this.subscriptions.values()].sort((a, b) => a.seq - b.seq);
  }

  deleteSubscription(uuid: string): boolean {
    return this.subscriptions.delete(uuid);
  }

  /** Subscriptions a list call covers, oldest first (state does not matter: disabled ones are listed). */
  listSubscriptions(filter: SubscriptionFilter): StoredSubscription[] {
    return this.allSubscriptions().filter(
      (s) =>
        s.organization === filter.organization &&
        s.scope === filter.scope &&
        (filter.scope !== "user" || s.user === filter.user) &&
        (filter.scope !== "group" || s.group === filter.group),
    );
  }

  /** Turns a subscription `disabled`, as Calendly does after the retry window. */
  disableSubscription(uuid: string, now = new Date()): StoredSubscription | undefined {
    const sub = this.subscriptions.get(uuid);
    if (!sub) return undefined;
    if (sub.state !== "disabled") {
      sub.state = "disabled";
      sub.updated_at = calendlyTime(now);
    }
    return sub;
  }

  clearSubscriptions(): void {
    this.subscriptions.clear();
  }
}
