/**
 * Installs the stand-in `aws` and `random` plugins into a PULUMI_HOME, where the engine looks for
 * them: with automatic plugin acquisition off, a resource plugin of name N and version V is
 * `$PULUMI_HOME/plugins/resource-N-vV/pulumi-resource-N` (Pulumi's
 * sdk/go/common/workspace/plugins.go: `getPluginInfoAndPath` takes an exact version match from that
 * folder, after project plugins and a `pulumi-resource-N` on PATH). V is the version the program's
 * SDK package asks for (its package.json `pulumi.version`), so the engine finds exactly these.
 * A plugin on PATH would work too, but the engine then warns "using pulumi-resource-aws from $PATH"
 * in every run.
 *
 *   npx tsx tools/pulumi-standins/install.ts <PULUMI_HOME> [<call log file>]
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { LOG_ENV } from "./journal";
import { sdkPluginVersion } from "./sdk-schema";

export const STANDIN_PACKAGES = ["aws", "random"] as const;

export interface InstalledPlugin {
  name: string;
  version: string;
  executable: string;
}

const MAIN = join(__dirname, "main.ts");
const TSX = require.resolve("tsx");

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Writes each plugin's launcher: this Node (22), tsx's loader, main.ts. `callLog` is the default
 * STANDINS_LOG (an explicit STANDINS_LOG in the environment wins).
 */
export function installStandins(pulumiHome: string, callLog?: string): InstalledPlugin[] {
  return STANDIN_PACKAGES.map((name) => {
    const version = sdkPluginVersion(name);
    const dir = join(pulumiHome, "plugins", `resource-${name}-v${version}`);
    const executable = join(dir, `pulumi-resource-${name}`);
    mkdirSync(dir, { recursive: true });
    const lines = [
      "#!/bin/sh",
      `# Stand-in for the ${name} resource plugin v${version}: tools/pulumi-standins (not the real provider).`,
    ];
    if (callLog) {
      lines.push(
        `if [ -z "\${${LOG_ENV}:-}" ]; then ${LOG_ENV}=${shellQuote(resolve(callLog))}; export ${LOG_ENV}; fi`,
      );
    }
    lines.push(
      `exec ${shellQuote(process.execPath)} --import ${shellQuote(`file://${TSX}`)} ${shellQuote(MAIN)} ${name} "$@"`,
    );
    writeFileSync(executable, `${lines.join("\n")}\n`);
    chmodSync(executable, 0o755);
    return { name, version, executable };
  });
}

if (require.main === module) {
  const [home, log] = process.argv.slice(2);
  if (!home) {
    console.error("usage: tsx tools/pulumi-standins/install.ts <PULUMI_HOME> [<call log file>]");
    process.exit(2);
  }
  for (const p of installStandins(resolve(home), log))
    console.log(`${p.name} v${p.version}: ${p.executable}`);
}
