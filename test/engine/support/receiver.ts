/**
 * The receiver for real-engine scenarios, on loopback as `npm run dev` runs it
 * (tools/local/stack.ts): the Lambda's handler behind the local HTTP adapter
 * (tools/local/receiver/server.ts), reading its signing keys from the SSM stub and putting every
 * verified delivery on the EventBridge stub, both reached through the real AWS SDK.
 */
import type { CalendlyEventDetail } from "../../../lambda/detail";
import { formatSigningKeys } from "../../../lambda/signing-key-list";
import { startAwsStubs } from "../../../tools/aws-stubs";
import { startLocalReceiver } from "../../../tools/local/receiver/server";

const KEY_PARAMETER = "/calendly-webhooks/engine/signing-keys";

export interface EngineReceiver {
  /** The webhook URL (`http://127.0.0.1:<port>/calendly/webhooks`). */
  url: string;
  /** The `detail` of every event the receiver put on the bus, in order. */
  details(): CalendlyEventDetail[];
  /** Replaces the keys in the SSM parameter, as a deploy does; a failed signature makes the receiver re-read them. */
  setKeys(keys: readonly string[]): void;
  close(): Promise<void>;
}

/** A receiver that accepts deliveries signed with any of `keys`; `env` adds to the handler's settings. */
export async function startEngineReceiver(
  keys: readonly string[],
  env: Record<string, string> = {},
): Promise<EngineReceiver> {
  const aws = await startAwsStubs();
  aws.ssm.putParameter(KEY_PARAMETER, formatSigningKeys(keys));
  const receiver = await startLocalReceiver({
    env: {
      ...aws.env,
      EVENT_BUS_NAME: "calendly-engine",
      CLAIM_CHECK_BUCKET: "calendly-engine-claim-check",
      CALENDLY_SIGNING_KEY_PARAMETER: KEY_PARAMETER,
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
      ...env,
    },
  });
  return {
    url: receiver.url,
    details: () => aws.eventBridge.entries.map((e) => e.detail as CalendlyEventDetail),
    setKeys: (keys) => aws.ssm.putParameter(KEY_PARAMETER, formatSigningKeys(keys)),
    async close() {
      await receiver.close();
      await aws.close();
    },
  };
}
