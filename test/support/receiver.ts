/** A webhook receiver on 127.0.0.1 for tests: records every request and answers as scripted. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { listenOnLoopback, readRequestBody } from "../../tools/loopback-server";

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body bytes exactly as received. */
  raw: Buffer;
  receivedAt: number;
}

export type ReceiverReply =
  | { status: number; headers?: Record<string, string> }
  /** Never answer (the emulator's response timeout fires). */
  | "hang";

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides each answer; default 200. Receives the 1-based request number. */
  reply: (n: number, webhook: ReceivedWebhook) => ReceiverReply;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records what it gets and answers as scripted. */
export async function startReceiver(reply: Receiver["reply"] = () => ({ status: 200 })): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: Receiver = { url: "", received, reply, close: async () => undefined };
  const server = createServer((req, res) => {
    readRequestBody(req).then(
      (raw) => {
        const webhook = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          raw,
          receivedAt: Date.now(),
        };
        received.push(webhook);
        const answer = receiver.reply(received.length, webhook);
        if (answer === "hang") return;
        res.writeHead(answer.status, answer.headers);
        res.end("ok");
      },
      () => res.destroy(), // The sender gave up mid-body: nothing was received.
    );
  });
  const listening = await listenOnLoopback(server);
  receiver.url = `${listening.url}/calendly`;
  receiver.close = listening.close;
  return receiver;
}
