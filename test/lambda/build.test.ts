/**
 * The Lambda bundle: deterministic byte for byte, free of machine paths, and working: the built
 * file itself handles deliveries against the AWS stubs.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReceiverBundle, PROJECT_ROOT, type ReceiverBundle } from "../../lambda/build";
import { startAwsStubs } from "../../tools/aws-stubs";
import { captureStdout, delivery, envelope, KEY } from "./support";

const dirs: string[] = [];
let first: ReceiverBundle;
let second: ReceiverBundle;

beforeAll(async () => {
  for (let i = 0; i < 2; i++) dirs.push(await mkdtemp(join(tmpdir(), `receiver-bundle-${i}-`)));
  first = await buildReceiverBundle(dirs[0]);
  second = await buildReceiverBundle(dirs[1]);
}, 60_000);
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("buildReceiverBundle", () => {
  it("writes handler.js and handler.js.map into the folder asked for", () => {
    expect(first.entryFile).toBe(join(dirs[0]!, "handler.js"));
    expect(first.mapFile).toBe(join(dirs[0]!, "handler.js.map"));
  });

  it("is deterministic byte for byte, whatever the output folder", async () => {
    expect(second.sha256).toBe(first.sha256);
    expect(second.bytes).toBe(first.bytes);
    expect(await readFile(second.entryFile)).toEqual(await readFile(first.entryFile));
    expect(await readFile(second.mapFile)).toEqual(await readFile(first.mapFile));
  });

  it("names no absolute path of this machine, in the code or the map", async () => {
    for (const file of [first.entryFile, first.mapFile]) {
      const text = await readFile(file, "utf8");
      for (const path of [PROJECT_ROOT, dirs[0]!, tmpdir(), process.env.HOME ?? "/root"]) {
        expect(text).not.toContain(path);
      }
    }
    const map = JSON.parse(await readFile(first.mapFile, "utf8")) as { sources: string[] };
    expect(map.sources.every((source) => !source.startsWith("/"))).toBe(true);
    expect(map.sources).toContain("../../lambda/handler.ts");
  });

  it("bundles the AWS SDK clients (nothing left to the runtime) and links its source map", async () => {
    const code = await readFile(first.entryFile, "utf8");
    // Every module the bundle still loads is a Node built-in. (One SDK error message quotes
    // `[require("@aws-sdk/signature-v4-crt");]` as advice: the bracket excludes it.)
    const loaded = new Set([...code.matchAll(/(?<!\[)require\("([^"]+)"\)/g)].map((m) => m[1]!));
    expect([...loaded].filter((name) => !name.startsWith("node:"))).toEqual([]);
    expect(code.trimEnd().endsWith("//# sourceMappingURL=handler.js.map")).toBe(true);
    expect(first.bytes).toBeLessThan(1024 * 1024);
  });

  it("leaves out what the receiver never runs: no HTTP client from the calendly face", async () => {
    // The handler imports calendly/ for the signature check; the face also offers the API client
    // and its undici, which only a module marked free of side effects lets esbuild drop.
    const map = JSON.parse(await readFile(first.mapFile, "utf8")) as { sources: string[] };
    expect(map.sources.filter((source) => source.includes("node_modules/undici/"))).toEqual([]);
    expect(map.sources.filter((source) => source.includes("/calendly/delivery.ts"))).toEqual([]);
  });

  it("handles deliveries when loaded on its own", async () => {
    const stubs = await startAwsStubs();
    try {
      Object.assign(process.env, stubs.env, {
        EVENT_BUS_NAME: "bundle-bus",
        CLAIM_CHECK_BUCKET: "bundle-bucket",
        CALENDLY_SIGNING_KEYS: KEY,
      });
      // The built file, not the sources: a broken bundle fails here.
      const bundle = require(first.entryFile) as {
        handler: (event: unknown) => Promise<{ statusCode: number }>;
      };
      const body = JSON.stringify(envelope("invitee.created"));
      const large = JSON.stringify({ ...envelope("invitee.created"), pad: "x".repeat(300_000) });
      const { result } = await captureStdout(async () => [
        await bundle.handler(delivery(body)),
        await bundle.handler(delivery(large)),
        await bundle.handler(delivery(body, { key: "wrong" })),
      ]);
      expect(result.map((r) => r.statusCode)).toEqual([200, 200, 401]);
      expect(stubs.eventBridge.entries.map((e) => e.entry.EventBusName)).toEqual([
        "bundle-bus",
        "bundle-bus",
      ]);
      expect(stubs.s3.objects.size).toBe(1);
    } finally {
      await stubs.close();
    }
  });
});
