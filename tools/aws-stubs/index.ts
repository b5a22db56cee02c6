/**
 * Local HTTP stand-ins for the AWS services the receiver uses, for tests, `npm run receiver`,
 * end-to-end and load runs. Each is a real node:http server on loopback speaking the wire protocol
 * of the AWS SDK v3 client, so request serialization and signing are exercised; point a client at
 * one with `AWS_ENDPOINT_URL_<SERVICE>` plus dummy credentials and a region. See docs/receiver.md.
 */
export * from "./eventbridge";
export * from "./s3";
export * from "./ssm";

import { type EventBridgeStub, startEventBridgeStub } from "./eventbridge";
import type { StubListenOptions } from "./http";
import { type S3Stub, startS3Stub } from "./s3";
import { type SsmStub, startSsmStub } from "./ssm";

export type { StubListenOptions } from "./http";

export interface AwsStubs {
  eventBridge: EventBridgeStub;
  ssm: SsmStub;
  s3: S3Stub;
  /** `AWS_ENDPOINT_URL_*`, region and dummy credentials pointing the SDK at these stubs. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Dummy credentials and region: the SDK signs requests with them; the stubs only check it did. */
export const STUB_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
};

/** Starts all three stubs on loopback. */
export async function startAwsStubs(options: { host?: string } = {}): Promise<AwsStubs> {
  const listen: StubListenOptions = { host: options.host };
  const [eventBridge, ssm, s3] = await Promise.all([
    startEventBridgeStub(listen),
    startSsmStub(listen),
    startS3Stub(listen),
  ]);
  return {
    eventBridge,
    ssm,
    s3,
    env: {
      ...STUB_AWS_ENV,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_ENDPOINT_URL_S3: s3.url,
    },
    close: async () => {
      await Promise.all([eventBridge.close(), ssm.close(), s3.close()]);
    },
  };
}
