/**
 * What a resource type takes and returns, read from the program's own SDK package
 * (`node_modules/@pulumi/<package>`), which Pulumi generated from the provider's schema:
 *
 *   <module>/<name>.js   `resourceInputs["x"] = args?.x…`           → x is an input
 *                        `resourceInputs["y"] = undefined` (`out`)   → y is an output only
 *                        `additionalSecretOutputs: ["z"]`           → z is a secret output
 *   <module>/<name>.d.ts `readonly y: pulumi.Output<string>`        → y's type; without `| undefined`,
 *                                                                     the provider always returns it
 *
 * This is why the stand-ins need no list of resource types: a type added to the program tomorrow is
 * described by the same files. (The full schema JSON is not shipped in the npm package.)
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type ValueKind = "string" | "number" | "boolean" | "array" | "object";

export interface OutputProperty {
  kind: ValueKind;
  /** The provider always returns it (no `| undefined` in the SDK's type). */
  required: boolean;
}

export interface ResourceSchema {
  token: string;
  inputs: ReadonlySet<string>;
  /** Every output property (inputs are outputs too), with its type. */
  outputs: ReadonlyMap<string, OutputProperty>;
  secretOutputs: ReadonlySet<string>;
}

/** The SDK package's folder, resolved the way the program resolves it. */
export function sdkPackageDir(pkg: string): string {
  return dirname(require.resolve(`@pulumi/${pkg}/package.json`));
}

/** The version of the plugin the SDK package asks the engine for (package.json `pulumi.version`). */
export function sdkPluginVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(sdkPackageDir(pkg), "package.json"), "utf8")) as {
    version: string;
    pulumi?: { version?: string };
  };
  return manifest.pulumi?.version ?? manifest.version;
}

const cache = new Map<string, ResourceSchema>();

/** The schema of `token` (e.g. `aws:apigatewayv2/api:Api`), or an error naming the file it looked for. */
export function resourceSchema(token: string): ResourceSchema {
  const cached = cache.get(token);
  if (cached) return cached;
  const match = /^([^:]+):([^/]+)\/([^:]+):(.+)$/.exec(token);
  if (!match) throw new Error(`not a resource type token: ${token}`);
  const [, pkg, module, file] = match as unknown as [string, string, string, string];
  const base = join(sdkPackageDir(pkg), module === "index" ? file : join(module, file));
  if (!existsSync(`${base}.js`)) {
    throw new Error(
      `${token}: the @pulumi/${pkg} SDK has no ${base}.js, so this stand-in cannot describe it`,
    );
  }
  const js = readFileSync(`${base}.js`, "utf8");
  const dts = readFileSync(`${base}.d.ts`, "utf8");
  const schema: ResourceSchema = {
    token,
    inputs: new Set([...js.matchAll(/resourceInputs\["(\w+)"\] = \(?args\b/g)].map((m) => m[1]!)),
    outputs: outputProperties(dts),
    secretOutputs: new Set(
      [...js.matchAll(/additionalSecretOutputs: \[([^\]]*)\]/g)].flatMap((m) =>
        [...m[1]!.matchAll(/"(\w+)"/g)].map((n) => n[1]!),
      ),
    ),
  };
  cache.set(token, schema);
  return schema;
}

/** `readonly <name>: pulumi.Output<TYPE>;` declarations of the resource class (TYPE may span lines). */
function outputProperties(dts: string): Map<string, OutputProperty> {
  const properties = new Map<string, OutputProperty>();
  const start = /readonly (\w+): pulumi\.Output</g;
  for (let m = start.exec(dts); m; m = start.exec(dts)) {
    let depth = 1;
    let i = start.lastIndex;
    for (; i < dts.length && depth > 0; i++) {
      if (dts[i] === "<") depth++;
      else if (dts[i] === ">") depth--;
    }
    const type = dts.slice(start.lastIndex, i - 1).trim();
    properties.set(m[1]!, { kind: kindOf(type), required: !/\|\s*undefined\s*$/.test(type) });
  }
  return properties;
}

function kindOf(type: string): ValueKind {
  const t = type.replace(/\|\s*undefined\s*$/, "").trim();
  if (t.endsWith("[]")) return "array";
  if (t === "string" || /^"[^"]*"(\s*\|\s*"[^"]*")*$/.test(t) || t.startsWith("enums.")) return "string";
  if (t === "number") return "number";
  if (t === "boolean") return "boolean";
  return "object";
}
