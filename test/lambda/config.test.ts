import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../lambda/config";

const base = { EVENT_BUS_NAME: "bus", CLAIM_CHECK_BUCKET: "bucket" };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    expect(loadConfig({ ...base, CALENDLY_SIGNING_KEYS: "k" })).toEqual({
      eventBusName: "bus",
      claimCheckBucket: "bucket",
      signingKeys: { source: "env", text: "k" },
      toleranceSeconds: 180,
      futureSkewSeconds: 30,
      keysRefreshSeconds: 60,
      keysMaxAgeSeconds: 300,
      maxBodyBytes: 1024 * 1024,
      deliveryDeadlineMs: 5000,
      maxEntryBytes: 256 * 1024,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      ...base,
      CALENDLY_SIGNING_KEY_PARAMETER: "/calendly/keys",
      SIGNATURE_TOLERANCE_SECONDS: "300",
      SIGNATURE_FUTURE_SKEW_SECONDS: "5",
      SIGNING_KEYS_REFRESH_SECONDS: "1",
      SIGNING_KEYS_MAX_AGE_SECONDS: "0",
      MAX_BODY_BYTES: "65536",
      DELIVERY_DEADLINE_MS: "2000",
      EVENTBRIDGE_MAX_ENTRY_BYTES: "1048576",
    });
    expect(config).toMatchObject({
      signingKeys: { source: "ssm", parameterName: "/calendly/keys" },
      toleranceSeconds: 300,
      futureSkewSeconds: 5,
      keysRefreshSeconds: 1,
      keysMaxAgeSeconds: 0,
      maxBodyBytes: 65536,
      deliveryDeadlineMs: 2000,
      maxEntryBytes: 1048576,
    });
  });

  it("treats empty as unset and no key source as fail-closed", () => {
    expect(
      loadConfig({ ...base, CALENDLY_SIGNING_KEYS: "", CALENDLY_SIGNING_KEY_PARAMETER: "" }).signingKeys,
    ).toEqual({
      source: "none",
    });
  });

  it("names each missing or invalid variable and its fix", () => {
    const message = problemsOf({ EVENT_BUS_NAME: "", DELIVERY_DEADLINE_MS: "20000", MAX_BODY_BYTES: "lots" });
    expect(message).toContain(
      "EVENT_BUS_NAME is not set; set it to the name (or ARN) of the EventBridge bus",
    );
    expect(message).toContain("CLAIM_CHECK_BUCKET is not set");
    expect(message).toMatch(/DELIVERY_DEADLINE_MS is not valid .*well under Calendly's 15 s/);
    expect(message).toMatch(/MAX_BODY_BYTES is not valid \(not a whole decimal number/);
  });

  // Number() reads " " as 0 (no rate limit on key re-reads), "0x3c" as 60 and "1e6" as a million.
  it.each([" ", "  60", "60 ", "0x3c", "1e6", "1e1", "+60", "-1", "60.0", "6_0", "٦٠", "Infinity", "NaN"])(
    "refuses %j for a number, naming the variable, instead of reading it as something else",
    (value) => {
      for (const variable of [
        "SIGNING_KEYS_REFRESH_SECONDS",
        "SIGNING_KEYS_MAX_AGE_SECONDS",
        "SIGNATURE_TOLERANCE_SECONDS",
        "DELIVERY_DEADLINE_MS",
      ]) {
        const message = problemsOf({ ...base, [variable]: value });
        expect(message).toMatch(new RegExp(`^receiver configuration is invalid: ${variable} is not valid`));
        expect(message).not.toContain(`"${value}"`);
      }
    },
  );

  it("accepts whole decimal numbers, leading zeros included, and refuses them outside the range", () => {
    expect(loadConfig({ ...base, SIGNING_KEYS_REFRESH_SECONDS: "060" }).keysRefreshSeconds).toBe(60);
    expect(loadConfig({ ...base, SIGNING_KEYS_MAX_AGE_SECONDS: "0" }).keysMaxAgeSeconds).toBe(0);
    expect(problemsOf({ ...base, DELIVERY_DEADLINE_MS: "99" })).toMatch(
      /DELIVERY_DEADLINE_MS is not valid \(outside 100\.\.14000\)/,
    );
    expect(problemsOf({ ...base, EVENTBRIDGE_MAX_ENTRY_BYTES: "1024" })).toMatch(
      /EVENTBRIDGE_MAX_ENTRY_BYTES is not valid \(outside 8192\.\./,
    );
  });

  it("still reads FORWARD_DEADLINE_MS, the deadline's former name, but not together with the new one", () => {
    expect(loadConfig({ ...base, FORWARD_DEADLINE_MS: "2500" }).deliveryDeadlineMs).toBe(2500);
    expect(problemsOf({ ...base, FORWARD_DEADLINE_MS: "2500", DELIVERY_DEADLINE_MS: "2500" })).toMatch(
      /FORWARD_DEADLINE_MS is set together with DELIVERY_DEADLINE_MS, its new name; remove FORWARD_DEADLINE_MS/,
    );
  });

  it("refuses a blank name rather than trimming it to nothing", () => {
    expect(problemsOf({ ...base, EVENT_BUS_NAME: "   " })).toMatch(
      /EVENT_BUS_NAME is blank; set it to the name/,
    );
  });

  it("refuses two key sources, without echoing either value", () => {
    const message = problemsOf({
      ...base,
      CALENDLY_SIGNING_KEYS: "super-secret",
      CALENDLY_SIGNING_KEY_PARAMETER: "/p",
    });
    expect(message).toMatch(/set only one/);
    expect(message).not.toContain("super-secret");
  });
});
