/**
 * `check` decides the signing key a subscription is created with (check.ts): generated for a new
 * subscription, carried over from the old inputs on every later check, new only when
 * `signingKeyGeneration` is raised; returned marked secret, so the engine stores it encrypted. And
 * what `check` catches at preview: adoptExisting without a key, a lowered generation, an API URL
 * the token must not travel to.
 */
import {
  checkSubscription,
  createKeyCarrier,
  DEFAULTS_KEY,
  inputsFingerprint,
  WebhookSubscriptionProvider,
} from "pulumi-calendly/provider";
import { describe, expect, it } from "vitest";

const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const program = { url: "https://hooks.example.com/calendly", events: ["invitee.created"], scope: "user" };

let generated = 0;
const deps = { generateSigningKey: () => `generated-key-number-${++generated}-0123456789` };

/** What the engine stores after a check: the checked inputs, secrets as plain values for the next check. */
function checked(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = checkSubscription(olds, news, deps);
  expect(result.failures).toEqual([]);
  return result.inputs;
}

describe("the signing key the provider holds", () => {
  it("is generated for a new subscription, into the inputs, with __defaults saying so", () => {
    const inputs = checked({}, program);
    expect(inputs.signingKey).toMatch(/^generated-key-number-\d+-/);
    expect(inputs[DEFAULTS_KEY]).toEqual(["signingKey"]);
    expect(inputs.signingKeyGeneration).toBe(1);
    expect(inputs.state).toBe("active");
  });

  it("is carried over on every later check: a change of events keeps it", () => {
    const first = checked({}, program);
    const next = checked(first, { ...program, events: ["invitee.canceled", "invitee.created"] });
    expect(next.signingKey).toBe(first.signingKey);
    expect(next[DEFAULTS_KEY]).toEqual(["signingKey"]);
    // And again, with a new url, scope or owner: nothing but the generation changes it.
    const moved = checked(next, {
      ...program,
      url: "https://hooks.example.com/other",
      scope: "organization",
    });
    expect(moved.signingKey).toBe(first.signingKey);
  });

  it("is new when signingKeyGeneration is raised, and only then", () => {
    const first = checked({}, program);
    const same = checked(first, { ...program, signingKeyGeneration: 1 });
    expect(same.signingKey).toBe(first.signingKey);
    const rotated = checked(same, { ...program, signingKeyGeneration: 2 });
    expect(rotated.signingKey).not.toBe(first.signingKey);
    expect(rotated.signingKeyGeneration).toBe(2);
    expect(checked(rotated, { ...program, signingKeyGeneration: 2 }).signingKey).toBe(rotated.signingKey);
  });

  it("a raised generation on a state written before generations existed (read as 1) rotates too", () => {
    const { signingKeyGeneration: _none, ...older } = checked({}, program);
    expect(checked(older, { ...program, signingKeyGeneration: 2 }).signingKey).not.toBe(older.signingKey);
  });

  it("a generation not known yet (preview) may rotate: the key shows as unknown", async () => {
    const { UNKNOWN } = await import("pulumi-calendly");
    const first = checked({}, program);
    expect(checked(first, { ...program, signingKeyGeneration: UNKNOWN }).signingKey).toBe(UNKNOWN);
  });

  it("a lowered generation fails, naming both ways on", () => {
    const rotated = checked(checked({}, program), { ...program, signingKeyGeneration: 3 });
    const { failures } = checkSubscription(rotated, { ...program, signingKeyGeneration: 2 }, deps);
    expect(failures).toEqual([
      {
        property: "signingKeyGeneration",
        reason: expect.stringMatching(/only be raised.*Keep 3, or raise it to 4/),
      },
    ]);
  });

  it("a state whose key is in its outputs only (0.2.0 and older) gets none: diff stops a replacement", () => {
    const older = { ...program, adoptExisting: false, __provider: "shim" };
    const inputs = checked(older, { ...program, events: ["invitee.canceled", "invitee.created"] });
    expect(inputs.signingKey).toBeUndefined();
    expect(inputs[DEFAULTS_KEY]).toBeUndefined();
  });
});

describe("a replacement's second check (the engine's, with no old inputs)", () => {
  // pkg/resource/deploy/step_generator.go: when diff asks for a replacement, the engine checks the
  // program's inputs again with no old inputs, and creates the new subscription with the result.
  it("takes the key its first check carried over, not a new one", () => {
    const carrier = createKeyCarrier();
    const withCarrier = { ...deps, carrier };
    const first = checkSubscription({}, program, withCarrier).inputs;
    const changed = { ...program, events: ["invitee.canceled", "invitee.created"] };
    const carried = checkSubscription(first, changed, withCarrier).inputs;
    const second = checkSubscription({}, changed, withCarrier).inputs;
    expect(second.signingKey).toBe(first.signingKey);
    expect(second[DEFAULTS_KEY]).toEqual(["signingKey"]);
    expect(carried.signingKey).toBe(first.signingKey);
    // Recalled once: a genuinely new resource with those inputs later gets its own key.
    expect(checkSubscription({}, changed, withCarrier).inputs.signingKey).not.toBe(first.signingKey);
  });

  it("a raised generation: the second check takes the new key the first one generated", () => {
    const carrier = createKeyCarrier();
    const withCarrier = { ...deps, carrier };
    const first = checkSubscription({}, program, withCarrier).inputs;
    const raised = { ...program, signingKeyGeneration: 2 };
    const rotated = checkSubscription(first, raised, withCarrier).inputs;
    expect(rotated.signingKey).not.toBe(first.signingKey);
    expect(checkSubscription({}, raised, withCarrier).inputs.signingKey).toBe(rotated.signingKey);
  });

  it("matches the two checks by the program's inputs, whatever their key order and serialized code", () => {
    expect(inputsFingerprint({ a: 1, b: [{ y: 2, x: 1 }], __provider: "one" })).toBe(
      inputsFingerprint({ b: [{ x: 1, y: 2 }], a: 1, __provider: "two" }),
    );
  });

  it("says nothing of adoption: only a new subscription's create takes one over", () => {
    const carrier = createKeyCarrier();
    const withCarrier = { ...deps, carrier };
    const adopting = { ...program, adoptExisting: true, signingKey: "the-programs-own-key-0123456789" };
    const first = checkSubscription({}, adopting, withCarrier);
    expect(first.notices).toHaveLength(1);
    const changed = { ...adopting, events: ["invitee.canceled", "invitee.created"] };
    checkSubscription(first.inputs, changed, withCarrier);
    expect(checkSubscription({}, changed, withCarrier).notices).toEqual([]);
  });
});

describe("a key the program gives", () => {
  it("is used as given, with no __defaults, and wins over the generation", () => {
    const key = "the-programs-own-key-0123456789";
    const inputs = checked(checked({}, program), { ...program, signingKey: key, signingKeyGeneration: 2 });
    expect(inputs.signingKey).toBe(key);
    expect(inputs[DEFAULTS_KEY]).toBeUndefined();
  });

  it("left out later, is carried over: the subscription keeps the key Calendly has", () => {
    const key = "the-programs-own-key-0123456789";
    const inputs = checked(checked({}, { ...program, signingKey: key }), program);
    expect(inputs.signingKey).toBe(key);
    expect(inputs[DEFAULTS_KEY]).toEqual(["signingKey"]);
  });
});

describe("adoptExisting", () => {
  it("without a signingKey fails at check, saying why and the two fixes", () => {
    const { failures } = checkSubscription({}, { ...program, adoptExisting: true }, deps);
    expect(failures).toEqual([
      {
        property: "signingKey",
        reason: expect.stringMatching(
          /adoptExisting needs signingKey.*never returns.*or remove adoptExisting/,
        ),
      },
    ]);
  });

  it("with one, on a new resource, notices that up may take an existing subscription over", () => {
    const key = "the-programs-own-key-0123456789";
    const { failures, notices } = checkSubscription(
      {},
      { ...program, adoptExisting: true, signingKey: key },
      deps,
    );
    expect(failures).toEqual([]);
    expect(notices).toEqual([
      expect.stringMatching(/^adoptExisting: if Calendly already holds .*takes it over/),
    ]);
    // An existing resource creates nothing unless replaced: no notice then.
    const existing = checked({}, { ...program, adoptExisting: true, signingKey: key });
    expect(
      checkSubscription(existing, { ...program, adoptExisting: true, signingKey: key }, deps).notices,
    ).toEqual([]);
  });
});

describe("the dynamic provider's check", () => {
  const provider = (notices: string[] = []) =>
    new WebhookSubscriptionProvider({ notify: (line) => notices.push(line) });
  const configure = (p: WebhookSubscriptionProvider, config: Record<string, string>) =>
    p.configure({ config: { get: (key: string) => config[key] } } as never);

  it("returns the key marked secret, so the engine stores it encrypted (rpc.go's secret signature)", async () => {
    const p = provider();
    await configure(p, {});
    const result = await p.check({}, program);
    expect(result.failures).toBeUndefined();
    expect(result.inputs?.signingKey).toEqual(Object.assign({}, SECRET_SIG, { value: expect.any(String) }));
    const marked = result.inputs?.signingKey as { value: string };
    expect(marked.value).toHaveLength(43);
  });

  it("prints its notices (the engine shows the host's output in the preview)", async () => {
    const notices: string[] = [];
    const p = provider(notices);
    await configure(p, {});
    await p.check({}, { ...program, adoptExisting: true, signingKey: "the-programs-own-key-0123456789" });
    expect(notices).toEqual([expect.stringMatching(/^pulumi-calendly: adoptExisting: /)]);
  });

  it.each([
    [
      "api.calendly.com",
      /calendly:apiUrl "api\.calendly\.com" is not an absolute URL.*https:\/\/api\.calendly\.com/,
    ],
    [
      "http://api.example.com",
      /calendly:apiUrl "http:\/\/api\.example\.com" is plain http: the Calendly token would travel in clear; use https:\/\/api\.example\.com/,
    ],
  ])("fails a calendly:apiUrl of %s at preview, naming the key and a valid value", async (apiUrl, reason) => {
    const p = provider();
    await configure(p, { "calendly:apiUrl": apiUrl });
    const result = await p.check({}, program);
    expect(result.failures).toEqual([{ property: "", reason: expect.stringMatching(reason) }]);
    expect(result.failures?.[0]?.reason).toMatch(
      /pulumi config set calendly:apiUrl https:\/\/api\.calendly\.com/,
    );
  });

  it("refuses CALENDLY_API_URL over plain http to another host, and accepts loopback hosts", async () => {
    const saved = process.env.CALENDLY_API_URL;
    try {
      process.env.CALENDLY_API_URL = "http://calendly.internal:4010";
      const p = provider();
      await configure(p, { "calendly:token": "a-token" });
      expect((await p.check({}, program)).failures?.[0]?.reason).toMatch(
        /^CALENDLY_API_URL .* is plain http/,
      );
      // Before any call, too: refresh and destroy run no check.
      await expect(p.read("S", {} as never)).rejects.toThrow(/CALENDLY_API_URL .* is plain http/);
      process.env.CALENDLY_API_URL = "http://127.0.0.1:4010";
      expect((await p.check({}, program)).failures).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.CALENDLY_API_URL;
      else process.env.CALENDLY_API_URL = saved;
    }
  });
});
