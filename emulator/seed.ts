/**
 * The emulator's seed: organizations, users, groups and API tokens, from JSON.
 *
 * Ids are bare (UUIDs in the default seed) because the base URL, and so every URI, is only known
 * once the server listens; references between entries use those ids. `loadSeedFile` and
 * `parseSeed` validate shape and references and report every problem at once.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import defaultSeedJson from "./seed.default.json";

/** Path segments: a UUID, or the 16-letter placeholders of Calendly's docs. */
const id = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be a URL-safe id such as a UUID");
/** Calendly's time format, `2020-01-02T03:04:05.678123Z`. */
const time = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, "must look like 2020-01-02T03:04:05.678123Z");

const organizationSchema = z.object({ id, name: z.string().min(1) });

const userSchema = z.object({
  id,
  organization: id,
  name: z.string().min(1),
  slug: z.string().min(1),
  email: z.string().min(3),
  timezone: z.string().min(1).default("UTC"),
  avatar_url: z.string().nullable().default(null),
  locale: z.string().min(2).default("en"),
  time_notation: z.enum(["12h", "24h"]).default("12h"),
  created_at: time.default("2024-01-15T09:30:00.000000Z"),
  updated_at: time.default("2024-06-01T12:00:00.000000Z"),
});

const groupSchema = z.object({
  id,
  organization: id,
  name: z.string().min(1),
  members: z.array(id).default([]),
});

const tokenSchema = z.object({
  token: z.string().min(8, "tokens must be at least 8 characters"),
  user: id,
  plan: z.enum(["paid", "free"]),
  role: z.enum(["owner", "admin", "member"]),
  /** Absent: a legacy personal access token with every scope. Present: exactly these OAuth scopes. */
  scopes: z.array(z.string()).optional(),
  /** A known token that no longer works, to exercise the other 401 messages. */
  state: z.enum(["active", "expired", "revoked"]).default("active"),
});

export const seedSchema = z.object({
  organizations: z.array(organizationSchema).min(1),
  users: z.array(userSchema).min(1),
  groups: z.array(groupSchema).default([]),
  tokens: z.array(tokenSchema).min(1),
});

/** A seed as written in JSON (defaults may be left out). */
export type SeedInput = z.input<typeof seedSchema>;
/** A validated seed with defaults filled in. */
export type Seed = z.output<typeof seedSchema>;
export type SeedToken = Seed["tokens"][number];
export type Plan = SeedToken["plan"];
export type Role = SeedToken["role"];

export class SeedError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid emulator seed (${source}):\n  - ${problems.join("\n  - ")}`);
    this.name = "SeedError";
  }
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/** Cross-entry checks zod cannot express: unique ids and tokens, references that resolve. */
function referenceProblems(seed: Seed): string[] {
  const problems: string[] = [];
  const orgs = new Set(seed.organizations.map((o) => o.id));
  const users = new Set(seed.users.map((u) => u.id));
  for (const [what, ids] of [
    ["organization id", seed.organizations.map((o) => o.id)],
    ["user id", seed.users.map((u) => u.id)],
    ["group id", seed.groups.map((g) => g.id)],
  ] as const) {
    for (const dup of duplicates(ids)) problems.push(`${what} "${dup}" appears more than once`);
  }
  // Token values are secrets: say which entries clash, never the value.
  const tokens = seed.tokens.map((t) => t.token);
  tokens.forEach((token, index) => {
    const first = tokens.indexOf(token);
    if (first !== index) problems.push(`tokens[${index}] has the same token value as tokens[${first}]`);
  });
  seed.users.forEach((u, i) => {
    if (!orgs.has(u.organization))
      problems.push(`users[${i}].organization "${u.organization}" is not an organization id`);
  });
  seed.groups.forEach((g, i) => {
    if (!orgs.has(g.organization)) {
      problems.push(`groups[${i}].organization "${g.organization}" is not an organization id`);
    }
    for (const member of g.members) {
      const user = seed.users.find((u) => u.id === member);
      if (!user) problems.push(`groups[${i}].members: "${member}" is not a user id`);
      else if (user.organization !== g.organization) {
        problems.push(`groups[${i}].members: user "${member}" belongs to another organization`);
      }
    }
  });
  seed.tokens.forEach((t, i) => {
    if (!users.has(t.user)) problems.push(`tokens[${i}].user "${t.user}" is not a user id`);
  });
  return problems;
}

/** Validates a seed object; throws `SeedError` listing every problem. */
export function parseSeed(input: unknown, source = "seed object"): Seed {
  const parsed = seedSchema.safeParse(input);
  if (!parsed.success) {
    throw new SeedError(
      source,
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const problems = referenceProblems(parsed.data);
  if (problems.length > 0) throw new SeedError(source, problems);
  return parsed.data;
}

/** Reads and validates a seed JSON file. */
export function loadSeedFile(path: string): Seed {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SeedError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseSeed(json, path);
}

/** The seed the emulator starts with unless told otherwise (see docs/emulator.md). */
export function defaultSeed(): Seed {
  return parseSeed(defaultSeedJson, "emulator/seed.default.json");
}
