/**
 * Other shapes of the stack: an external receiver (`endpointUrl`: no AWS at all), several
 * subscriptions in different scopes with a rotated key and a custom route, and a preview without
 * a Calendly token.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseSigningKeys } from "../../lambda/signing-key-list";
import { isSecretValue, mentions, named, ofType, one, reveal } from "./harness/report";
import { configWith, FAKE_TOKEN, runScenario, type ScenarioResult } from "./harness/run";

const SUBSCRIPTION = "pulumi-nodejs:dynamic/calendly:WebhookSubscription";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const GROUP = "https://api.calendly.com/groups/GROUPMOCKGROUP01";
const ZAPIER = "https://hooks.zapier.com/hooks/catch/123456/abcdef/";
/** `text` as a literal inside a RegExp. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const endpointSubscriptions = [
  { name: "bookings", scope: "user", events: ["invitee.created", "invitee.canceled"] },
  { name: "forms", scope: "organization", events: ["routing_form_submission.created"] },
];

const multiSubscriptions = [
  { name: "org-forms", scope: "organization", events: ["routing_form_submission.created"] },
  {
    name: "my-recaps",
    scope: "user",
    events: ["meeting_recap.created", "meeting_recap.updated"],
    signingKeyGeneration: 3,
  },
  { name: "team", scope: "group", group: GROUP, events: ["invitee.created", "invitee.canceled"] },
];

let endpoint: ScenarioResult;
let multi: ScenarioResult;
let preview: ScenarioResult;

beforeAll(async () => {
  [endpoint, multi, preview] = await Promise.all([
    runScenario({
      stack: "test-endpoint",
      config: configWith({ endpointUrl: ZAPIER, subscriptions: endpointSubscriptions }),
    }),
    runScenario({
      stack: "test-multi",
      config: configWith({
        subscriptions: multiSubscriptions,
        routePath: "/hooks/calendly",
        tags: { team: "sales" },
        throttleRateLimit: 10,
        throttleBurstLimit: 20,
      }),
    }),
    runScenario({
      stack: "test-preview",
      config: configWith({ "calendly:token": undefined }),
      preview: true,
    }),
  ]);
}, 120_000);

describe("endpointUrl: an external receiver", () => {
  it("creates no AWS resource and no AWS provider", () => {
    expect(endpoint.error).toBeUndefined();
    expect(endpoint.unhandled).toEqual([]);
    expect(
      endpoint.resources.filter((r) => r.type.startsWith("aws:") || r.type === "pulumi:providers:aws"),
    ).toEqual([]);
    expect(endpoint.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      `${SUBSCRIPTION} bookings`,
      `${SUBSCRIPTION} forms`,
      `${PASSWORD} bookings-signing-key-1`,
      `${PASSWORD} forms-signing-key-1`,
    ]);
  });

  it("points every subscription at the endpoint, each with its own ?subscription=&v=", () => {
    for (const { name } of endpointSubscriptions) {
      expect(reveal(named(endpoint, SUBSCRIPTION, name).inputs.url)).toMatch(
        new RegExp(`^${literally(ZAPIER)}\\?subscription=${name}&v=[0-9a-f]{8}$`),
      );
    }
    expect(endpoint.outputs.webhookUrl).toEqual({ value: ZAPIER, secret: false });
  });

  it("exports each subscription's key, as a secret only, for that receiver to verify with", () => {
    const keys = endpoint.outputs.signingKeys;
    expect(keys.secret).toBe(true);
    for (const { name } of endpointSubscriptions) {
      const password = named(endpoint, PASSWORD, `${name}-signing-key-1`);
      const subscription = named(endpoint, SUBSCRIPTION, name);
      expect((keys.value as Record<string, string>)[name]).toBe(reveal(password.state.result));
      expect(reveal(subscription.inputs.signingKey)).toBe(reveal(password.state.result));
      for (const out of Object.values(endpoint.outputs).filter((o) => !o.secret)) {
        expect(mentions(out.value, String(reveal(password.state.result)))).toBe(false);
      }
    }
    expect(Object.keys(endpoint.outputs).sort()).toEqual(["signingKeys", "subscriptions", "webhookUrl"]);
  });
});

describe("several subscriptions in different scopes", () => {
  it("creates one subscription per entry with its scope, events and owner", () => {
    expect(multi.error).toBeUndefined();
    expect(multi.unhandled).toEqual([]);
    const byName = Object.fromEntries(
      ofType(multi, SUBSCRIPTION).map((s) => [
        s.name,
        { scope: reveal(s.inputs.scope), events: reveal(s.inputs.events), group: reveal(s.inputs.group) },
      ]),
    );
    expect(byName).toEqual({
      "org-forms": { scope: "organization", events: ["routing_form_submission.created"], group: undefined },
      "my-recaps": {
        scope: "user",
        events: ["meeting_recap.created", "meeting_recap.updated"],
        group: undefined,
      },
      team: { scope: "group", events: ["invitee.canceled", "invitee.created"], group: GROUP },
    });
  });

  it("gives each a distinct URL on the one custom route", () => {
    const api = one(multi, "aws:apigatewayv2/api:Api");
    const base = `${reveal(api.state.apiEndpoint)}/hooks/calendly`;
    expect(reveal(one(multi, "aws:apigatewayv2/route:Route").inputs.routeKey)).toBe("POST /hooks/calendly");
    const urls = ofType(multi, SUBSCRIPTION).map((s) => reveal(s.inputs.url));
    expect(new Set(urls).size).toBe(3);
    for (const s of ofType(multi, SUBSCRIPTION))
      expect(reveal(s.inputs.url)).toMatch(
        new RegExp(`^${literally(base)}\\?subscription=${s.name}&v=[0-9a-f]{8}$`),
      );
    expect(
      reveal(named(multi, "aws:lambda/permission:Permission", "calendly-test-multi-invoke").inputs.sourceArn),
    ).toMatch(/\/\*\/POST\/hooks\/calendly$/);
  });

  it("keeps the current and the previous key of a rotated subscription, and creates it with the current one", () => {
    const passwords = ofType(multi, PASSWORD).map((p) => p.name);
    expect(passwords.sort()).toEqual([
      "my-recaps-signing-key-2",
      "my-recaps-signing-key-3",
      "org-forms-signing-key-1",
      "team-signing-key-1",
    ]);
    const current = reveal(named(multi, PASSWORD, "my-recaps-signing-key-3").state.result);
    const previous = reveal(named(multi, PASSWORD, "my-recaps-signing-key-2").state.result);
    expect(reveal(named(multi, SUBSCRIPTION, "my-recaps").inputs.signingKey)).toBe(current);

    const parameter = named(multi, "aws:ssm/parameter:Parameter", "calendly-test-multi-signing-keys");
    expect(isSecretValue(parameter.inputs.value)).toBe(true);
    const accepted = parseSigningKeys(String(reveal(parameter.inputs.value)));
    expect(accepted).toHaveLength(4);
    expect(accepted).toEqual(expect.arrayContaining([current, previous]));
    for (const p of ofType(multi, PASSWORD)) expect(accepted).toContain(reveal(p.state.result));
  });

  it("applies the configured tags and throttling", () => {
    const provider = one(multi, "pulumi:providers:aws");
    expect(JSON.parse(String(reveal(provider.inputs.defaultTags))).tags).toMatchObject({
      team: "sales",
      stack: "test-multi",
    });
    expect(reveal(one(multi, "aws:apigatewayv2/stage:Stage").inputs.defaultRouteSettings)).toEqual({
      throttlingRateLimit: 10,
      throttlingBurstLimit: 20,
    });
  });

  it("lists every subscription in the outputs, and every key only in the secret one", () => {
    expect(Object.keys(multi.outputs.subscriptions.value as object).sort()).toEqual([
      "my-recaps",
      "org-forms",
      "team",
    ]);
    expect(multi.outputs.signingKeys.secret).toBe(true);
    expect(Object.keys(multi.outputs.signingKeys.value as object).sort()).toEqual([
      "my-recaps",
      "org-forms",
      "team",
    ]);
  });
});

describe("a preview without a Calendly token", () => {
  it("still runs (previews need no Calendly call), warns that `pulumi up` will need it", () => {
    expect(preview.error).toBeUndefined();
    expect(preview.stderr).toMatch(
      /No Calendly token \(CALENDLY_TOKEN or calendly:token\).*read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN/,
    );
    expect(multi.stderr).not.toMatch(/No Calendly token/);
    expect(preview.unhandled).toEqual([]);
    expect(ofType(preview, SUBSCRIPTION)).toHaveLength(1);
    for (const r of preview.resources) expect(mentions(reveal(r.inputs), FAKE_TOKEN)).toBe(false);
  });
});
