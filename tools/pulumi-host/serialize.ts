/**
 * `__provider` for WebhookSubscription, produced by Pulumi's own closure serializer in a separate
 * ts-node process (see serialize-main.ts): a test runner's module transforms (vitest's, tsx's)
 * would change the function texts Pulumi serializes, so the program's real path is used instead.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { ensurePackageBuilt } from "../package/build";

export interface SerializedProvider {
  type: string;
  provider: string;
  additionalSecretOutputs: string[];
  inputKeys: string[];
}

export const PROJECT_ROOT = path.resolve(__dirname, "../..");

const cache = new Map<string, Promise<SerializedProvider>>();

/**
 * @param env environment of the serializing process (e.g. a CALENDLY_TOKEN or PULUMI_CONFIG that
 *   must not end up in the result).
 */
export function serializeWebhookSubscriptionProvider(
  env: NodeJS.ProcessEnv = {},
): Promise<SerializedProvider> {
  const key = JSON.stringify(env);
  let pending = cache.get(key);
  if (!pending) {
    // The shim it produces runs the package's dist/ in the host: make sure that is current.
    ensurePackageBuilt();
    pending = promisify(execFile)(
      process.execPath,
      ["-r", "ts-node/register", path.join(__dirname, "serialize-main.ts")],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          TS_NODE_TRANSPILE_ONLY: "true",
          TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json"),
          ...env,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).then(({ stdout }) => JSON.parse(stdout.trim().split("\n").pop()!) as SerializedProvider);
    cache.set(key, pending);
  }
  return pending;
}
