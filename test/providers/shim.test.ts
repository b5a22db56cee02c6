/**
 * The shim that Pulumi serializes into every WebhookSubscription's `__provider`
 * (packages/pulumi-calendly/src/provider/shim.ts), as Pulumi's own serializer writes it when a
 * program imports the package by name (tools/pulumi-host/serialize.ts).
 *
 * Its text is pinned byte for byte: a state whose `__provider` differs from the program's is
 * updated in place to store the new one (diff.ts), so a shim that changed would rewrite every
 * subscription of every stack once. If this test fails, keep the old text, or accept that cost
 * knowingly and say so in the release notes.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as runtime from "../../packages/pulumi-calendly/src/provider";
import { PROJECT_ROOT, serializeWebhookSubscriptionProvider } from "../../tools/pulumi-host/serialize";

const PINNED = readFileSync(
  join(PROJECT_ROOT, "test/fixtures/pulumi/webhook-subscription-provider.js"),
  "utf8",
);
/** What Pulumi's dynamic-provider host loads `__provider` with (a dependency of @pulumi/pulumi). */
const requireFromString = createRequire(join(PROJECT_ROOT, "package.json"))("require-from-string") as (
  code: string,
) => { handler(): Record<string, unknown> };
const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;

let provider: string;

beforeAll(async () => {
  provider = (await serializeWebhookSubscriptionProvider()).provider;
}, 60_000);

describe("the serialized shim", () => {
  it("is byte for byte the pinned text", () => {
    expect(provider).toBe(PINNED);
  });

  it("is at most 4 KB", () => {
    expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(4096);
  });

  it("captures nothing: its only free name is require, called with the package's provider entry", () => {
    const required = [...provider.matchAll(/require\("([^"]*)"\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(["pulumi-calendly/provider"]));
    expect(required).toHaveLength(METHODS.length);
    // No captured value: Pulumi's serializer writes one `with({...})` per function, naming what it
    // captured; the methods capture nothing, the handler only the object of methods.
    const captures = [...provider.matchAll(/with\(\{ ([^}]*) \}\)/g)].map((m) => m[1]);
    expect(captures.filter((c) => c !== "this: undefined, arguments: undefined")).toEqual([
      "provider: __provider, this: undefined, arguments: undefined",
    ]);
  });

  it("loads as the host loads it, and each method reaches the package's provider entry", async () => {
    const shim = requireFromString(provider).handler();
    expect(Object.keys(shim).sort()).toEqual([...METHODS].sort());
    for (const method of METHODS) {
      expect(typeof shim[method]).toBe("function");
      expect(typeof (runtime as Record<string, unknown>)[method]).toBe("function");
    }
    // A call requires the installed package (node_modules/pulumi-calendly) and runs its check.
    const check = shim.check as (olds: object, news: object) => Promise<{ inputs: { events: string[] } }>;
    const checked = await check(
      {},
      { url: "https://hooks.example.com/a", events: ["b.x", "a.x"], scope: "user" },
    );
    expect(checked).toMatchObject({ failures: [{ property: "events" }, { property: "events" }] });
    const valid = {
      url: "https://hooks.example.com/a",
      events: ["invitee.created", "invitee.canceled"],
      scope: "user",
    };
    expect((await check({}, valid)).inputs.events).toEqual(["invitee.canceled", "invitee.created"]);
  });
});

describe("why a shim: the provider object itself, serialized from the workspace package", () => {
  it("is captured by value, code and all, because its real path is outside node_modules", () => {
    // node_modules/pulumi-calendly is a symlink to packages/pulumi-calendly; Node records the real
    // path, and Pulumi's captureModuleAsync captures a module outside node_modules by value. Since
    // the provider waits with node:timers/promises, capturing it by value reaches Node's own
    // internals, which the serializer cannot write at all; captured by name, it would be one
    // `require` and succeed.
    const script = `
      const pulumi = require("@pulumi/pulumi");
      const { webhookSubscriptionProvider } = require("pulumi-calendly/provider");
      pulumi.runtime.serializeFunction(() => webhookSubscriptionProvider, { allowSecrets: true })
        .then((s) => process.stdout.write(s.text), (e) => process.stdout.write(\`refused: \${e.message}\`));`;
    const text = execFileSync(process.execPath, ["--no-warnings", "-e", script], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    expect(text).toMatch(/^refused: /);
    expect(text).toContain("webhookSubscriptionProvider");
    expect(text).toContain("it was a native code function");
  }, 60_000);
});
