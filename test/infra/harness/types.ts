/** What the test harness runs (a scenario) and what it reports back. Plain JSON both ways. */

export interface Scenario {
  /** Stack name; also names the stack's bundle folder, so give each scenario its own. */
  stack: string;
  /** Full config keys → values as the CLI passes them (objects and lists JSON-encoded). */
  config: Record<string, string>;
  /** Keys of `config` that are secrets (as `pulumi config set --secret` marks them). */
  secretKeys: string[];
  /** Run as `pulumi preview` (true) or `pulumi up` (false). */
  preview: boolean;
  /** Where the child writes its Report. */
  reportFile: string;
  /** The folder of the program to run (its index.ts); the repository's by default. */
  programDir?: string;
  /**
   * Have the SDK compute every alias itself, as URNs (as it does for an engine without alias specs),
   * the children's inherited ones included: the program then runs inside a root stack resource, as
   * under the engine, so that every resource has a parent to inherit from.
   */
  clientSideAliases?: boolean;
}

export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Parent URN, "" for none. */
  parent: string;
  /** Explicit and implicit dependencies (URNs), as the engine receives them. */
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Provider reference (`<urn>::<id>`), "" for the default provider. */
  provider: string;
  /** `providers` option of a component (package → reference). */
  providers: Record<string, string>;
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
  /** Inputs in wire form: secrets stay wrapped ({4dabf…: 1b47…, value}), assets and archives too. */
  inputs: Record<string, unknown>;
  /** Whether the dynamic provider's `__provider` input was present (removed from `inputs`). */
  hasDynamicProvider: boolean;
  /** The aliases as the SDK sent them: URNs (with `clientSideAliases`), and alias specs (without). */
  aliases: string[];
  aliasSpecs: unknown[];
  /** Outputs the mock returned. */
  state: Record<string, unknown>;
  id: string;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

export interface Report {
  resources: RegisteredResource[];
  outputs: Record<string, StackOutput>;
  /** The program threw (synchronously, or an output failed). */
  error?: { name: string; message: string };
  unhandled: string[];
}

/** Pulumi's wire signatures (sdk/nodejs/runtime/rpc.ts). */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
