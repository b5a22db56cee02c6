/**
 * The local receiver (tools/local/receiver/server.ts, the Lambda's handler behind the HTTP adapter)
 * as a process of its own, configured by its environment exactly like `npm run receiver`: keys in
 * `CALENDLY_SIGNING_KEYS`, AWS endpoints in `AWS_ENDPOINT_URL_*`. Started by spawn.ts.
 */
import { startLocalReceiver } from "../../tools/local/receiver/server";
import { serveForParent } from "./spawn";

startLocalReceiver()
  .then((receiver) => serveForParent(receiver.url, receiver.close))
  .catch((error: unknown) => {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
