/**
 * The native provider from TypeScript through its generated SDK (sdk/nodejs, built and installed
 * into test/engine/programs/native-nodejs as npm would install the published package, and the
 * program typechecked against it), run by the real CLI against the emulator: the five steps of
 * support/native-lifecycle.ts. The program marks its URL with the SDK's `markedUrlOutput` (the
 * schema's markedUrl function, computed by the plugin).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll } from "vitest";
import { installNodejsSdk, PLUGIN_DIR } from "./support/native";
import { describeNativeLifecycle, LIFECYCLE_KEY } from "./support/native-lifecycle";
import { engineScenario } from "./support/scenario";

const PROGRAM = join(__dirname, "programs", "native-nodejs");
const scenario = engineScenario();

beforeAll(() => {
  installNodejsSdk(PROGRAM);
  // The program typechecks against the SDK's declarations (Pulumi runs it transpile-only).
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", PROGRAM], {
    stdio: "pipe",
  });
});

describeNativeLifecycle("a TypeScript program on the generated SDK", scenario, async (receiverUrl) => {
  const ws = await scenario.workspace("nodejs-sdk", { programDir: PROGRAM, extraPath: [PLUGIN_DIR] });
  await ws.setConfig("receiverUrl", receiverUrl);
  await ws.setConfig("events", JSON.stringify(["invitee.created"]));
  await ws.setConfig("signingKey", LIFECYCLE_KEY, { secret: true });
  return { ws, declareEvents: (events) => ws.setConfig("events", JSON.stringify(events)) };
});
