/** A webhook receiver on 127.0.0.1 for tests: records every request and answers as scripted. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

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
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const webhook = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        raw: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      received.push(webhook);
      const answer = receiver.reply(received.length, webhook);
      if (answer === "hang") return;
      res.writeHead(answer.status, answer.headers);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/calendly`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}
