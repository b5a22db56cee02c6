/** verify on captured deliveries written to files: ok, and each reason a signature fails. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sampleEnvelope, signatureHeader } from "../../calendly";
import { runCli, runInProcess } from "./helpers";

const KEY = "verify-signing-key-abcdef";
const T = 1_790_000_000;
const dir = mkdtempSync(join(tmpdir(), "cli-verify-"));
// Captured as received: compact JSON, no final newline.
const raw = JSON.stringify(sampleEnvelope("invitee.created", { now: new Date(T * 1000) }));
const bodyFile = join(dir, "body.json");
writeFileSync(bodyFile, raw);
const header = signatureHeader(KEY, raw, T);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const at = (now: number) => ["--now", String(now)];

describe("verify", () => {
  it("ok for the captured delivery (real binary), exit 0", async () => {
    const run = await runCli(["verify", "--header", header, "--body", bodyFile, "--key", KEY, ...at(T + 5)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `ok: the signature matches; signed at t=${T}, 5 s before --now, ${raw.length} body bytes\n`,
    );
    expect(run.stderr).toBe("");
  });

  it("mismatch (real binary): exit 1, one line naming the usual causes", async () => {
    const run = await runCli([
      "verify",
      "--header",
      header,
      "--body",
      bodyFile,
      "--key",
      "rotated-key",
      ...at(T),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(
      "signature mismatch: no key matches; was the body re-serialized? was the key rotated?",
    );
  });

  it("a re-serialized (pretty-printed) body does not match", async () => {
    const pretty = file("pretty.json", JSON.stringify(JSON.parse(raw), null, 2));
    const run = await runInProcess(["verify", "--header", header, "--body", pretty, "--key", KEY, ...at(T)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("signature mismatch");
  });

  it("a final newline added by the capture is named as the cause", async () => {
    const withNewline = file("newline.json", `${raw}\n`);
    const run = await runInProcess([
      "verify",
      "--header",
      header,
      "--body",
      withNewline,
      "--key",
      KEY,
      ...at(T),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("It matches without the body file's final newline");
  });

  it("several keys (rotation): ok when any matches, and says which", async () => {
    const run = await runInProcess([
      "verify",
      "--header",
      header,
      "--body",
      bodyFile,
      "--key",
      "old-key",
      "--key",
      KEY,
      ...at(T),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("matches with key 2 of 2");
  });

  it("--key-file: the file's final newline is not part of the key", async () => {
    const keyFile = file("key.txt", `${KEY}\n`);
    const run = await runInProcess([
      "verify",
      "--header",
      header,
      "--body",
      bodyFile,
      "--key-file",
      keyFile,
      ...at(T),
    ]);
    expect(run.code).toBe(0);
  });

  it("accepts the header line with its name, as copied from a log", async () => {
    const run = await runInProcess([
      "verify",
      "--header",
      `Calendly-Webhook-Signature: ${header}`,
      "--body",
      bodyFile,
      "--key",
      KEY,
      ...at(T),
    ]);
    expect(run.code).toBe(0);
  });

  it("stale: gives the age and the --now that checks the HMAC alone", async () => {
    const run = await runInProcess([
      "verify",
      "--header",
      header,
      "--body",
      bodyFile,
      "--key",
      KEY,
      ...at(T + 181),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("signature stale (signed 181s ago, more than the 180s tolerance)");
    expect(run.stderr).toContain(`pass --now ${T}`);
  });

  it("--tolerance widens the window", async () => {
    const run = await runInProcess([
      "verify",
      "--header",
      header,
      "--body",
      bodyFile,
      "--key",
      KEY,
      ...at(T + 181),
      "--tolerance",
      "300",
    ]);
    expect(run.code).toBe(0);
  });

  it("without --now, a signature made long ago is stale", async () => {
    const run = await runInProcess(["verify", "--header", header, "--body", bodyFile, "--key", KEY]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("signature stale");
  });

  it("future: more than the allowed clock skew ahead", async () => {
    const run = await runInProcess([
      "verify",
      "--header",
      header,
      "--body",
      bodyFile,
      "--key",
      KEY,
      ...at(T - 60),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("signature from the future (signed 60s in the future");
  });

  it.each([
    ["v1=abc", "no t= (timestamp) part"],
    [`t=${T}`, "no v1= (signature) part"],
    [`t=soon,v1=${"0".repeat(64)}`, "t= is not a unix time in seconds"],
    [`t=${T},v1=xyz`, "v1= is not 64 hex digits (HMAC-SHA256)"],
  ])("malformed %s: names what is wrong", async (value, detail) => {
    const run = await runInProcess(["verify", "--header", value, "--body", bodyFile, "--key", KEY, ...at(T)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `signature malformed (${detail}): expected t=<unix seconds>,v1=<64 hex digits>`,
    );
  });

  it("missing: an empty header value", async () => {
    const run = await runInProcess(["verify", "--header", "", "--body", bodyFile, "--key", KEY, ...at(T)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("signature missing");
  });

  it("never prints the key, whatever the outcome", async () => {
    for (const now of [T, T + 1000]) {
      for (const key of [KEY, "some-other-secret-key"]) {
        const run = await runInProcess([
          "verify",
          "--header",
          header,
          "--body",
          bodyFile,
          "--key",
          key,
          ...at(now),
        ]);
        expect(run.stdout + run.stderr).not.toContain(key);
      }
    }
  });
});
