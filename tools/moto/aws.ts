/**
 * What the receiver needs from AWS, created in moto with the real SDK clients: an EventBridge bus
 * whose events a rule copies to an SQS queue (so a test can read what reached the bus), an S3
 * claim-check bucket and an SSM SecureString parameter for the signing keys.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { type MotoServer, startMoto } from "./server";

export const MOTO_REGION = "us-east-1";

/** An event as EventBridge hands it to a target. */
export interface BusEvent {
  id: string;
  "detail-type": string;
  source: string;
  detail: Record<string, unknown>;
}

export interface MotoAws {
  moto: MotoServer;
  /** `AWS_ENDPOINT_URL`, region and dummy credentials for the receiver. */
  env: Record<string, string>;
  busName: string;
  bucket: string;
  putParameter(name: string, value: string): Promise<void>;
  /** Everything that reached the bus so far, in arrival order (drains the queue into a list). */
  busEvents(): Promise<BusEvent[]>;
  getObject(
    bucket: string,
    key: string,
  ): Promise<{ body: Buffer; contentType?: string; metadata?: Record<string, string> }>;
  close(): Promise<void>;
}

export async function startMotoAws(options: { busName?: string; bucket?: string } = {}): Promise<MotoAws> {
  const moto = await startMoto();
  const env = {
    AWS_ENDPOINT_URL: moto.url,
    AWS_REGION: MOTO_REGION,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
  };
  const common = {
    endpoint: moto.url,
    region: MOTO_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
  const events = new EventBridgeClient(common);
  const sqs = new SQSClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const ssm = new SSMClient(common);
  const busName = options.busName ?? "calendly-moto";
  const bucket = options.bucket ?? "calendly-moto-claim-checks";

  const bus = await events.send(new CreateEventBusCommand({ Name: busName }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: "calendly-bus-copy" }));
  const queueUrl = queue.QueueUrl!;
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  await events.send(
    new PutRuleCommand({
      Name: "all-calendly",
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: ["calendly"] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "all-calendly",
      EventBusName: busName,
      Targets: [{ Id: "queue", Arn: attributes.Attributes!.QueueArn! }],
    }),
  );
  if (!bus.EventBusArn) throw new Error("moto: CreateEventBus returned no ARN");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const seen: BusEvent[] = [];
  return {
    moto,
    env,
    busName,
    bucket,
    async putParameter(name, value) {
      await ssm.send(
        new PutParameterCommand({ Name: name, Value: value, Type: "SecureString", Overwrite: true }),
      );
    },
    async busEvents() {
      for (;;) {
        const received = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) return [...seen];
        for (const message of messages) seen.push(JSON.parse(message.Body!) as BusEvent);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    },
    async getObject(name, key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: name, Key: key }));
      return {
        body: Buffer.from(await object.Body!.transformToByteArray()),
        contentType: object.ContentType,
        metadata: object.Metadata,
      };
    },
    async close() {
      for (const client of [events, sqs, s3, ssm]) client.destroy();
      await moto.close();
    },
  };
}
