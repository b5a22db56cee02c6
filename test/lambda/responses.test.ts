import { describe, expect, it } from "vitest";
import { guardResponse, responses } from "../../lambda/responses";

describe("guardResponse", () => {
  it.each([301, 302, 303, 307, 308, 410, 404, 400, 413, 204, 100, 600, Number.NaN])(
    "turns %s into a 500",
    (statusCode) => {
      expect(guardResponse({ statusCode, body: "x" })).toEqual(responses.internalError());
    },
  );

  it("turns a missing result into a 500", () => {
    expect(guardResponse(undefined).statusCode).toBe(500);
  });

  it("lets the receiver's own answers through unchanged", () => {
    for (const response of [
      responses.accepted("id"),
      responses.unauthorized(),
      responses.methodNotAllowed(),
      responses.unavailable(),
      responses.internalError(),
    ]) {
      expect(guardResponse(response)).toBe(response);
    }
  });
});
