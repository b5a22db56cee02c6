/**
 * What the docs give to paste runs as pasted: no shell block holds a `<placeholder>`, which a shell
 * reads as a redirect (the root README once said `pulumi config set --secret calendly:token
 * <token>`: `syntax error near unexpected token 'newline'`, issue 22). A value the reader supplies
 * is read from the terminal (`read -rs CALENDLY_TOKEN`), prompted for, or named as a variable
 * (`"$UUID"`). A synopsis with placeholders goes in a `text` block. Also: both READMEs state the
 * signing key's minimum length the provider enforces.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MIN_SIGNING_KEY_LENGTH } from "pulumi-calendly";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");

/** Every Markdown file a reader is pointed at: the READMEs (root, package, SDKs, examples) and docs/. */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  const packages = readdirSync(join(ROOT, "packages")).map((p) => `packages/${p}/README.md`);
  const examples = readdirSync(join(ROOT, "examples")).map((e) => `examples/${e}/README.md`);
  return [
    "README.md",
    ...docs,
    ...packages,
    ...examples,
    "sdk/README.md",
    "sdk/python/README.md",
    "sdk/python/pulumi_calendly/README.md",
  ];
}

/** The lines of a document's shell blocks (```sh, ```bash, ```shell). */
function shellLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const [, block] of markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    lines.push(...block!.split("\n").filter((line) => line.trim() !== ""));
  }
  return lines;
}

/** A `<word …>` outside quotes and comments: what a shell would take for a redirect. */
function placeholderIn(line: string): string | undefined {
  const code = line.replace(/"[^"]*"|'[^']*'/g, "").replace(/(^|\s)#.*$/, "");
  return /<[A-Za-z][\w .:/-]*>/.exec(code)?.[0];
}

describe("placeholderIn", () => {
  it.each([
    ["pulumi config set --secret calendly:token <token>", "<token>"],
    [
      "pulumi config set --secret calendly:token <personal access token>   # or not",
      "<personal access token>",
    ],
    ["curl -X POST http://127.0.0.1:4010/__emulator/subscriptions/<uuid>/disable", "<uuid>"],
  ])("finds the placeholder in %s", (line, found) => {
    expect(placeholderIn(line)).toBe(found);
  });

  it.each([
    "read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN    # paste the token, then Enter",
    'curl -s -X POST "http://127.0.0.1:4010/__emulator/subscriptions/$UUID/disable"',
    "pulumi config set --secret calendly-manual-signing-key < keyfile",
    "npx pulumi-calendly --help                     # every <command>",
    "echo '<b>' > page.html",
  ])("lets %s pass", (line) => {
    expect(placeholderIn(line)).toBeUndefined();
  });
});

describe.each(documents())("%s", (file) => {
  const text = readFileSync(join(ROOT, file), "utf8");

  it("has no <placeholder> in a shell block", () => {
    const found = shellLines(text).flatMap((line) => {
      const placeholder = placeholderIn(line);
      return placeholder ? [`${placeholder} in: ${line}`] : [];
    });
    expect(found).toEqual([]);
  });
});

it.each(["README.md", "packages/pulumi-calendly/README.md"])(
  "%s states the signing key's minimum length, as the provider enforces it",
  (file) => {
    expect(readFileSync(join(ROOT, file), "utf8")).toContain(`at least ${MIN_SIGNING_KEY_LENGTH} characters`);
  },
);
