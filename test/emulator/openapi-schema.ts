/**
 * Calendly's published OpenAPI 3.0 description (test/fixtures/calendly/openapi-2022.yaml, a copy of
 * ../shared/calendly/openapi-2022.yaml) turned into validators for the emulator's answers.
 *
 * OpenAPI 3.0 schemas are almost JSON Schema; the difference that matters here is `nullable: true`,
 * which becomes `type: [t, "null"]` (or `anyOf [..., {type: "null"}]` around a `$ref`/composition).
 * The formats the spec uses are defined here rather than pulling in ajv-formats.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parse } from "yaml";

export const OPENAPI_FIXTURE = join(__dirname, "..", "fixtures", "calendly", "openapi-2022.yaml");

type Schema = Record<string, unknown>;

/** Rewrites OpenAPI 3.0 `nullable` into JSON Schema, recursively. */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable" || key === "example" || key.startsWith("x-")) continue;
    out[key] = toJsonSchema(value);
  }
  if ((node as Schema).nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface OpenApi {
  /** A validator for the schema at a JSON pointer into the spec, e.g. `/components/schemas/User`. */
  validator(pointer: string): ValidateFunction;
  /** The schema of an operation's response: `response("/users/me", "get", 200)`. */
  response(path: string, method: string, status: number): ValidateFunction;
  /** A reusable response of `components.responses`, e.g. `NOT_FOUND`. */
  sharedResponse(name: string): ValidateFunction;
}

export function loadOpenApi(file = OPENAPI_FIXTURE): OpenApi {
  const document = toJsonSchema(parse(readFileSync(file, "utf8"))) as Schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("uri", (value: string) => {
    try {
      return new URL(value).protocol.length > 0;
    } catch {
      return false;
    }
  });
  ajv.addFormat("email", /^[^@\s]+@[^@\s]+$/);
  ajv.addFormat("date-time", DATE_TIME);
  ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat("float", true);
  ajv.addFormat("password", true); // ZoomConference's `data.password`: any string.
  ajv.addSchema({ ...document, $id: "openapi.json" });
  const pointerSegment = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");
  const validator = (pointer: string) => {
    const validate = ajv.getSchema(`openapi.json#${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer} in ${file}`);
    return validate;
  };
  return {
    validator,
    response: (path, method, status) =>
      validator(
        `/paths/${pointerSegment(path)}/${method}/responses/${status}/content/application~1json/schema`,
      ),
    sharedResponse: (name) => validator(`/components/responses/${name}/content/application~1json/schema`),
  };
}

/** Ajv's errors in one readable line, for assertion messages. */
export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}`).join("; ");
}
