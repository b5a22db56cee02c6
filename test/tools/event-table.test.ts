/**
 * Both READMEs list the webhook events with their scopes, the token's read scope and the plan they
 * need, exactly as the package's EVENT_RULES says (tools/package/event-table.ts writes the table).
 */
import { readFileSync } from "node:fs";
import { EVENT_RULES, WEBHOOK_EVENTS } from "pulumi-calendly";
import { describe, expect, it } from "vitest";
import {
  eventTableMarkdown,
  READMES_WITH_EVENT_TABLE,
  withEventTable,
} from "../../tools/package/event-table";

describe("the event table in the READMEs", () => {
  it.each(READMES_WITH_EVENT_TABLE)("%s holds the table EVENT_RULES makes", (file) => {
    const text = readFileSync(file, "utf8");
    expect(withEventTable(text, file), "run `npx tsx tools/package/event-table.ts --write`").toBe(text);
  });

  it("names every event once, with its scopes, read scope and plan", () => {
    const table = eventTableMarkdown();
    for (const event of WEBHOOK_EVENTS) {
      const row = table.split("\n").find((line) => line.includes(`\`${event}\``));
      expect(row, event).toBeDefined();
      expect(row).toContain(`\`${EVENT_RULES[event].readScope}\``);
      expect(row).toContain(EVENT_RULES[event].planFeature === null ? "Free included" : "paid plan");
      expect(table.split(`\`${event}\``)).toHaveLength(2);
    }
  });
});
