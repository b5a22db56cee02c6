/**
 * Which 409 rule the emulator applies in the provider's suites. `npm test` runs them twice (see
 * vitest.config.mts): with the documented per-owner rule (the emulator's default) and with the
 * stricter organization-wide one, so the provider is proven against both readings of Calendly.
 */
import type { DuplicateUrlRule } from "../../emulator/api/context";

function rule(value: string | undefined): DuplicateUrlRule {
  if (value === undefined || value === "" || value === "owner") return "owner";
  if (value === "organization") return "organization";
  throw new Error(`EMULATOR_DUPLICATE_URL_RULE must be "owner" or "organization", got "${value}"`);
}

export const DUPLICATE_URL_RULE: DuplicateUrlRule = rule(process.env.EMULATOR_DUPLICATE_URL_RULE);
