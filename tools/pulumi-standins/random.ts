/**
 * What the real `random` provider (pulumi-random, bridged from terraform-provider-random) does:
 * every argument forces a new value (`RequiresReplace` on all of them), values are generated from
 * the arguments with a cryptographic generator, and nothing exists outside the state (a refresh
 * never loses one). The generated values are the provider's outputs; the SDK marks `result` secret
 * where the real schema does.
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { type PropertyMap, reveal } from "./properties";
import type { PackageRules, ResourceCall } from "./standin";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const NUMERIC = "0123456789";
/** terraform-provider-random's default special characters. */
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

function num(value: unknown, fallback: number): number {
  const v = reveal(value);
  return typeof v === "number" ? v : fallback;
}

function flag(value: unknown, fallback = true): boolean {
  const v = reveal(value);
  return typeof v === "boolean" ? v : fallback;
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)]!;
}

/**
 * RandomPassword / RandomString: `length` characters from the enabled classes, with at least
 * `min<Class>` of each, shuffled (as terraform-provider-random's generator does).
 */
export function generateString(inputs: PropertyMap): string {
  const length = num(inputs.length, 0);
  const numeric = flag(inputs.numeric, flag(inputs.number));
  const classes = [
    { on: flag(inputs.upper), chars: UPPER, min: num(inputs.minUpper, 0) },
    { on: flag(inputs.lower), chars: LOWER, min: num(inputs.minLower, 0) },
    { on: numeric, chars: NUMERIC, min: num(inputs.minNumeric, 0) },
    {
      on: flag(inputs.special),
      chars:
        typeof reveal(inputs.overrideSpecial) === "string"
          ? (reveal(inputs.overrideSpecial) as string)
          : SPECIAL,
      min: num(inputs.minSpecial, 0),
    },
  ].filter((c) => c.on && c.chars.length > 0);
  const all = classes.map((c) => c.chars).join("");
  if (all === "") throw new Error("no character class is enabled: set one of upper, lower, numeric, special");
  const chars = classes.flatMap((c) => Array.from({ length: c.min }, () => pick(c.chars)));
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

function generate(call: ResourceCall): { id: string; computed: PropertyMap } {
  const { inputs } = call;
  switch (call.type) {
    case "random:index/randomPassword:RandomPassword":
      // The real provider's id is the constant "none"; the value is only in `result` (secret).
      return { id: "none", computed: { result: generateString(inputs) } };
    case "random:index/randomString:RandomString": {
      const result = generateString(inputs);
      return { id: result, computed: { result } };
    }
    case "random:index/randomInteger:RandomInteger": {
      const result = randomInt(num(inputs.min, 0), num(inputs.max, 0) + 1);
      return { id: String(result), computed: { result } };
    }
    case "random:index/randomUuid:RandomUuid": {
      const result = randomUUID();
      return { id: result, computed: { result } };
    }
    case "random:index/randomId:RandomId":
    case "random:index/randomBytes:RandomBytes": {
      const bytes = randomBytes(num(inputs.byteLength ?? inputs.length, 8));
      const hex = bytes.toString("hex");
      const b64Url = bytes.toString("base64url");
      return {
        id: b64Url,
        computed: {
          hex,
          b64Url,
          b64Std: bytes.toString("base64"),
          base64: bytes.toString("base64"),
          dec: BigInt(`0x${hex}`).toString(),
        },
      };
    }
    case "random:index/randomShuffle:RandomShuffle": {
      const results = [...((reveal(inputs.inputs) as unknown[]) ?? [])];
      for (let i = results.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [results[i], results[j]] = [results[j], results[i]];
      }
      return { id: "-", computed: { results } };
    }
    default:
      throw new Error(`the random stand-in cannot generate a ${call.type}; add it to its rules`);
  }
}

/** Every output that is not an input: what the provider generated. */
function generatedOutputs(call: ResourceCall): PropertyMap {
  const olds = call.olds ?? {};
  return Object.fromEntries(Object.entries(olds).filter(([k]) => !call.schema.inputs.has(k)));
}

export const randomRules: PackageRules = {
  tracksExistence: false,
  autoNameProperty: () => undefined,
  autoName: () => {
    throw new Error("random resources have no name");
  },
  // Every argument of every random resource is RequiresReplace: a change means a new value.
  replaceKeys: (_schema, changed) => [...changed],
  create: generate,
  // There is no in-place update; in a diff, the outputs stay those generated at create.
  computed: (call) => generatedOutputs(call),
};
