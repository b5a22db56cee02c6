/**
 * The whole system on loopback, wired as a deployed stack is: the Calendly emulator; Pulumi's own
 * dynamic-provider host running the serialized WebhookSubscription provider; the receiver (the
 * Lambda's handler behind the local HTTP adapter) reading its signing keys from an SSM parameter;
 * EventBridge, SSM and S3 stubs reached by the real AWS SDK.
 *
 * Used by `npm run dev` and by the end-to-end test. No account, nothing beyond 127.0.0.1.
 */
import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import { type Emulator, startEmulator } from "../../emulator/server";
import { watchdogTokenParameterName } from "../../infra/watchdog-token";
import { formatSigningKeys } from "../../lambda/signing-key-list";
import { createWatchdog, type WatchdogPass } from "../../lambda/watchdog";
import { type AwsStubs, startAwsStubs } from "../aws-stubs";
import { createEngine, type Engine } from "../pulumi-host/engine";
import { type DynamicProviderHost, startDynamicProviderHost } from "../pulumi-host/host";
import { PROJECT_ROOT, serializeWebhookSubscriptionProvider } from "../pulumi-host/serialize";
import { type LocalReceiver, startLocalReceiver } from "./receiver/server";

export const LOCAL_KEY_PARAMETER = "/calendly-webhooks/local/signing-keys";
/** The watchdog's token parameter, named as the stack names it (`calendly-webhooks token put` writes it). */
export const LOCAL_TOKEN_PARAMETER = watchdogTokenParameterName("calendly-webhooks", "local");
export const LOCAL_BUS_NAME = "calendly-local";
/** The emulator's seeded owner (paid plan): every event is available to it. */
export const LOCAL_TOKEN = "emu-owner-token";

export interface LocalStackOptions {
  emulatorPort?: number;
  receiverPort?: number;
  /** Seconds between forced key re-reads after a failed signature (the Lambda's default is 60). */
  keysRefreshSeconds?: number;
  /** How fast the emulator retries failed deliveries, and when it gives up. */
  delivery?: { retryInitialMs?: number; retryMaxMs?: number; retryWindowMs?: number };
  /** Receiver log level; SILENT keeps a terminal readable. */
  receiverLogLevel?: string;
  emulatorLog?: (line: string) => void;
  /**
   * Other AWS services for the receiver (moto, in `npm run test:moto`) instead of the stubs; the
   * stubs still start, unused, so `aws` is always there.
   */
  receiverAws?: ReceiverAws;
}

/** Where the receiver's AWS calls go when not to the stubs. */
export interface ReceiverAws {
  /** Endpoints, region and credentials for the receiver. */
  env: Record<string, string>;
  busName: string;
  bucket: string;
  /** Writes the signing-key parameter (`LOCAL_KEY_PARAMETER`). */
  putKeys(text: string): Promise<void>;
}

export interface LocalStack {
  emulator: Emulator;
  aws: AwsStubs;
  host: DynamicProviderHost;
  engine: Engine;
  /** The webhook URL subscriptions point at (stable across receiver restarts). */
  receiverUrl: string;
  /** Stops the receiver (deliveries then fail and the emulator retries). */
  stopReceiver(): Promise<void>;
  /** Starts it again on the same port. */
  startReceiver(): Promise<void>;
  /** What the stack's SSM parameter holds: every key in use. */
  setSigningKeys(keys: readonly string[]): Promise<void>;
  /** One pass of the watchdog's code over `watched` (name → URI), its token read from the SSM stub. */
  runWatchdog(watched: Record<string, string>): Promise<WatchdogPass>;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const serialized = serializeWebhookSubscriptionProvider();
  const emulator = await startEmulator({
    port: options.emulatorPort ?? 0,
    delivery: { retryInitialMs: 200, retryMaxMs: 1_000, retryWindowMs: 60_000, ...options.delivery },
    log: options.emulatorLog,
  });
  const aws = await startAwsStubs();
  const receiverAws: ReceiverAws = options.receiverAws ?? {
    env: aws.env,
    busName: LOCAL_BUS_NAME,
    bucket: "calendly-local-claim-check",
    putKeys: async (text) => void aws.ssm.putParameter(LOCAL_KEY_PARAMETER, text),
  };
  await receiverAws.putKeys(formatSigningKeys([]));
  aws.ssm.putParameter(LOCAL_TOKEN_PARAMETER, LOCAL_TOKEN);

  const receiverEnv: Record<string, string> = {
    ...receiverAws.env,
    EVENT_BUS_NAME: receiverAws.busName,
    CLAIM_CHECK_BUCKET: receiverAws.bucket,
    CALENDLY_SIGNING_KEY_PARAMETER: LOCAL_KEY_PARAMETER,
    SIGNING_KEYS_REFRESH_SECONDS: String(options.keysRefreshSeconds ?? 1),
    POWERTOOLS_LOG_LEVEL: options.receiverLogLevel ?? "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
  let receiver: LocalReceiver | undefined = await startLocalReceiver({
    port: options.receiverPort ?? 0,
    env: receiverEnv,
  });
  const receiverUrl = receiver.url;
  const receiverPort = Number(new URL(receiverUrl).port);

  const env = { ...process.env };
  delete env.CALENDLY_TOKEN;
  const host = await startDynamicProviderHost({
    cwd: PROJECT_ROOT,
    env,
    type: WEBHOOK_SUBSCRIPTION_TYPE,
  });
  await host.configure({ "calendly:token": LOCAL_TOKEN, "calendly:apiUrl": emulator.url });
  const engine = createEngine(host, (await serialized).provider);

  return {
    emulator,
    aws,
    host,
    engine,
    receiverUrl,
    async stopReceiver() {
      await receiver?.close();
      receiver = undefined;
    },
    async startReceiver() {
      receiver ??= await startLocalReceiver({ port: receiverPort, env: receiverEnv });
    },
    setSigningKeys: (keys) => receiverAws.putKeys(formatSigningKeys(keys)),
    runWatchdog(watched) {
      const watchdog = createWatchdog({
        env: {
          ...aws.env,
          WATCHED_SUBSCRIPTIONS: JSON.stringify(watched),
          CALENDLY_TOKEN_PARAMETER: LOCAL_TOKEN_PARAMETER,
          CALENDLY_API_URL: emulator.url,
          POWERTOOLS_LOG_LEVEL: options.receiverLogLevel ?? "SILENT",
          POWERTOOLS_METRICS_DISABLED: "true",
        },
      });
      return watchdog.run();
    },
    async close() {
      await host.close();
      await receiver?.close();
      await aws.close();
      await emulator.close();
    },
  };
}
