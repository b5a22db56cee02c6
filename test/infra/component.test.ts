/**
 * `CalendlyWebhookReceiver` used directly, as a program other than ours would (in this process,
 * under `setMocks`: the component holds no dynamic provider to serialize): only the signing keys are
 * required, every other setting has the default it documents, a bad setting stops the program
 * naming `args.<setting>`, and every child resource, the monitoring's included, is reachable from a
 * public property. And the example docs/deployment.md shows: compiled, and run (with the harness).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CalendlyWebhookReceiver,
  MONITORING_DEFAULTS,
  RECEIVER_DEFAULTS,
  RECEIVER_TYPE,
  withFormerTypes,
} from "../../infra/receiver";
import type { ReceiverCode } from "../../infra/receiver/code";
import { mocks } from "./harness/mocks";
import { configWith, PROJECT_ROOT, runScenario } from "./harness/run";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(() => {
  void pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return mocks.newResource(args);
      },
      call: mocks.call,
    },
    "component-test",
    "component",
    false,
  );
});

/** A stand-in for the bundles, so the test builds nothing. */
const code: ReceiverCode = {
  code: pulumi.output(new pulumi.asset.AssetArchive({})),
  handler: pulumi.output("index.handler"),
};

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** The registration of `resource`, found by its URN. */
async function registrationOf(resource: pulumi.Resource): Promise<Registered & { urn: string }> {
  const urn = await resolved(resource.urn);
  const name = urn.slice(urn.lastIndexOf("::") + 2);
  const type = urn.slice(0, urn.lastIndexOf("::")).split("::").at(-1)!.split("$").at(-1)!;
  const found = registered.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${urn} was never registered`);
  return { ...found, urn };
}

/** Every resource reachable from `value`'s own properties (in objects and arrays too), once each. */
function resourcesIn(value: object): pulumi.CustomResource[] {
  const found = Object.values(value).flatMap((v): pulumi.CustomResource[] =>
    pulumi.CustomResource.isInstance(v)
      ? [v]
      : typeof v === "object" && v !== null && !pulumi.Output.isInstance(v)
        ? resourcesIn(v)
        : [],
  );
  return [...new Set(found)];
}

/**
 * The registrations of the resources `owner` exposes, and every child registered since `before`
 * (`type name`, sorted), once those are done.
 */
async function exposedAndRegistered(owner: object, before: number) {
  const exposed = await Promise.all(resourcesIn(owner).map(registrationOf));
  // Every registration was started by then; let any the properties miss finish too.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const children = registered
    .slice(before)
    .filter((r) => r.type !== RECEIVER_TYPE)
    .map((r) => `${r.type} ${r.name}`)
    .sort();
  return { exposed, children };
}

describe("CalendlyWebhookReceiver, constructed with its signing keys only", () => {
  let receiver: CalendlyWebhookReceiver;
  let before: number;

  beforeAll(() => {
    before = registered.length;
    receiver = new CalendlyWebhookReceiver("hooks", { signingKeys: pulumi.secret('["k"]'), code });
  });

  it("applies every default it documents", async () => {
    expect(receiver.settings).toEqual(RECEIVER_DEFAULTS);
    const fn = await registrationOf(receiver.fn);
    expect(fn.inputs.memorySize).toBe(RECEIVER_DEFAULTS.lambdaMemoryMb);
    expect(fn.inputs.environment).toMatchObject({
      variables: {
        SIGNATURE_TOLERANCE_SECONDS: String(RECEIVER_DEFAULTS.signatureToleranceSeconds),
        POWERTOOLS_LOG_LEVEL: RECEIVER_DEFAULTS.logLevel,
      },
    });
    expect((await registrationOf(receiver.route)).inputs.routeKey).toBe(
      `POST ${RECEIVER_DEFAULTS.routePath}`,
    );
    expect((await registrationOf(receiver.stage)).inputs.defaultRouteSettings).toEqual({
      throttlingRateLimit: RECEIVER_DEFAULTS.throttleRateLimit,
      throttlingBurstLimit: RECEIVER_DEFAULTS.throttleBurstLimit,
    });
    for (const group of [receiver.logGroup, receiver.accessLogGroup]) {
      expect((await registrationOf(group)).inputs.retentionInDays).toBe(RECEIVER_DEFAULTS.logRetentionDays);
    }
    expect((await registrationOf(receiver.archive)).inputs.retentionDays).toBe(
      RECEIVER_DEFAULTS.archiveRetentionDays,
    );
    const lifecycle = await registrationOf(receiver.claimCheckBucketSettings.lifecycle);
    expect(lifecycle.inputs.rules).toMatchObject([
      { expiration: { days: RECEIVER_DEFAULTS.claimCheckRetentionDays } },
    ]);
  });

  it("exposes every child resource as a property, each named after the component", async () => {
    const { exposed, children } = await exposedAndRegistered(receiver, before);
    expect(exposed.map((r) => `${r.type} ${r.name}`).sort()).toEqual(children);
    expect(children).toHaveLength(18);
    for (const r of exposed) {
      expect(r.urn, r.name).toContain(`::${RECEIVER_TYPE}$`);
      // What lets the engine carry every child along when the component is renamed with an alias.
      expect(r.name.startsWith("hooks-"), r.name).toBe(true);
    }
    expect(await resolved(receiver.busName)).toBe(await resolved(receiver.bus.name));
  });

  it("the watchdog and the alarms: monitor() declares them as children, each one exposed", async () => {
    await exposedAndRegistered(receiver, before);
    const start = registered.length;
    const subscription = { uri: pulumi.output("https://api.calendly.com/webhook_subscriptions/S1") };
    const monitoring = receiver.monitor({ subscriptions: { bookings: subscription }, alarmEmail: "a@b.co" });
    expect(receiver.monitoring).toBe(monitoring);
    const { exposed, children } = await exposedAndRegistered(monitoring, start);
    expect(exposed.map((r) => `${r.type} ${r.name}`).sort()).toEqual(children);
    expect(children).toHaveLength(18);
    for (const r of exposed) expect(r.urn, r.name).toContain(`::${RECEIVER_TYPE}$`);

    expect(monitoring.settings).toMatchObject({
      ...MONITORING_DEFAULTS,
      alarmEmail: "a@b.co",
      intervalMinutes: 5,
    });
    expect((await registrationOf(monitoring.watchdog.schedule)).inputs.scheduleExpression).toBe(
      MONITORING_DEFAULTS.watchdogSchedule,
    );
    expect(Object.keys(monitoring.alarms.subscriptions)).toEqual(["bookings"]);
    expect(Object.keys(monitoring.alarms.deliveryFailures)).toEqual(["bookings"]);
    expect((await registrationOf(monitoring.alarms.lambdaErrors)).inputs.threshold).toBe(
      MONITORING_DEFAULTS.alarmLambdaErrors,
    );
    expect(await resolved(monitoring.alarmTopicArn)).toBe(await resolved(monitoring.alarmTopic!.arn));
    // The token is no argument and no resource: the function is told where it is, and may read it.
    expect(monitoring.watchdog.tokenParameterName).toBe("/component-test/component/watchdog/calendly-token");
    expect(await resolved(monitoring.watchdog.tokenParameterArn)).toBe(
      "arn:aws:ssm:us-east-1:123456789012:parameter/component-test/component/watchdog/calendly-token",
    );
    expect(() => receiver.monitor({ subscriptions: {} })).toThrow(/already called/);
  });
});

describe("CalendlyWebhookReceiver's settings", () => {
  it("a setting given replaces its default, an undefined one does not", () => {
    const receiver = new CalendlyWebhookReceiver("tuned", {
      signingKeys: "[]",
      code,
      lambdaMemoryMb: 1024,
      routePath: "/in",
      logLevel: undefined,
    });
    expect(receiver.settings).toEqual({ ...RECEIVER_DEFAULTS, lambdaMemoryMb: 1024, routePath: "/in" });
  });

  it("a bad one stops the program before anything is declared, naming args.<setting> and the fix", () => {
    const before = registered.length;
    expect(
      () =>
        new CalendlyWebhookReceiver("bad", {
          signingKeys: "[]",
          code,
          lambdaMemoryMb: 64,
          routePath: "calendly",
          archiveRetentionDays: 90,
        }),
    ).toThrow(
      new RegExp(
        [
          'CalendlyWebhookReceiver "bad":',
          '  - args.routePath "calendly" is not a route path',
          "  - args.claimCheckRetentionDays 30 days is shorter than archiveRetentionDays \\(90\\)",
          "  - args.lambdaMemoryMb must be a whole number from 128 to 10240",
        ].join(".*\\n"),
      ),
    );
    expect(registered.length).toBe(before);
  });

  it("monitor() judges its own, naming args.<setting>", () => {
    const receiver = new CalendlyWebhookReceiver("watched", { signingKeys: "[]", code });
    expect(() => receiver.monitor({ subscriptions: {}, watchdogSchedule: "cron(0 * * * ? *)" })).toThrow(
      /CalendlyWebhookReceiver "watched".monitor\(\):\s+- args.watchdogSchedule a cron expression/,
    );
    expect(receiver.monitoring).toBeUndefined();
  });

  it("monitor() refuses the calendlyToken of releases up to 0.2.0, before anything is declared: it would be stored in the state", () => {
    const receiver = new CalendlyWebhookReceiver("upgraded", { signingKeys: "[]", code });
    const before = registered.length;
    // A JavaScript program, or one cast past the type, still passing the old argument.
    const old = { subscriptions: {}, calendlyToken: "secret-token-never-echoed" } as unknown as Parameters<
      typeof receiver.monitor
    >[0];
    let message = "";
    try {
      receiver.monitor(old);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /args.calendlyToken is no longer taken: a token in a resource input is stored in Pulumi's state/,
    );
    expect(message).toContain("/component-test/component/watchdog/calendly-token");
    expect(message).toContain("`calendly-webhooks token put --stack component`");
    expect(message).not.toContain("secret-token-never-echoed");
    expect(registered.length).toBe(before);
    expect(receiver.monitoring).toBeUndefined();
  });
});

describe("withFormerTypes (the type-token half of the aliases plan)", () => {
  it("adds each former token as an alias, and combined with each alias given", () => {
    expect(withFormerTypes([], [])).toEqual([]);
    expect(withFormerTypes([{ name: "calendly-dev" }], ["old:index:Receiver"])).toEqual([
      { name: "calendly-dev" },
      { type: "old:index:Receiver" },
      { name: "calendly-dev", type: "old:index:Receiver" },
    ]);
    const urn = "urn:pulumi:dev::p::t::n";
    expect(withFormerTypes([urn, { type: "x:y:Z" }], ["old:index:Receiver"])).toEqual([
      urn,
      { type: "x:y:Z" },
      { type: "old:index:Receiver" },
    ]);
  });
});

describe("the example in docs/deployment.md", () => {
  const EXAMPLE_DIR = path.join(__dirname, "fixtures/receiver-example");

  it("is this test's fixture (which `npm run typecheck` compiles), with the repository's paths", () => {
    const doc = readFileSync(path.join(PROJECT_ROOT, "docs/deployment.md"), "utf8");
    const section = doc.slice(doc.indexOf("\n## The receiver component\n"));
    const quoted = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const fixture = readFileSync(path.join(EXAMPLE_DIR, "index.ts"), "utf8");
    expect(quoted).toBe(fixture.replaceAll('"../../../../infra/', '"./infra/'));
  });

  it("runs: the receiver, the subscription, its monitoring and the two resources built on its children", async () => {
    const result = await runScenario({
      stack: "test-example",
      config: configWith({}),
      programDir: EXAMPLE_DIR,
    });
    expect(result.error).toBeUndefined();
    expect(result.unhandled).toEqual([]);
    const named = (name: string) => result.resources.find((r) => r.name === name)!;
    expect(named("bookings").type).toBe("pulumi-nodejs:dynamic/calendly:WebhookSubscription");
    expect(named("hooks-watchdog").parent).toBe(named("hooks").urn);
    expect(named("bookings-to-crm").inputs.eventBusName).toBe(named("hooks-bus").state.name);
    expect(named("receiver-slow").inputs.dimensions).toEqual({
      FunctionName: named("hooks-receiver").state.name,
    });
    expect(named("receiver-slow").inputs.alarmActions).toEqual([named("hooks-alarms").state.arn]);
    expect(named("hooks-receiver").inputs.memorySize).toBe(512);
  }, 60_000);
});
