/** The URL marker that makes every replacement create first (packages/pulumi-calendly/src/provider/marker.ts). */
import { MARKER_LENGTH, markedUrl, type ReplacementInputs, replacementMarker } from "pulumi-calendly";
import { describe, expect, it } from "vitest";

const inputs: ReplacementInputs = { events: ["invitee.created", "invitee.canceled"], scope: "user" };

describe("replacementMarker", () => {
  it("is a short hex hash, the same for the same subscription whatever the event order or duplicates", () => {
    const marker = replacementMarker(inputs);
    expect(marker).toMatch(new RegExp(`^[0-9a-f]{${MARKER_LENGTH}}$`));
    expect(
      replacementMarker({ ...inputs, events: ["invitee.canceled", "invitee.created", "invitee.created"] }),
    ).toBe(marker);
    // Generation 1 is the default.
    expect(replacementMarker({ ...inputs, signingKeyGeneration: 1 })).toBe(marker);
  });

  it.each([
    ["events", { events: ["invitee.created"] }],
    ["scope", { scope: "organization" }],
    ["organization", { organization: "https://api.calendly.com/organizations/O" }],
    ["user", { user: "https://api.calendly.com/users/U" }],
    ["group", { group: "https://api.calendly.com/groups/G" }],
    ["signingKeyGeneration", { signingKeyGeneration: 2 }],
  ] as const)("changes with %s", (_property, change) => {
    expect(replacementMarker({ ...inputs, ...change })).not.toBe(replacementMarker(inputs));
  });

  it("does not confuse one owner for another", () => {
    const uri = "https://api.calendly.com/users/U";
    expect(replacementMarker({ ...inputs, user: uri })).not.toBe(
      replacementMarker({ ...inputs, group: uri }),
    );
  });
});

describe("markedUrl", () => {
  it("sets subscription and v, keeping the path and the base's own query", () => {
    const url = new URL(markedUrl("https://hooks.example.com/calendly?team=7", "bookings", inputs));
    expect(url.pathname).toBe("/calendly");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      team: "7",
      subscription: "bookings",
      v: replacementMarker(inputs),
    });
  });

  it("replaces a marker the base already had, rather than adding a second", () => {
    const once = markedUrl("https://hooks.example.com/calendly", "bookings", inputs);
    expect(markedUrl(once, "bookings", inputs)).toBe(once);
  });
});
