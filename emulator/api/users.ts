/** `GET /users/me`: the token's user, with every field of API.md's User (newer ones included). */
import { notFound } from "../errors";
import { type ApiResponse, json } from "../http";
import type { ApiContext } from "./context";

export function getCurrentUser(ctx: ApiContext): ApiResponse {
  const user = ctx.store.user(ctx.grant.user);
  // Unreachable with a validated seed (every token names a seeded user); answered, not crashed.
  if (!user) throw notFound();
  return json(200, { resource: { ...user } });
}
