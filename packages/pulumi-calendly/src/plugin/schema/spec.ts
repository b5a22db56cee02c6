/**
 * The parts of Pulumi's package schema (https://www.pulumi.com/docs/iac/extending-pulumi/schema/,
 * `pkg/codegen/schema` in pulumi/pulumi) that the calendly package uses, as TypeScript types, so
 * that the schema written from this folder is checked by the compiler before Pulumi's own binder
 * (`schema.BindSpec`, run by `npm run codegen`) checks it again.
 */

export type PrimitiveType = "string" | "integer" | "number" | "boolean";

/** A property's type: a primitive, an array of one, or a reference to an object type or enum. */
export type TypeSpec = { type: PrimitiveType } | { type: "array"; items: TypeSpec } | { $ref: string };

export type PropertySpec = TypeSpec & {
  description: string;
  secret?: boolean;
  /** Changing it replaces the resource (shown in SDK docs; the provider's diff decides). */
  replaceOnChanges?: boolean;
  default?: string | number | boolean;
  willReplaceOnChanges?: boolean;
};

export interface ObjectTypeSpec {
  type: "object";
  description: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface EnumTypeSpec {
  type: "string";
  description: string;
  enum: { value: string; name?: string; description: string }[];
}

export interface ResourceSpec {
  description: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  properties: Record<string, PropertySpec>;
  required: string[];
}

export interface FunctionSpec {
  description: string;
  inputs?: ObjectTypeSpec;
  outputs: ObjectTypeSpec;
}

export interface ConfigSpec {
  variables: Record<string, PropertySpec>;
}

export interface PackageSpec {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  license: string;
  publisher: string;
  meta: { moduleFormat: string };
  config: ConfigSpec;
  provider: { description: string; inputProperties: Record<string, PropertySpec> };
  resources: Record<string, ResourceSpec>;
  functions: Record<string, FunctionSpec>;
  types: Record<string, ObjectTypeSpec | EnumTypeSpec>;
  language: Record<string, Record<string, unknown>>;
}
