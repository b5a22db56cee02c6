/**
 * Runs the Pulumi program (index.ts) the way `pulumi up` / `pulumi preview` does, minus the CLI:
 * in its own Node process, compiled by ts-node (transpile-only, this project's tsconfig), with
 * `pulumi.runtime.setMocks` in place of the engine. Started by run.ts, one process per scenario.
 *
 * Why a process of its own: vitest transforms the modules it loads, and Pulumi's closure
 * serializer then serializes WebhookSubscription's provider from transformed function texts
 * (under mocks, a failure there is only an unhandled rejection and outputs never resolve). And
 * the Pulumi runtime's state (config, mocks, the registered resources) is per process.
 *
 * Records every RegisterResourceRequest as the engine would receive it (type, name, parent,
 * dependencies, provider, options, inputs with secrets still marked), resolves the program's
 * exports, and writes a Report (types.ts) to the scenario's reportFile on exit.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { mocks } from "./mocks";
import type { RegisteredResource, Report, Scenario, StackOutput } from "./types";

const PROJECT_ROOT = path.resolve(__dirname, "../../..");
const scenario = JSON.parse(process.env.STACK_SCENARIO ?? "") as Scenario;
const report: Report = { resources: [], outputs: {}, unhandled: [] };

process.on("unhandledRejection", (reason) => {
  report.unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
});

pulumi.runtime.setAllConfig(scenario.config, scenario.secretKeys);
void pulumi.runtime.setMocks(mocks, "calendly-webhooks", scenario.stack, scenario.preview);

// The request objects are protobuf messages from @pulumi/pulumi/proto; only the getters used here.
interface StructLike {
  toJavaScript(): Record<string, unknown>;
}
interface ProtoMap<V> {
  forEach(callback: (value: V, key: string) => void): void;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): StructLike | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): ProtoMap<{ getUrnsList(): string[] }>;
  getProvider(): string;
  getProvidersMap(): ProtoMap<string>;
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getAliasesList(): { toObject(): unknown }[];
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): StructLike | undefined;
}
type Callback = (error: unknown, response?: RegisterResponse) => void;
interface Monitor {
  registerResource(req: RegisterRequest, callback: Callback): unknown;
}

const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
if (scenario.clientSideAliases) answerWithoutAliasSpecs(monitor as unknown as MockMonitor);
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, callback) =>
  register(req, (error, response) => {
    if (!error && response) {
      const inputs = req.getObject()?.toJavaScript() ?? {};
      const hasDynamicProvider = typeof inputs.__provider === "string";
      delete inputs.__provider;
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps, key) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const providers: Record<string, string> = {};
      req.getProvidersMap().forEach((ref, key) => {
        providers[key] = ref;
      });
      const resource: RegisteredResource = {
        urn: response.getUrn(),
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        provider: req.getProvider(),
        providers,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        aliases: req.getAliasurnsList(),
        aliasSpecs: req.getAliasesList().map((alias) => alias.toObject()),
        inputs,
        hasDynamicProvider,
        state: response.getObject()?.toJavaScript() ?? {},
        id: response.getId(),
      };
      report.resources.push(resource);
    }
    callback(error, response);
  });

/** What `clientSideAliases` changes in Pulumi's MockMonitor (sdk/nodejs/runtime/mocks.ts). */
interface MockMonitor {
  newUrn(parent: string, type: string, name: string): string;
  getDeploymentInfo(req: unknown, callback: (error: unknown, response?: DeploymentInfo) => void): void;
  supportsFeature(req: { getId(): string }, callback: (error: unknown, response?: unknown) => void): void;
}
interface DeploymentInfo {
  getSupportedfeaturesList(): number[];
  setSupportedfeaturesList(features: number[]): void;
}

/**
 * The mock monitor as an engine without alias specs: the SDK then computes every alias itself, as
 * a URN. And, as the engine does, a URN leaves the root stack out of its parents' types (the mock
 * monitor would write `pulumi:pulumi:Stack$` into every URN of a program run in a root stack).
 */
function answerWithoutAliasSpecs(mock: MockMonitor): void {
  const { ResourceMonitorFeature } = require("@pulumi/pulumi/proto/resource_pb") as {
    ResourceMonitorFeature: { RESOURCE_MONITOR_FEATURE_ALIAS_SPECS: number };
  };
  const info = mock.getDeploymentInfo.bind(mock);
  mock.getDeploymentInfo = (req, callback) =>
    info(req, (error, response) => {
      response?.setSupportedfeaturesList(
        response
          .getSupportedfeaturesList()
          .filter((f) => f !== ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS),
      );
      callback(error, response);
    });
  const supports = mock.supportsFeature.bind(mock);
  mock.supportsFeature = (req, callback) =>
    req.getId() === "aliasSpecs" ? callback(null, { getHassupport: () => false }) : supports(req, callback);
  const newUrn = mock.newUrn.bind(mock);
  mock.newUrn = (parent, type, name) =>
    newUrn(parent.split("::")[2] === "pulumi:pulumi:Stack" ? "" : parent, type, name);
}

async function resolveOutput(value: unknown): Promise<StackOutput> {
  if (!pulumi.Output.isInstance(value)) return { value, secret: false };
  const output = value as pulumi.Output<unknown>;
  const [resolved, secret] = await Promise.all([
    new Promise<unknown>((resolve) => output.apply(resolve)),
    pulumi.isSecret(output),
  ]);
  return { value: resolved, secret };
}

async function run(): Promise<void> {
  // Loaded after the mocks and the config, as the language host loads the program.
  const load = () =>
    require(path.join(scenario.programDir ?? PROJECT_ROOT, "index.ts")) as Record<string, unknown>;
  let program: Record<string, unknown> = {};
  if (scenario.clientSideAliases) {
    await pulumi.runtime.runInPulumiStack(async () => {
      program = load();
    });
  } else {
    program = load();
  }
  for (const [name, value] of Object.entries(program)) {
    if (value === undefined) continue;
    report.outputs[name] = await resolveOutput(value);
  }
}

run().catch((error: unknown) => {
  report.error =
    error instanceof Error
      ? { name: error.name, message: error.message }
      : { name: "Error", message: String(error) };
});

let written = false;
process.on("beforeExit", () => {
  if (written) return;
  written = true;
  report.resources.sort((a, b) => a.urn.localeCompare(b.urn));
  writeFileSync(scenario.reportFile, JSON.stringify(report, null, 2));
});
