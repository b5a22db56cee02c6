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
      maxBodyBytes: 1024 * 1024,
      forwardDeadlineMs: 5000,
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
      MAX_BODY_BYTES: "65536",
      FORWARD_DEADLINE_MS: "2000",
      EVENTBRIDGE_MAX_ENTRY_BYTES: "1048576",
    });
    expect(config).toMatchObject({
      signingKeys: { source: "ssm", parameterName: "/calendly/keys" },
      toleranceSeconds: 300,
      futureSkewSeconds: 5,
      keysRefreshSeconds: 1,
      maxBodyBytes: 65536,
      forwardDeadlineMs: 2000,
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
    const message = problemsOf({ EVENT_BUS_NAME: "", FORWARD_DEADLINE_MS: "20000", MAX_BODY_BYTES: "lots" });
    expect(message).toContain(
      "EVENT_BUS_NAME is not set; set it to the name (or ARN) of the EventBridge bus",
    );
    expect(message).toContain("CLAIM_CHECK_BUCKET is not set");
    expect(message).toMatch(/FORWARD_DEADLINE_MS is not valid .*well under Calendly's 15 s/);
    expect(message).toMatch(/MAX_BODY_BYTES is not valid \(not a number\)/);
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
