/**
 * A resource provider for any type of one Pulumi package, behaving like the real bridged provider
 * as far as the engine and the program can tell: `check` fills in auto-names, `diff` reports the
 * changed inputs and asks for a replacement where the real provider must replace, `create` and
 * `update` return every output the SDK declares (computed ones from the package's rules), `read`
 * finds a resource deleted out of band, `delete` removes it. Every call is recorded (journal.ts).
 *
 * Nothing here knows a resource type: what a type takes and returns comes from the SDK
 * (sdk-schema.ts), what the cloud computes from the package's rules (aws.ts, random.ts).
 */
import { randomBytes } from "node:crypto";
import type * as provider from "@pulumi/pulumi/provider";
import { appendRecord, type CallRecord, existing, LOG_ENV, physicalKey, readRecords } from "./journal";
import {
  containsUnknown,
  isSecret,
  logicalName,
  type PropertyMap,
  redact,
  sameValue,
  secret,
  UNKNOWN,
  urnType,
} from "./properties";
import { type ResourceSchema, resourceSchema, type ValueKind } from "./sdk-schema";
import type { DiffKind, ServerHooks } from "./server-hooks";

/** The provider's own configuration (`aws:region`, an explicit provider's `defaultTags`, ...). */
export type ProviderConfig = PropertyMap;

export interface ResourceCall {
  type: string;
  urn: string;
  /** The resource's logical name (last URN segment). */
  name: string;
  schema: ResourceSchema;
  /** The checked inputs, secrets still wrapped. */
  inputs: PropertyMap;
  config: ProviderConfig;
  /** The outputs before an update. */
  olds?: PropertyMap;
}

/** What one package's real provider does that the SDK does not say. */
export interface PackageRules {
  /** The input the provider fills with a generated, unique name when the program sets none. */
  autoNameProperty(schema: ResourceSchema): string | undefined;
  autoName(call: Omit<ResourceCall, "inputs">, property: string, inputs: PropertyMap): string;
  /** Problems the real provider would refuse at `check` (a name too long, ...). */
  validate?(call: ResourceCall): provider.CheckFailure[];
  /** Of the changed properties, those the real provider can only change by replacing the resource. */
  replaceKeys(schema: ResourceSchema, changed: readonly string[]): string[];
  /** A new resource's id and the outputs the cloud computes for it (only those the rules know). */
  create(call: ResourceCall): { id: string; computed: PropertyMap };
  /** The computed outputs after an update (in a diff: what an update would give). */
  computed(call: ResourceCall, id: string): PropertyMap;
  /** Functions (`aws:index/getRegion:getRegion`, ...), or undefined for one this stand-in lacks. */
  invoke?(token: string, args: PropertyMap, config: ProviderConfig): PropertyMap | undefined;
  /** Whether resources live outside the state (a cloud) and so can vanish; random's do not. */
  tracksExistence: boolean;
}

export interface StandinOptions {
  name: string;
  version: string;
  rules: PackageRules;
  /** What the provider server does not pass on: configuration, preview flag, diff details. */
  hooks: ServerHooks;
}

/** The value a provider returns for a declared output nobody set: what an empty one looks like. */
function emptyValue(kind: ValueKind): unknown {
  switch (kind) {
    case "string":
      return "";
    case "number":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return {};
  }
}

export function randomId(length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

export function createStandin(options: StandinOptions): provider.Provider {
  const { rules, hooks } = options;
  const log = process.env[LOG_ENV];

  function record(entry: Omit<CallRecord, "package" | "pid" | "end">): void {
    appendRecord(log, { package: options.name, ...entry, end: Date.now(), pid: process.pid });
  }

  /** Runs one call, recording it (and a failure, which is then answered to the engine). */
  async function recorded<T>(
    entry: Omit<CallRecord, "package" | "pid" | "end" | "start">,
    run: (extra: Partial<CallRecord>) => T,
  ): Promise<T> {
    const start = Date.now();
    const extra: Partial<CallRecord> = {};
    try {
      const result = run(extra);
      record({ ...entry, ...extra, start });
      return result;
    } catch (e) {
      record({ ...entry, ...extra, start, error: (e as Error).message });
      throw e;
    }
  }

  function call(urn: string, inputs: PropertyMap, olds?: PropertyMap): ResourceCall {
    const type = urnType(urn);
    return {
      type,
      urn,
      name: logicalName(urn),
      schema: resourceSchema(type),
      inputs,
      config: hooks.config,
      olds,
    };
  }

  /**
   * Inputs, then computed outputs, then an empty value for every other output the SDK declares
   * always set; secret outputs wrapped as secrets.
   */
  function outputs(c: ResourceCall, computed: PropertyMap): PropertyMap {
    const outs: PropertyMap = { ...c.inputs, ...computed };
    for (const [property, declared] of c.schema.outputs) {
      if (outs[property] === undefined && declared.required) outs[property] = emptyValue(declared.kind);
    }
    for (const property of c.schema.secretOutputs) {
      if (outs[property] !== undefined && !isSecret(outs[property])) outs[property] = secret(outs[property]);
    }
    return outs;
  }

  return {
    version: options.version,

    check: (urn, olds: PropertyMap, news: PropertyMap) =>
      recorded({ op: "check", type: urnType(urn), urn }, (extra) => {
        const c = call(urn, { ...news });
        const property = rules.autoNameProperty(c.schema);
        // A name generated earlier is kept (the engine passes no olds when it replaces the resource).
        if (property && c.inputs[property] === undefined) {
          c.inputs[property] = olds?.[property] ?? rules.autoName(c, property, c.inputs);
        }
        extra.inputs = redact(c.inputs) as PropertyMap;
        return { inputs: c.inputs, failures: rules.validate?.(c) ?? [] };
      }),

    diff: (id, urn, olds: PropertyMap, news: PropertyMap) =>
      recorded({ op: "diff", type: urnType(urn), urn, id }, (extra) => {
        // `olds` are the stored outputs. An input is changed when the outputs the new inputs would
        // give differ from the stored ones: a dropped input is a change only if its output was not
        // what the provider fills in anyway (an empty value, the region, ...).
        const c = call(urn, news, olds);
        const expected = outputs(c, rules.computed(c, id));
        const keys = new Set([
          ...Object.keys(news),
          ...Object.keys(olds).filter((k) => c.schema.inputs.has(k)),
        ]);
        const changes = [...keys].filter((k) => containsUnknown(news[k]) || !sameValue(olds[k], expected[k]));
        const replaces = rules.replaceKeys(c.schema, changes);
        extra.changes = changes;
        extra.replaces = replaces;
        const kinds: Record<string, DiffKind> = {};
        for (const k of changes)
          kinds[k] = olds[k] === undefined ? "add" : news[k] === undefined ? "delete" : "update";
        hooks.diffDetails(urn, { changed: changes, replaces, kinds });
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
      }),

    create: (urn, inputs: PropertyMap) => {
      const preview = hooks.previewing();
      const entry = {
        op: "create",
        type: urnType(urn),
        urn,
        inputs: redact(inputs) as PropertyMap,
        preview,
      } as const;
      return recorded(entry, (extra) => {
        const c = call(urn, inputs);
        if (preview) {
          // As a plan: what the cloud computes is not known until the resource exists.
          const outs: PropertyMap = { ...inputs };
          for (const property of c.schema.outputs.keys()) outs[property] ??= UNKNOWN;
          return { id: "", outs };
        }
        const { id, computed } = rules.create(c);
        extra.id = id;
        return { id, outs: outputs(c, computed) };
      });
    },

    update: (id, urn, olds: PropertyMap, news: PropertyMap) => {
      const preview = hooks.previewing();
      const entry = {
        op: "update",
        type: urnType(urn),
        urn,
        id,
        inputs: redact(news) as PropertyMap,
        preview,
      } as const;
      // A preview answers what the update will give (computed outputs are stable: same id, same ARN).
      return recorded(entry, () => {
        const c = call(urn, news, olds);
        return { outs: outputs(c, rules.computed(c, id)) };
      });
    },

    read: (id, urn, props?: PropertyMap) =>
      recorded({ op: "read", type: urnType(urn), urn, id }, (extra) => {
        // Without a log there is no record of the "cloud": everything in the state exists.
        const exists =
          !rules.tracksExistence || !log || existing(readRecords(log)).has(physicalKey(urnType(urn), id));
        extra.exists = exists;
        // Gone: an empty id tells the engine to drop it from the state.
        return exists ? { id, props: props ?? {} } : { id: "", props: {} };
      }),

    delete: (id, urn) => recorded({ op: "delete", type: urnType(urn), urn, id }, () => undefined),

    invoke: (token, args: PropertyMap) =>
      recorded({ op: "invoke", type: token, inputs: redact(args) as PropertyMap }, () => {
        const outputs = rules.invoke?.(token, args, hooks.config);
        if (outputs === undefined) {
          throw new Error(`the ${options.name} stand-in does not implement ${token}; add it to its rules`);
        }
        return { outputs };
      }),
  };
}
