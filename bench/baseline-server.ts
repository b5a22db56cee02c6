/**
 * The throughput baseline: the minimal hand-written peer (bench/peer/handler.ts: HMAC, JSON.parse,
 * one PutEvents with the same SDK client) behind the same HTTP adapter as the local receiver
 * (tools/local/receiver/server.ts), so both do the same forwarding hop to the same EventBridge stub
 * and differ only in the handler. Runs as its own process (test/load/spawn.ts), configured by its
 * environment: `CALENDLY_SIGNING_KEYS`, `EVENT_BUS_NAME`, `AWS_ENDPOINT_URL_EVENTBRIDGE`, ...
 */

import { serveForParent } from "../test/load/spawn";
import { startLocalReceiver } from "../tools/local/receiver/server";
import { handler } from "./peer/handler";

startLocalReceiver({ handler })
  .then((server) => serveForParent(server.url, server.close))
  .catch((error: unknown) => {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
