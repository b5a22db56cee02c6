/**
 * The table of webhook events in both READMEs (the repository's and the package's), written from
 * the package's own rules (EVENT_RULES: scopes, the token's read scope, the plan feature), so the
 * docs and the provider's check cannot disagree. test/tools/event-table.test.ts fails when a README
 * holds anything else between the markers; `npx tsx tools/package/event-table.ts --write` rewrites them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EVENT_RULES, WEBHOOK_EVENTS } from "pulumi-calendly";
import type { EventRule } from "../../calendly";

const ROOT = resolve(__dirname, "../..");
export const READMES_WITH_EVENT_TABLE = ["README.md", "packages/pulumi-calendly/README.md"].map((file) =>
  join(ROOT, file),
);
export const TABLE_START =
  "<!-- event-table: written by tools/package/event-table.ts from EVENT_RULES; do not edit by hand -->";
export const TABLE_END = "<!-- /event-table -->";

const PLAN: Record<NonNullable<EventRule["planFeature"]>, string> = {
  routing_forms: "paid plan (routing forms)",
  meeting_recaps: "paid plan (meeting recaps)",
};

function describeScopes(rule: EventRule): string {
  return rule.scopes.length === 3 ? "organization, user, group" : `**${rule.scopes.join(", ")} only**`;
}

/** The table, one row per family of events that share their rules. */
export function eventTableMarkdown(): string {
  const rows: { events: string[]; rule: EventRule }[] = [];
  for (const event of WEBHOOK_EVENTS) {
    const rule = EVENT_RULES[event];
    const family = event.split(".")[0];
    const last = rows.at(-1);
    if (
      last &&
      last.events[0]!.split(".")[0] === family &&
      JSON.stringify(last.rule) === JSON.stringify(rule)
    ) {
      last.events.push(event);
    } else {
      rows.push({ events: [event], rule });
    }
  }
  const cells = [
    ["events", "scopes", "token scope besides `webhooks:write`", "Calendly plan"],
    ...rows.map(({ events, rule }) => [
      events.map((e) => `\`${e}\``).join(", "),
      describeScopes(rule),
      `\`${rule.readScope}\``,
      rule.planFeature ? PLAN[rule.planFeature] : "any, Free included",
    ]),
  ];
  // Columns padded as the formatter (Biome) aligns a Markdown table, so it leaves this one alone.
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const [header, ...body] = cells;
  return [line(header!), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...body.map(line)].join("\n");
}

/** `text` with the table between the markers rewritten; throws when the markers are missing. */
export function withEventTable(text: string, file: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${file} has no event table markers`);
  return `${text.slice(0, start + TABLE_START.length)}\n${eventTableMarkdown()}\n${text.slice(end)}`;
}

if (require.main === module) {
  const write = process.argv.includes("--write");
  for (const file of READMES_WITH_EVENT_TABLE) {
    const text = readFileSync(file, "utf8");
    const next = withEventTable(text, file);
    if (write && next !== text) writeFileSync(file, next);
    process.stdout.write(`${file}: ${next === text ? "up to date" : write ? "rewritten" : "out of date"}\n`);
  }
}
