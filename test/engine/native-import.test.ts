/**
 * Adopting a subscription made by hand, through the real CLI, the YAML host and the plugin, against
 * the emulator. The subscription is made as the seed's curl procedure makes one: `GET /users/me` for
 * the URIs, then `POST /webhook_subscriptions` with a `signing_key`. Then:
 * - `pulumi import calendly:index:WebhookSubscription bookings <uuid>` adopts it and prints the
 *   program; that program plus the key (`signingKey`) previews as an in-place update that says the
 *   key is taken without calling Calendly, and its `up` writes nothing to Calendly; a delivery
 *   signed with the original key still verifies at the receiver;
 * - the `import` resource option does the same from the program;
 * - a wrong id fails with an error that names it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OWNER_TOKEN } from "./support/emulator";
import { nativePrograms, nativeSubscriptions, ref, yamlProgram } from "./support/native";
import { type EngineReceiver, startEngineReceiver } from "./support/receiver";
import { engineScenario } from "./support/scenario";

const KEY = "hand-made-signing-key-0123456789abcdef";
const WRITES = ["createWebhookSubscription", "deleteWebhookSubscription"] as const;

const scenario = engineScenario();
const program = nativePrograms(scenario);
let receiver: EngineReceiver;

beforeAll(async () => {
  receiver = await startEngineReceiver([KEY]);
});

afterAll(async () => {
  await receiver?.close();
});

const writes = () =>
  WRITES.reduce((n, operation) => n + scenario.emulator.control.requestCount({ operation }), 0);

/** The seed's procedure, as curl does it: the token's URIs, then a POST with a signing key. */
async function madeByHand(url: string): Promise<{ uri: string; uuid: string }> {
  const headers = { authorization: `Bearer ${OWNER_TOKEN}`, "content-type": "application/json" };
  const me = (await (await fetch(`${scenario.emulator.url}/users/me`, { headers })).json()) as {
    resource: { uri: string; current_organization: string };
  };
  const created = await fetch(`${scenario.emulator.url}/webhook_subscriptions`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      url,
      events: ["invitee.created"],
      organization: me.resource.current_organization,
      user: me.resource.uri,
      scope: "user",
      signing_key: KEY,
    }),
  });
  expect(created.status).toBe(201);
  const { resource } = (await created.json()) as { resource: { uri: string } };
  return { uri: resource.uri, uuid: resource.uri.split("/").at(-1)! };
}

/** A secret as `pulumi stack export --show-secrets` prints it: `{<sig>, plaintext: <JSON>}`. */
function revealed(value: unknown): unknown {
  return JSON.parse((value as { plaintext: string }).plaintext);
}

const emptyProgram = (name: string) =>
  yamlProgram(name, { config: { signingKey: { type: "string", secret: true } }, resources: {} });

/**
 * The HTTP status of the delivery of a new event to subscription `uuid`: the receiver (the Lambda's
 * handler) answers 2xx only to a delivery whose signature verifies with KEY.
 */
async function deliveryStatus(uuid: string): Promise<number | null | undefined> {
  const before = scenario.emulator.control.deliveries({ subscription: uuid }).length;
  scenario.emulator.control.fireEvent({ event: "invitee.created" });
  await scenario.emulator.control.waitForDeliveries({ timeoutMs: 10_000 });
  return scenario.emulator.control.deliveries({ subscription: uuid }).slice(before)[0]?.status;
}

describe("pulumi import", () => {
  it("adopts the subscription by UUID; the printed program plus the key takes it over with no Calendly write", async () => {
    const sub = await madeByHand(`${receiver.url}?subscription=by-hand`);
    const stack = await program("import-cli", emptyProgram("native-import"));
    await stack.ws.setConfig("signingKey", KEY, { secret: true });
    const out = join(stack.dir, "imported.yaml");
    const imported = await stack.ws.run([
      "import",
      "calendly:index:WebhookSubscription",
      "bookings",
      sub.uuid,
      "--yes",
      "--protect=false",
      "--out",
      out,
    ]);
    expect(imported.output).toMatch(/=\s+calendly:index:WebhookSubscription\s+bookings\s+import/);
    const [resource] = nativeSubscriptions(await stack.ws.exportState());
    expect(resource?.id).toBe(sub.uuid);
    expect(resource?.outputs?.signingKey).toHaveProperty("ciphertext");

    // The program import printed, with the key added.
    const printed = parse(readFileSync(out, "utf8")) as {
      resources: Record<string, { properties: Record<string, unknown> }>;
    };
    expect(printed.resources.bookings?.properties).toMatchObject({
      url: `${receiver.url}?subscription=by-hand`,
      events: ["invitee.created"],
      scope: "user",
    });
    printed.resources.bookings!.properties.signingKey = ref("signingKey");
    stack.write(
      yamlProgram("native-import", {
        config: { signingKey: { type: "string", secret: true } },
        resources: printed.resources,
      }),
    );

    const before = writes();
    const preview = await stack.ws.preview(["--diff"]);
    expect(preview.stdout).toMatch(/~\s+calendly:index:WebhookSubscription: \(update\)/);
    expect(preview.output).toMatch(
      /records the declared signingKey as its key, in place, without calling Calendly/,
    );
    expect(preview.stdout).not.toMatch(/replace/);
    await stack.ws.up();
    expect(writes()).toBe(before);
    const [adopted] = nativeSubscriptions(await stack.ws.exportState({ showSecrets: true }));
    expect(revealed(adopted?.outputs?.signingKey)).toBe(KEY);
    expect(await stack.ws.preview(["--expect-no-changes"], { allowFailure: true })).toMatchObject({
      code: 0,
    });
    expect(await deliveryStatus(sub.uuid)).toBe(200);
    await stack.ws.destroy();
    expect(scenario.emulator.control.subscriptions()).toEqual([]);
  });

  it("a wrong id fails, naming it", async () => {
    const stack = await program("import-wrong-id", emptyProgram("native-import"));
    await stack.ws.setConfig("signingKey", KEY, { secret: true });
    const missing = "0f0f0f0f-0000-4000-8000-000000000000";
    const failed = await stack.ws.run(
      ["import", "calendly:index:WebhookSubscription", "bookings", missing, "--yes", "--generate-code=false"],
      { allowFailure: true },
    );
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(
      new RegExp(
        `Calendly has no webhook subscription "${missing}" \\(GET /webhook_subscriptions/${missing} answered 404`,
      ),
    );
    expect(nativeSubscriptions(await stack.ws.exportState())).toHaveLength(0);
  });
});

describe("the import resource option", () => {
  it("adopts it from the program with its key, no Calendly write, and deliveries still verify", async () => {
    const sub = await madeByHand(`${receiver.url}?subscription=by-option`);
    const text = yamlProgram("native-import", {
      config: { signingKey: { type: "string", secret: true } },
      resources: {
        bookings: {
          type: "calendly:WebhookSubscription",
          properties: {
            url: `${receiver.url}?subscription=by-option`,
            events: ["invitee.created"],
            scope: "user",
            signingKey: ref("signingKey"),
          },
          options: { import: sub.uuid },
        },
      },
    });
    const stack = await program("import-option", text);
    await stack.ws.setConfig("signingKey", KEY, { secret: true });
    const before = writes();
    const up = await stack.ws.up();
    expect(up.output).toMatch(/records the declared signingKey as its key/);
    expect(writes()).toBe(before);
    const [resource] = nativeSubscriptions(await stack.ws.exportState({ showSecrets: true }));
    expect(resource).toMatchObject({ id: sub.uuid, outputs: { uri: sub.uri } });
    expect(revealed(resource?.outputs?.signingKey)).toBe(KEY);
    expect(await deliveryStatus(sub.uuid)).toBe(200);
    await stack.ws.destroy();
    expect(scenario.emulator.control.subscriptions()).toEqual([]);
  });
});
