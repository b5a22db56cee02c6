/**
 * Tokens and signing keys never appear in the CLI's output: every command, success and failure,
 * run with recognisable secrets, stdout and stderr searched.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalendlyClient } from "../../calendly";
import { type SsmStub, STUB_AWS_ENV, startSsmStub } from "../../tools/aws-stubs";
import { type Receiver, startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { type CliRun, runCli, seedWithTokens, startVerifyingReceiver } from "./helpers";

const OWNER_TOKEN = "tok-LEAKCHECK-owner-5f1e9a";
const MEMBER_TOKEN = "tok-LEAKCHECK-member-77ab";
const UNKNOWN_TOKEN = "tok-LEAKCHECK-unknown-0c3d";
const SIGNING_KEY = "key-LEAKCHECK-signing-91e2";
const MARK = "LEAKCHECK";

let emu: TestEmulator;
let receiver: Receiver;
let dir: string;
let inviteeUri: string;
/** Where `token put` writes; the second refuses every call (AccessDenied). */
let ssm: SsmStub;
let deniedSsm: SsmStub;

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: seedWithTokens([
      { token: OWNER_TOKEN, role: "owner", slug: "olivia-owner" },
      { token: MEMBER_TOKEN, role: "member", slug: "mia-member" },
    ]),
  });
  receiver = await startVerifyingReceiver(SIGNING_KEY);
  const client = createCalendlyClient({ token: OWNER_TOKEN, baseUrl: emu.url });
  await client.createWebhookSubscription({
    url: `${receiver.url}/hook`,
    events: ["invitee.created"],
    scope: "user",
    organization: emu.org,
    user: emu.users.owner,
    signingKey: SIGNING_KEY,
  });
  await client.close();
  inviteeUri = String(emu.control.fireEvent({ event: "invitee.created" }).envelope.payload.uri);
  dir = mkdtempSync(join(tmpdir(), "cli-secrets-"));
  writeFileSync(
    join(dir, "pulumi"),
    `#!/bin/sh\ncase "$3" in calendly:token) echo '${OWNER_TOKEN}' ;; calendly:apiUrl) echo '${emu.url}' ;; esac\n`,
  );
  chmodSync(join(dir, "pulumi"), 0o755);
  writeFileSync(join(dir, "key.txt"), SIGNING_KEY);
  ssm = await startSsmStub();
  deniedSsm = await startSsmStub();
  deniedSsm.injectFaults({ type: "denied" }, Number.POSITIVE_INFINITY);
});

afterAll(async () => {
  await emu?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
  await ssm?.close();
  await deniedSsm?.close();
});

describe("secrets stay out of the output", () => {
  it("in every command, successful or not", async () => {
    const api = { CALENDLY_API_URL: emu.url, CALENDLY_TOKEN: OWNER_TOKEN };
    const runs: [string, Promise<CliRun>][] = [
      ["whoami", runCli(["whoami"], api)],
      ["whoami --json", runCli(["whoami", "--json"], api)],
      ["list", runCli(["list"], api)],
      ["list --json", runCli(["list", "--json"], api)],
      ["adopt", runCli(["adopt"], api)],
      ["adopt --json", runCli(["adopt", "--json"], api)],
      ["send-test", runCli(["send-test", "--url", `${receiver.url}/hook`, "--key", SIGNING_KEY], api)],
      [
        "send-test --tamper",
        runCli(
          ["send-test", "--url", `${receiver.url}/hook`, "--key-file", join(dir, "key.txt"), "--tamper"],
          api,
        ),
      ],
      [
        "send-test wrong key",
        runCli(["send-test", "--url", `${receiver.url}/hook`, "--key", `${SIGNING_KEY}-old`], api),
      ],
      ["invitee", runCli(["invitee", inviteeUri], api)],
      ["invitee --json", runCli(["invitee", inviteeUri, "--json"], api)],
      ["invitee 403", runCli(["invitee", inviteeUri], { ...api, CALENDLY_TOKEN: MEMBER_TOKEN })],
      ["invitee 404", runCli(["invitee", `${inviteeUri}0`], api)],
      ["403", runCli(["list", "--scope", "organization"], { ...api, CALENDLY_TOKEN: MEMBER_TOKEN })],
      ["401", runCli(["whoami"], { ...api, CALENDLY_TOKEN: UNKNOWN_TOKEN })],
      ["watch --once", runCli(["watch", "--once"], api)],
      ["watch --once --json", runCli(["watch", "--once", "--json"], api)],
      ["watch 401", runCli(["watch", "--once"], { ...api, CALENDLY_TOKEN: UNKNOWN_TOKEN })],
      ["unreachable", runCli(["whoami", "--api-url", "http://127.0.0.1:9"], api)],
      ["usage", runCli(["list", "--bogus"], api)],
      ["--token", runCli(["whoami", "--token", UNKNOWN_TOKEN], api)],
      ["--stack", runCli(["whoami", "--stack", "dev"], { PATH: `${dir}${delimiter}${process.env.PATH}` })],
      [
        "verify mismatch",
        runCli([
          "verify",
          "--header",
          `t=1,v1=${"0".repeat(64)}`,
          "--body",
          join(dir, "key.txt"),
          "--key",
          SIGNING_KEY,
          "--now",
          "1",
        ]),
      ],
    ];
    const results = await Promise.all(runs.map(async ([name, run]) => [name, await run] as const));
    const expected: Record<string, number> = {
      "send-test wrong key": 1,
      "403": 1,
      "invitee 403": 1,
      "invitee 404": 1,
      "401": 1,
      "watch 401": 1,
      unreachable: 1,
      usage: 2,
      "--token": 2,
      "verify mismatch": 1,
    };
    for (const [name, run] of results) {
      expect({ name, code: run.code }).toEqual({ name, code: expected[name] ?? 0 });
      expect({ name, output: run.stdout + run.stderr }).toEqual({
        name,
        output: expect.not.stringContaining(MARK),
      });
    }
  }, 30_000);

  it("in token put, which reads one from stdin: written, refused by AWS, or typed where it does not belong", async () => {
    const api = { CALENDLY_API_URL: emu.url, CALENDLY_TOKEN: OWNER_TOKEN };
    const runs: [string, Promise<CliRun>][] = [
      [
        "token put",
        runCli(
          ["token", "put", "--stack", "dev"],
          { ...STUB_AWS_ENV, AWS_ENDPOINT_URL_SSM: ssm.url },
          {
            input: OWNER_TOKEN,
          },
        ),
      ],
      [
        "token put denied",
        runCli(
          ["token", "put", "--stack", "dev"],
          { ...STUB_AWS_ENV, AWS_ENDPOINT_URL_SSM: deniedSsm.url },
          {
            input: OWNER_TOKEN,
          },
        ),
      ],
      [
        "token put, token as argument",
        runCli(["token", "put", OWNER_TOKEN, "--stack", "dev"], api, { input: "" }),
      ],
    ];
    const expected: Record<string, number> = {
      "token put": 0,
      "token put denied": 1,
      "token put, token as argument": 2,
    };
    for (const [name, run] of runs) {
      const { code, stdout, stderr } = await run;
      expect({ name, code }).toEqual({ name, code: expected[name] });
      expect({ name, output: stdout + stderr }).toEqual({ name, output: expect.not.stringContaining(MARK) });
    }
    // The token did reach where it belongs, and only there.
    expect(ssm.getStored("/calendly-webhooks/dev/watchdog/calendly-token")?.value).toBe(OWNER_TOKEN);
  }, 30_000);
});
