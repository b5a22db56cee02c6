/** Seed data: the default seed's promises, custom seeds from objects and JSON files, and errors. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultSeed, loadSeedFile, parseSeed, SeedError, type SeedInput } from "../../emulator/seed";
import { startEmulator } from "../../emulator/server";
import { call, type Json } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "emulator-seed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tinySeed: SeedInput = {
  organizations: [{ id: "AAAAAAAAAAAAAAAA", name: "Docs Org" }],
  users: [
    {
      id: "BBBBBBBBBBBBBBBB",
      organization: "AAAAAAAAAAAAAAAA",
      name: "Doc User",
      slug: "doc",
      email: "doc@example.com",
    },
  ],
  tokens: [{ token: "docs-token-1234", user: "BBBBBBBBBBBBBBBB", plan: "paid", role: "owner" }],
};

describe("default seed", () => {
  it("has a paid organization with owner and member tokens, a group, and a separate Free-plan account", () => {
    const seed = defaultSeed();
    const userOf = (id: string) => seed.users.find((u) => u.id === id)!;
    const owner = seed.tokens.find((t) => t.role === "owner" && t.plan === "paid" && t.state === "active")!;
    const member = seed.tokens.find((t) => t.role === "member")!;
    const free = seed.tokens.find((t) => t.plan === "free")!;
    expect(userOf(member.user).organization).toBe(userOf(owner.user).organization);
    expect(userOf(free.user).organization).not.toBe(userOf(owner.user).organization);
    expect(seed.groups.some((g) => g.organization === userOf(owner.user).organization)).toBe(true);
    for (const u of seed.users)
      expect(u.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("custom seeds", () => {
  it("an object seed mints every URI under the emulator's URL and fills in User defaults", async () => {
    const emu = await startEmulator({ seed: tinySeed });
    try {
      const res = await call(emu.url, "GET", "/users/me", { token: "docs-token-1234" });
      expect(res.status).toBe(200);
      expect((res.json as Json).resource).toMatchObject({
        uri: `${emu.url}/users/BBBBBBBBBBBBBBBB`,
        current_organization: `${emu.url}/organizations/AAAAAAAAAAAAAAAA`,
        scheduling_url: "https://calendly.com/doc",
        timezone: "UTC",
        avatar_url: null,
        locale: "en",
        time_notation: "12h",
        resource_type: "User",
      });
    } finally {
      await emu.close();
    }
  });

  it("loads from a JSON file", () => {
    const file = join(dir, "seed.json");
    writeFileSync(file, JSON.stringify(tinySeed));
    expect(loadSeedFile(file).tokens[0]!.state).toBe("active");
  });

  it("reports every problem at once, naming entries but never token values", () => {
    const bad = {
      ...tinySeed,
      users: [...tinySeed.users, { ...tinySeed.users[0], id: "CCCC", organization: "nope" }],
      groups: [{ id: "G", organization: "AAAAAAAAAAAAAAAA", name: "g", members: ["ghost"] }],
      tokens: [...tinySeed.tokens, { ...tinySeed.tokens[0], user: "missing" }],
    };
    let error: SeedError | undefined;
    try {
      parseSeed(bad, "bad.json");
    } catch (e) {
      error = e as SeedError;
    }
    expect(error).toBeInstanceOf(SeedError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('users[1].organization "nope"'),
        expect.stringContaining('"ghost" is not a user id'),
        expect.stringContaining("tokens[1] has the same token value as tokens[0]"),
        expect.stringContaining('tokens[1].user "missing"'),
      ]),
    );
    expect(error!.message).not.toContain("docs-token-1234");
  });

  it("rejects malformed files and shapes with SeedError", () => {
    const notJson = join(dir, "broken.json");
    writeFileSync(notJson, "{ nope");
    expect(() => loadSeedFile(notJson)).toThrow(SeedError);
    expect(() => loadSeedFile(join(dir, "absent.json"))).toThrow(/cannot read/);
    expect(() => parseSeed({ organizations: [] })).toThrow(SeedError);
    expect(() => parseSeed({ ...tinySeed, tokens: [{ ...tinySeed.tokens[0], plan: "gold" }] })).toThrow(
      /tokens\.0\.plan/,
    );
  });

  it("startEmulator refuses an invalid seed", async () => {
    await expect(startEmulator({ seed: { organizations: [] } as never })).rejects.toThrow(SeedError);
  });
});
