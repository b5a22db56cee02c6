/**
 * The aliases plan (docs/deployment.md, "Renaming without replacing"), under mocks: the program is
 * run as it is, then as copies with the receiver's type token, the resource prefix, or both renamed
 * the way the plan says (the old value kept as a former one), and once renamed without that. The
 * SDK computes every alias itself here (`clientSideAliases`), the children's inherited ones
 * included, as it does for an engine without alias specs: every resource of the first run must
 * still be found, under its URN or an alias of the renamed one. test/engine/renames.test.ts does
 * the same with the real engine (which computes the children's aliases itself) and state.
 *
 * The stack's name has capitals, so the claim-check bucket's name (lowercase for S3) does not start
 * with the component's: the one child the engine cannot derive a former name for by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resourcePrefix } from "../../infra/naming";
import { RECEIVER_TYPE } from "../../infra/receiver";
import { type RenamedProgram, renamedProgram } from "./harness/renamed-program";
import { configWith, runScenario, type ScenarioResult } from "./harness/run";
import type { RegisteredResource } from "./harness/types";

const STACK = "Renames";
const NEW_TYPE = "calendly:index:WebhookReceiver";
const NEW_PREFIX = "calendly-webhooks-";
const ROOT_STACK = "pulumi:pulumi:Stack";

const config = configWith({ alarmEmail: "oncall@example.com" });
const programs: RenamedProgram[] = [];
let original: ScenarioResult;
const renamed: Record<"type" | "prefix" | "both" | "typeWithoutAlias", ScenarioResult> = {} as never;

async function run(rename?: Parameters<typeof renamedProgram>[0]): Promise<ScenarioResult> {
  const program = rename && renamedProgram(rename);
  if (program) programs.push(program);
  return runScenario({ stack: STACK, config, clientSideAliases: true, programDir: program?.dir });
}

beforeAll(async () => {
  // Runs of one stack write the same bundles (byte for byte); under mocks nothing reads them back.
  original = await run();
  [renamed.type, renamed.prefix, renamed.both, renamed.typeWithoutAlias] = await Promise.all([
    run({ receiverType: NEW_TYPE, aliased: true }),
    run({ resourcePrefix: NEW_PREFIX, aliased: true }),
    run({ receiverType: NEW_TYPE, resourcePrefix: NEW_PREFIX, aliased: true }),
    run({ receiverType: NEW_TYPE, aliased: false }),
  ]);
}, 240_000);

afterAll(() => {
  for (const program of programs) program.dispose();
});

/** `name` under the new prefix, as the program names it (the bucket in lowercase). */
function renamedName(name: string, prefix: string | undefined): string {
  if (prefix === undefined) return name;
  const [from, to] = [resourcePrefix(STACK), resourcePrefix(STACK, prefix)];
  if (name.startsWith(from)) return to + name.slice(from.length);
  if (name.startsWith(from.toLowerCase())) return to.toLowerCase() + name.slice(from.length);
  return name;
}

/**
 * The resources of the original run that `after` does not carry over: none of its resources (the
 * same one, renamed) has the original's URN, or an alias to it.
 */
function lost(after: ScenarioResult, rename: { type?: string; prefix?: string }): string[] {
  const resources = (report: ScenarioResult) => report.resources.filter((r) => r.type !== ROOT_STACK);
  expect(resources(after)).toHaveLength(resources(original).length);
  return resources(original)
    .filter((before) => {
      const type = before.type === RECEIVER_TYPE && rename.type ? rename.type : before.type;
      const name = renamedName(before.name, rename.prefix);
      const now = after.resources.find((r) => r.type === type && r.name === name);
      if (!now) throw new Error(`no ${type} ${name} after the rename`);
      return now.urn !== before.urn && !now.aliases.includes(before.urn);
    })
    .map((before) => before.urn);
}

const renamedUrns = (after: ScenarioResult) =>
  after.resources.filter((r) => !original.resources.some((o) => o.urn === r.urn));

describe("a rename made as the plan says", () => {
  it("all runs finish without error", () => {
    for (const report of [original, ...Object.values(renamed)]) {
      expect(report.error).toBeUndefined();
      expect(report.unhandled).toEqual([]);
    }
    expect(original.resources.some((r) => r.type === RECEIVER_TYPE)).toBe(true);
  });

  it("the component's type token: the component and its 36 children keep their identity through aliases", () => {
    expect(renamedUrns(renamed.type)).toHaveLength(37);
    expect(lost(renamed.type, { type: NEW_TYPE })).toEqual([]);
  });

  it("the stack's resource prefix: every resource named with it keeps its identity, the bucket too", () => {
    const bucket = (report: ScenarioResult) =>
      report.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
    expect(bucket(original).name).toBe("calendly-renames-claim-checks");
    expect(bucket(renamed.prefix).name).toBe("calendly-webhooks-renames-claim-checks");
    // The provider, the component and its children: everything but the keys and the subscription.
    expect(renamedUrns(renamed.prefix)).toHaveLength(38);
    expect(lost(renamed.prefix, { prefix: NEW_PREFIX })).toEqual([]);
  });

  it("both at once (a stack that skipped a release): the combined aliases carry everything", () => {
    expect(lost(renamed.both, { type: NEW_TYPE, prefix: NEW_PREFIX })).toEqual([]);
  });

  it("the subscriptions and their keys are not renamed at all", () => {
    for (const report of Object.values(renamed)) {
      const kept = (r: RegisteredResource) =>
        r.type.startsWith("pulumi-nodejs:") || r.type.startsWith("random:");
      expect(report.resources.filter(kept).map((r) => r.urn)).toEqual(
        original.resources.filter(kept).map((r) => r.urn),
      );
    }
  });
});

describe("the same rename without the plan", () => {
  it("loses the component and every child: the engine would replace them all (the API, the bus, the key parameter, the bucket)", () => {
    const gone = lost(renamed.typeWithoutAlias, { type: NEW_TYPE });
    expect(gone).toHaveLength(37);
    for (const type of [
      "aws:apigatewayv2/api:Api",
      "aws:cloudwatch/eventBus:EventBus",
      "aws:s3/bucket:Bucket",
    ]) {
      expect(
        gone.some((urn) => urn.includes(`$${type}::`)),
        type,
      ).toBe(true);
    }
  });
});
