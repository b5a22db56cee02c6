import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { engineScenario } from "./support/scenario";
const scenario = engineScenario();
it("scratch", async () => {
  const subs = (events: string[], gen?: number) => [
    { name: "gen", url: "https://r.example.com/x?subscription=gen", events, signingKeyGeneration: gen },
  ];
  const ws = await scenario.workspace("scratch", { subscriptions: subs(["invitee.created"]) });
  await ws.up();
  const key = async () => ((await ws.outputs({ showSecrets: true })).signingKeys as Record<string, string>).gen;
  const k1 = await key();
  await ws.setConfig("subscriptions", JSON.stringify(subs(["invitee.created", "invitee.canceled"])));
  console.log("PREVIEW-events\n" + (await ws.preview([])).stdout);
  await ws.up();
  const k2 = await key();
  console.log("KEYS same?", k1 === k2);
  await ws.setConfig("subscriptions", JSON.stringify(subs(["invitee.created", "invitee.canceled"], 2)));
  console.log("PREVIEW-gen\n" + (await ws.preview([])).stdout);
  await ws.up();
  const k3 = await key();
  console.log("KEYS rotated?", k3 !== k2);
  const texts: string[] = [];
  const walk = (dir: string) => { for (const n of readdirSync(dir)) { const f = join(dir, n); if (statSync(f).isDirectory()) walk(f); else texts.push(readFileSync(f, "latin1")); } };
  walk(join(ws.root, "state"));
  const all = texts.join("\n");
  console.log("PLAINTEXT", [k1, k2, k3].map((k) => all.includes(k!)));
  expect(k1).toBe(k2);
});
