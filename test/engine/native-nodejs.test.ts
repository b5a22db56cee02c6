/**
 * The native provider from TypeScript through its generated SDK, run by the real CLI against the
 * emulator: the five steps of support/native-lifecycle.ts. The program
 * (test/engine/programs/native-nodejs) is copied into a folder outside the repository, where the
 * SDK (sdk/nodejs) is built and installed as npm would install the published package, beside
 * @pulumi/pulumi, TypeScript and ts-node from the repository; the program is typechecked against it.
 * It marks its URL with the SDK's `markedUrlOutput` (the schema's markedUrl function, computed by
 * the plugin).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { installNodejsSdk, linkRepositoryPackages, nativePrograms } from "./support/native";
import { describeNativeLifecycle, LIFECYCLE_KEY } from "./support/native-lifecycle";
import { engineScenario } from "./support/scenario";

const SOURCE = join(__dirname, "programs", "native-nodejs");
const scenario = engineScenario();
const program = nativePrograms(scenario);

const source = (file: string) => readFileSync(join(SOURCE, file), "utf8");

describeNativeLifecycle("a TypeScript program on the generated SDK", scenario, async (receiverUrl) => {
  const stack = await program("nodejs-sdk", source("Pulumi.yaml"), {
    files: Object.fromEntries(["index.ts", "package.json", "tsconfig.json"].map((f) => [f, source(f)])),
  });
  linkRepositoryPackages(stack.dir, ["@pulumi", "@types", "typescript", "ts-node"]);
  installNodejsSdk(stack.dir);
  // The program typechecks against the SDK's declarations (Pulumi runs it transpile-only).
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", stack.dir], {
    stdio: "pipe",
  });
  const ws = stack.ws;
  await ws.setConfig("receiverUrl", receiverUrl);
  await ws.setConfig("events", JSON.stringify(["invitee.created"]));
  await ws.setConfig("signingKey", LIFECYCLE_KEY, { secret: true });
  return { ws, declareEvents: (events) => ws.setConfig("events", JSON.stringify(events)) };
});
