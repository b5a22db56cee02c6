/**
 * The aliases plan (docs/deployment.md, "Renaming without replacing") through the real Pulumi CLI,
 * engine and state, with the stand-in aws and random plugins and the Calendly emulator, as in
 * whole-program.test.ts. The repository's program is deployed, then copies of it with renames made
 * as the plan says (test/infra/harness/renamed-program.ts) are previewed and applied against that
 * same stack:
 *
 * - the receiver's type token renamed without the plan: the preview would delete the stateful
 *   resources and replace the subscription (what the plan is for);
 * - the same rename with the former token recorded: `preview --expect-no-changes` passes, and `up`
 *   moves every URN without a call to AWS or to Calendly;
 * - then the stack's resource prefix too: no resource created, deleted or replaced (the few
 *   descriptions that quote the name are updated in place), the subscription untouched;
 * - destroy from the renamed program: nothing left.
 *
 * The stack's name has capitals, so the claim-check bucket's name (lowercase for S3) does not start
 * with the component's: the one child whose former name the engine cannot derive by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/server";
import { resourcePrefix } from "../../infra/naming";
import { RECEIVER_TYPE } from "../../infra/receiver";
import { type RenamedProgram, renamedProgram } from "../infra/harness/renamed-program";
import { RESOURCE_TYPES } from "../support/resource-types";
import { OWNER_TOKEN, startEngineEmulator } from "./support/emulator";
import { createWorkspace, REPO_ROOT, type StateResource, type Workspace } from "./support/pulumi";
import { type CallRecord, installStandinsFor, type Standins } from "./support/standins";

const T = RESOURCE_TYPES;
const STACK = "Renames";
const NEW_TYPE = "calendly:index:WebhookReceiver";
const NEW_PREFIX = "calendly-webhooks-";

let emulator: Emulator;
let ws: Workspace;
let standins: Standins;
const programs: RenamedProgram[] = [];

function program(rename: Parameters<typeof renamedProgram>[0]): string {
  const renamed = renamedProgram(rename);
  programs.push(renamed);
  return renamed.dir;
}

async function state(): Promise<StateResource[]> {
  return ((await ws.exportState()).deployment.resources ?? []).filter(
    (r) => !(r.type.startsWith("pulumi:providers:") && /::default(_[0-9_]+)?$/.test(r.urn)),
  );
}

/** Completed (not preview) create, update and delete calls to the stand-ins since `mark`. */
function changesSince(mark: number): CallRecord[] {
  return standins
    .callsSince(mark)
    .filter((c) => ["create", "update", "delete"].includes(c.op) && !c.preview && !c.error);
}

function subscriptionWritesSince(seq: number) {
  return emulator.control
    .requests({ path: "/webhook_subscriptions*" })
    .filter((r) => r.seq > seq && (r.method === "POST" || r.method === "DELETE"));
}

/** `name` as the renamed program names it (the bucket's lowercase too). */
function renamedName(name: string): string {
  const [from, to] = [resourcePrefix(STACK), resourcePrefix(STACK, NEW_PREFIX)];
  if (name.startsWith(from)) return to + name.slice(from.length);
  if (name.startsWith(from.toLowerCase())) return to.toLowerCase() + name.slice(from.length);
  return name;
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
/** `text` as a literal inside a RegExp. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

beforeAll(async () => {
  emulator = await startEngineEmulator();
  ws = await createWorkspace({ programDir: REPO_ROOT, stack: STACK });
  standins = installStandinsFor(ws);
  await ws.setConfig("aws:region", "us-east-1");
  await ws.setConfig("subscriptions[0].name", "bookings", { path: true });
  await ws.setConfig("subscriptions[0].scope", "user", { path: true });
  await ws.setConfig("subscriptions[0].events[0]", "invitee.created", { path: true });
  await ws.setConfig("calendly:token", OWNER_TOKEN, { secret: true });
  await ws.setConfig("calendly:apiUrl", emulator.url);
});

afterAll(async () => {
  for (const p of programs) p.dispose();
  ws?.dispose();
  await emulator?.close();
});

describe("renaming the receiver's type or the stack's prefix, through the real engine", () => {
  let deployed: StateResource[];

  it("deploys the program as it is", async () => {
    await ws.up();
    deployed = await state();
    expect(deployed.filter((r) => r.type === T.receiver)).toHaveLength(1);
    const bucket = deployed.find((r) => r.type === T.bucket)!;
    expect(nameOf(bucket.urn)).toBe("calendly-renames-claim-checks");
    expect(nameOf(bucket.urn).startsWith(resourcePrefix(STACK))).toBe(false);
    expect(emulator.control.subscriptions()).toHaveLength(1);
  });

  it("a new type token without the plan: the preview deletes the bus, the bucket, the keys' parameter, and replaces the subscription", async () => {
    const dir = program({ receiverType: NEW_TYPE, aliased: false });
    const preview = await ws.preview(["--diff"], { cwd: dir });
    for (const [type, name] of [
      [T.bus, "calendly-Renames-bus"],
      [T.bucket, "calendly-renames-claim-checks"],
      [T.parameter, "calendly-Renames-signing-keys"],
    ]) {
      const section = new RegExp(
        `- ${literally(type!)}: \\(delete\\)\\n(?:.*\\n){0,2}.*::${literally(name!)}\\]`,
      );
      expect(preview.stdout, name).toMatch(section);
    }
    expect(preview.stdout).toMatch(/\+-pulumi-nodejs:dynamic\/calendly:WebhookSubscription: \(replace\)/);
  });

  it("a new type token with the former one recorded: no change to preview, and up only moves the URNs", async () => {
    const dir = program({ receiverType: NEW_TYPE, aliased: true });
    await ws.preview(["--expect-no-changes"], { cwd: dir });

    const mark = standins.mark();
    const seq = emulator.control.requestCount();
    await ws.up([], { cwd: dir });
    expect(changesSince(mark)).toEqual([]);
    expect(subscriptionWritesSince(seq)).toEqual([]);

    const now = await state();
    expect(now.filter((r) => r.type === RECEIVER_TYPE)).toEqual([]);
    expect(now.filter((r) => r.type === NEW_TYPE)).toHaveLength(1);
    // The same resources, with the same ids; the receiver's children under the new type.
    const idOf = (resources: StateResource[]) =>
      new Map(resources.map((r) => [`${r.type} ${nameOf(r.urn)}`, r.id]));
    const before = idOf(deployed.filter((r) => r.type !== RECEIVER_TYPE));
    const after = idOf(now.filter((r) => r.type !== NEW_TYPE));
    expect(after).toEqual(before);
    const children = now.filter((r) => r.urn.includes(`::${NEW_TYPE}$`));
    expect(children).toHaveLength(35);
  });

  it("then a new resource prefix with the former one recorded: nothing created, deleted or replaced, the subscription untouched", async () => {
    const dir = program({ receiverType: NEW_TYPE, resourcePrefix: NEW_PREFIX, aliased: true });
    const preview = await ws.preview(["--diff"], { cwd: dir });
    expect(preview.stdout).not.toMatch(/\(create\)|\(delete\)|\(replace\)|\(create-replacement\)/);

    const mark = standins.mark();
    const seq = emulator.control.requestCount();
    const before = await state();
    await ws.up([], { cwd: dir });
    const changes = changesSince(mark);
    // Only descriptions that quote the component's name change, in place.
    expect(changes.map((c) => c.op)).toEqual(changes.map(() => "update"));
    expect(changes.map((c) => nameOf(c.urn!)).sort()).toEqual([
      "calendly-webhooks-Renames-archive",
      "calendly-webhooks-Renames-receiver-role",
      "calendly-webhooks-Renames-watchdog-role",
      "calendly-webhooks-Renames-watchdog-schedule",
    ]);
    expect(subscriptionWritesSince(seq)).toEqual([]);

    const after = await state();
    expect(after.map((r) => `${r.type} ${nameOf(r.urn)} ${r.id}`).sort()).toEqual(
      before.map((r) => `${r.type} ${renamedName(nameOf(r.urn))} ${r.id}`).sort(),
    );
    expect(after.find((r) => r.type === T.bucket)!.urn).toMatch(/::calendly-webhooks-renames-claim-checks$/);
    await ws.preview(["--expect-no-changes"], { cwd: dir });
  });

  it("destroy from the renamed program leaves nothing at Calendly or on AWS", async () => {
    await ws.destroy([], { cwd: programs.at(-1)!.dir });
    expect(emulator.control.subscriptions()).toEqual([]);
    expect(standins.existing()).toEqual([]);
  });
});
