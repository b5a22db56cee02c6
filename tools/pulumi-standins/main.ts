/**
 * A stand-in resource plugin, started by the Pulumi engine like any plugin (launcher written by
 * install.ts): `main.ts <package> <engine address> [flags]`. It serves the package's resources with
 * `@pulumi/pulumi/provider`'s `main()`, Pulumi's own provider server, and prints the port it listens
 * on (the only thing on stdout).
 */
import { main } from "@pulumi/pulumi/provider";
import { awsRules } from "./aws";
import { randomRules } from "./random";
import { sdkPluginVersion } from "./sdk-schema";
import { installServerHooks } from "./server-hooks";
import { createStandin, type PackageRules } from "./standin";

const RULES: Record<string, PackageRules> = { aws: awsRules, random: randomRules };

const [pkg, ...args] = process.argv.slice(2);
const rules = pkg ? RULES[pkg] : undefined;
if (!pkg || !rules) {
  console.error(`usage: main.ts <${Object.keys(RULES).join("|")}> <engine address>`);
  process.exit(2);
}
const hooks = installServerHooks();
void main(createStandin({ name: pkg, version: sdkPluginVersion(pkg), rules, hooks }), args);
