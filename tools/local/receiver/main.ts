/**
 * `npm run receiver [-- --port 4020 --host 127.0.0.1]`: the receiver on this machine.
 *
 * Forwarding goes to `AWS_ENDPOINT_URL_EVENTBRIDGE` when set; otherwise to an in-process
 * EventBridge stub that prints every event it gets (the "local sink"). Likewise, large events go
 * to `AWS_ENDPOINT_URL_S3` or to an in-process S3 stub. Keys: `CALENDLY_SIGNING_KEYS` (or an SSM
 * parameter through `CALENDLY_SIGNING_KEY_PARAMETER` and `AWS_ENDPOINT_URL_SSM`).
 */
import type { CalendlyEventDetail } from "../../../lambda/detail";
import { type AcceptedEntry, startEventBridgeStub, startS3Stub } from "../../aws-stubs";
import { type CommandLine, port, runProgram } from "../../command-line";
import { startLocalReceiver } from "./server";

const program = {
  name: "npm run receiver",
  help: `Usage: npm run receiver -- [--port <n>] [--host <address>]

The receiver's Lambda handler over HTTP on this machine, at /calendly/webhooks.

  --port <n>           TCP port (default 4020; 0 picks a free one)
  --host <address>     interface to listen on (default 127.0.0.1)
  --help               this text

Keys: CALENDLY_SIGNING_KEYS (or CALENDLY_SIGNING_KEY_PARAMETER with AWS_ENDPOINT_URL_SSM). Events
go to AWS_ENDPOINT_URL_EVENTBRIDGE, else to a local sink that prints them. See docs/receiver.md.`,
  options: {
    port: { type: "string", default: "4020" },
    host: { type: "string", default: "127.0.0.1" },
  },
} as const;

function describeEntry(accepted: AcceptedEntry): string {
  const detail = accepted.detail as Partial<CalendlyEventDetail>;
  const head = `[${accepted.receivedAt.toISOString()}] ${accepted.entry.DetailType} on ${accepted.entry.EventBusName} (id ${detail.id?.slice(0, 12)}…, ${detail.validation}${detail.payloadRef ? `, claim-checked to s3://${detail.payloadRef.bucket}/${detail.payloadRef.key}` : ""})`;
  return `${head}\n${JSON.stringify(detail, null, 2)}\n`;
}

async function main({ values }: CommandLine<typeof program.options>): Promise<void> {
  const listenPort = port("port", values.port);
  const env: Record<string, string> = {};
  const closers: (() => Promise<void>)[] = [];

  if (!process.env.AWS_ENDPOINT_URL_EVENTBRIDGE) {
    const sink = await startEventBridgeStub();
    sink.onEntry((entry) => process.stdout.write(describeEntry(entry)));
    env.AWS_ENDPOINT_URL_EVENTBRIDGE = sink.url;
    closers.push(sink.close);
    process.stderr.write(`receiver: EventBridge sink at ${sink.url} prints each event below\n`);
  }
  if (!process.env.AWS_ENDPOINT_URL_S3) {
    const s3 = await startS3Stub();
    env.AWS_ENDPOINT_URL_S3 = s3.url;
    closers.push(s3.close);
  }
  if (!process.env.CALENDLY_SIGNING_KEYS && !process.env.CALENDLY_SIGNING_KEY_PARAMETER) {
    process.stderr.write(
      "receiver: no signing key configured, so every delivery will get 401. " +
        "Set CALENDLY_SIGNING_KEYS to the key(s) your subscriptions were created with.\n",
    );
  }

  const receiver = await startLocalReceiver({ port: listenPort, host: values.host, env });
  closers.push(receiver.close);
  process.stdout.write(`receiver: listening; webhook URL ${receiver.url}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.all(closers.map((close) => close())).finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

runProgram(program, main);
