/**
 * `adopt` prints code meant to be pasted into the Pulumi program: typecheck it, as index.ts would
 * be, against the real WebhookSubscription (virtual files at the project root, nothing written).
 */
import { join } from "node:path";
import * as ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalendlyClient } from "../../calendly";
import { startTestEmulator, type TestEmulator } from "../emulator/helpers";
import { ROOT, runInProcess } from "./helpers";

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  const owner = createCalendlyClient({ token: emu.tokens.owner, baseUrl: emu.url });
  const admin = createCalendlyClient({ token: emu.tokens.admin, baseUrl: emu.url });
  await owner.createWebhookSubscription({
    url: "https://hooks.example.com/calendly/user",
    events: ["invitee.created", "meeting_recap.created"],
    scope: "user",
    organization: emu.org,
    user: emu.users.owner,
  });
  await owner.createWebhookSubscription({
    url: "https://hooks.example.com/calendly/org",
    events: ["routing_form_submission.created", "invitee.canceled"],
    scope: "organization",
    organization: emu.org,
  });
  await admin.createWebhookSubscription({
    url: "https://hooks.example.com/calendly/sales",
    events: ["invitee.created"],
    scope: "group",
    organization: emu.org,
    group: emu.group,
  });
  await owner.close();
  await admin.close();
});

afterAll(async () => {
  await emu?.close();
});

/** Semantic diagnostics of each virtual file, compiled together with the project's sources. */
function typecheck(files: Record<string, string>): Record<string, string[]> {
  const options: ts.CompilerOptions = {
    strict: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    types: ["node"],
    noEmit: true,
  };
  const paths = Object.fromEntries(Object.entries(files).map(([name, text]) => [join(ROOT, name), text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    paths[name] !== undefined
      ? ts.createSourceFile(name, paths[name]!, language)
      : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => paths[name] !== undefined || fileExists(name);
  const program = ts.createProgram(Object.keys(paths), options, host);
  return Object.fromEntries(
    Object.keys(files).map((name) => [
      name,
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(join(ROOT, name)))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")),
    ]),
  );
}

describe("adopt output", () => {
  it("typechecks as part of the Pulumi program, for every scope", async () => {
    const env = { CALENDLY_API_URL: emu.url, CALENDLY_TOKEN: emu.tokens.owner };
    const user = await runInProcess(["adopt"], env);
    const organization = await runInProcess(["adopt", "--scope", "organization"], env);
    const group = await runInProcess(["adopt", "--scope", "group", "--group", emu.group], {
      ...env,
      CALENDLY_TOKEN: emu.tokens.admin,
    });
    for (const run of [user, organization, group]) {
      expect(run.code).toBe(0);
      expect(run.stdout.match(/adoptExisting: true/g)).toHaveLength(1);
    }
    expect(group.stdout).toContain(`group: "${emu.group}",`);
    expect(organization.stdout).not.toContain("  user:");

    const diagnostics = typecheck({
      "__adopt_user.ts": user.stdout,
      "__adopt_organization.ts": organization.stdout,
      "__adopt_group.ts": group.stdout,
      // The same check must catch a declaration that does not fit WebhookSubscription.
      "__adopt_broken.ts": user.stdout.replace('"invitee.created"', '"invitee.cancelled"'),
    });
    expect(diagnostics["__adopt_user.ts"]).toEqual([]);
    expect(diagnostics["__adopt_organization.ts"]).toEqual([]);
    expect(diagnostics["__adopt_group.ts"]).toEqual([]);
    expect(diagnostics["__adopt_broken.ts"]!.join("\n")).toContain('"invitee.cancelled"');
  }, 30_000);
});
