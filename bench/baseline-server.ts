/**
 * The throughput baseline: a bare node:http server doing the least any verifying receiver must do
 * per delivery: read the body, parse `Calendly-Webhook-Signature`, HMAC-SHA256 over "<t>." + body,
 * compare in constant time, `JSON.parse`, answer 200 (401 on a bad signature). No framework, no
 * validation, no forwarding, no logs. Runs as its own process (test/load/spawn.ts); key from
 * `CALENDLY_SIGNING_KEYS` (one key).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serveForParent } from "../test/load/spawn";

const key = process.env.CALENDLY_SIGNING_KEYS ?? "";

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const header = String(req.headers["calendly-webhook-signature"] ?? "");
    const t = /(?:^|,)t=([0-9]+)/.exec(header)?.[1] ?? "";
    const v1 = Buffer.from(/(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1] ?? "", "hex");
    const digest = createHmac("sha256", key).update(`${t}.`).update(body).digest();
    if (v1.length !== digest.length || !timingSafeEqual(digest, v1)) {
      res.writeHead(401).end();
      return;
    }
    JSON.parse(body.toString("utf8"));
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"accepted"}');
  });
});
server.keepAliveTimeout = 1000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  serveForParent(
    `http://127.0.0.1:${port}/calendly/webhooks`,
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
});
