/**
 * The option values every entry point reads the same way. Each takes the option's name (without
 * `--`) and its text as parsed (`undefined` when the option was not given, which passes through),
 * and fails with a `CommandLineError` that names the option and the expected form. A duration says
 * its unit twice: in the option's help ("<s>") and in the name of the function that reads it.
 */
import { CommandLineError } from "./parse";
import { didYouMean } from "./suggest";

interface Bounds {
  min?: number;
  max?: number;
}

const WHOLE = /^\d{1,15}$/;
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;

function invalid(option: string, expected: string, text: string): CommandLineError {
  return new CommandLineError(
    `--${option} must be ${expected}, got "${text}"`,
    "ERR_INVALID_VALUE",
    `--${option}`,
  );
}

function range({ min = 0, max }: Bounds): string {
  if (max !== undefined) return ` from ${min} to ${max}`;
  return min > 0 ? ` of at least ${min}` : "";
}

function number(option: string, text: string, pattern: RegExp, expected: string, bounds: Bounds): number {
  const n = Number(text);
  if (!pattern.test(text) || n < (bounds.min ?? 0) || n > (bounds.max ?? Number.MAX_SAFE_INTEGER)) {
    throw invalid(option, `${expected}${range(bounds)}`, text);
  }
  return n;
}

/** A whole number (`--connections 32`); none below 0. */
export function wholeNumber(option: string, text: string, bounds?: Bounds): number;
export function wholeNumber(option: string, text: string | undefined, bounds?: Bounds): number | undefined;
export function wholeNumber(option: string, text: string | undefined, bounds: Bounds = {}) {
  return text === undefined ? undefined : number(option, text, WHOLE, "a whole number", bounds);
}

/** A whole number of at least 1 (`--runs 1000`). */
export function positiveInteger(option: string, text: string, bounds?: { max?: number }): number;
export function positiveInteger(
  option: string,
  text: string | undefined,
  bounds?: { max?: number },
): number | undefined;
export function positiveInteger(option: string, text: string | undefined, bounds: { max?: number } = {}) {
  return wholeNumber(option, text, { min: 1, ...bounds });
}

/** A TCP port to listen on, 0 for any free one. */
export function port(option: string, text: string): number;
export function port(option: string, text: string | undefined): number | undefined;
export function port(option: string, text: string | undefined) {
  return text === undefined ? undefined : number(option, text, WHOLE, "an integer", { min: 0, max: 65_535 });
}

/** A whole number of seconds (`--tolerance 180`), in seconds. */
export function seconds(option: string, text: string, bounds?: Bounds): number;
export function seconds(option: string, text: string | undefined, bounds?: Bounds): number | undefined;
export function seconds(option: string, text: string | undefined, bounds: Bounds = {}) {
  return text === undefined ? undefined : number(option, text, WHOLE, "a whole number of seconds", bounds);
}

/** Seconds, fractions allowed (`--retry-initial 0.2`), in milliseconds. */
export function secondsInMs(option: string, text: string, bounds?: Bounds): number;
export function secondsInMs(option: string, text: string | undefined, bounds?: Bounds): number | undefined;
export function secondsInMs(option: string, text: string | undefined, bounds: Bounds = {}) {
  if (text === undefined) return undefined;
  return Math.round(number(option, text, DECIMAL, "a number of seconds", bounds) * 1000);
}

/** A whole number of hours (`--retrying-window 24`), in milliseconds. */
export function hoursInMs(option: string, text: string, bounds?: Bounds): number;
export function hoursInMs(option: string, text: string | undefined, bounds?: Bounds): number | undefined;
export function hoursInMs(option: string, text: string | undefined, bounds: Bounds = {}) {
  if (text === undefined) return undefined;
  return number(option, text, WHOLE, "a whole number of hours", bounds) * 3_600_000;
}

/** An http(s) URL. */
export function httpUrl(option: string, text: string): string;
export function httpUrl(option: string, text: string | undefined): string | undefined;
export function httpUrl(option: string, text: string | undefined) {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(option, "an http(s) URL", text);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid(option, "an http(s) URL", text);
  return text;
}

/** One of `choices` (`--duplicate-url owner`), with a "did you mean" for a near miss. */
export function oneOf<C extends string>(option: string, text: string, choices: readonly C[]): C;
export function oneOf<C extends string>(
  option: string,
  text: string | undefined,
  choices: readonly C[],
): C | undefined;
export function oneOf<C extends string>(option: string, text: string | undefined, choices: readonly C[]) {
  if (text === undefined || (choices as readonly string[]).includes(text)) return text;
  throw new CommandLineError(
    `--${option} must be one of ${choices.join(", ")}, got "${text}"${didYouMean(text, choices)}`,
    "ERR_INVALID_VALUE",
    `--${option}`,
  );
}

/** Some of `choices`, comma-separated (`--only handler,scale`), each read as `oneOf` reads it. */
export function someOf<C extends string>(option: string, text: string, choices: readonly C[]): C[];
export function someOf<C extends string>(
  option: string,
  text: string | undefined,
  choices: readonly C[],
): C[] | undefined;
export function someOf<C extends string>(option: string, text: string | undefined, choices: readonly C[]) {
  return text?.split(",").map((item) => oneOf(option, item.trim(), choices));
}

/** The value of an option that must be given (and not empty). */
export function required(option: string, text: string | undefined): string {
  if (text === undefined || text.length === 0) {
    throw new CommandLineError(`--${option} is required`, "ERR_MISSING_OPTION", `--${option}`);
  }
  return text;
}
