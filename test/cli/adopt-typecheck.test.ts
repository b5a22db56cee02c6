/**
 * `adopt` prints code meant to be pasted into an existing Pulumi program: typecheck it pasted below
 * the imports of an index.ts that already imports `pulumi` and `WebhookSubscription` and declares a
 * `config` and a subscription of its own (no duplicate import or name may result), against the
 * real WebhookSubscription (virtual files at the project root, nothing written).
 */
import { readFileSync } from "node:fs";
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

    // A program that already uses the package (`pulumi new typescript`, then the README's example).
    const existing = [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { WebhookSubscription } from "pulumi-calendly";',
      "",
      "const config = new pulumi.Config();",
      'const bookings = new WebhookSubscription("bookings", {',
      '  url: config.get("url") ?? "https://hooks.example.com/calendly",',
      '  events: ["invitee.created"],',
      '  scope: "user",',
      "});",
      "export const uri = bookings.uri;",
      "",
    ].join("\n");
    const pasted = (output: string) => `${existing}\n${output}`;
    const diagnostics = typecheck({
      "__adopt_user.ts": pasted(user.stdout),
      "__adopt_organization.ts": pasted(organization.stdout),
      "__adopt_group.ts": pasted(group.stdout),
      // The same check must catch a declaration that does not fit WebhookSubscription...
      "__adopt_broken.ts": pasted(user.stdout.replace('"invitee.created"', '"invitee.cancelled"')),
      // The root README's example as written, with the output pasted below it (the package
      // README's is run by test:package).
      "__readme_root.ts": `${/```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, "README.md"), "utf8"))![1]}\n${user.stdout}`,
      // ...and an output that declared its own imports again, as it once did.
      "__adopt_twice.ts": pasted(
        `import * as pulumi from "@pulumi/pulumi";\nconst config = new pulumi.Config();\n${user.stdout}`,
      ),
    });
    expect(diagnostics["__adopt_user.ts"]).toEqual([]);
    expect(diagnostics["__adopt_organization.ts"]).toEqual([]);
    expect(diagnostics["__adopt_group.ts"]).toEqual([]);
    expect(diagnostics["__readme_root.ts"]).toEqual([]);
    expect(diagnostics["__adopt_broken.ts"]!.join("\n")).toContain('"invitee.cancelled"');
    expect(diagnostics["__adopt_twice.ts"]!.join("\n")).toMatch(
      /Duplicate identifier 'pulumi'|Cannot redeclare/,
    );
    // The imports it needs are named in its comments, for a program that lacks one.
    expect(user.stdout).toContain('//   import { WebhookSubscription } from "pulumi-calendly";');
    expect(user.stdout).not.toMatch(/^import /m);
  }, 30_000);
});
