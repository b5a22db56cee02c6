/**
 * A local stand-in for Amazon S3's PutObject and GetObject over the REST protocol, path-style
 * (`PUT /<bucket>/<key>`), as the SDK v3 client sends them when pointed at it with
 * `AWS_ENDPOINT_URL_S3=<url>` and `forcePathStyle: true`.
 *
 * Any bucket name is accepted. Bodies sent with `aws-chunked` content encoding (the SDK's streaming
 * checksums) are decoded, and a CRC32 checksum header, when present, is checked.
 */
import { crc32 } from "node:zlib";
import { FaultQueue, isSigned, listen, requestId, type StubListenOptions } from "./http";

export interface StoredObject {
  bucket: string;
  key: string;
  body: Buffer;
  contentType: string | undefined;
  metadata: Record<string, string>;
  /** How many times this key was written (idempotent writers overwrite). */
  writes: number;
}

export type S3Fault = { type: "outage"; status?: number } | { type: "slowdown" };

export interface S3Stub {
  /** Base URL for `AWS_ENDPOINT_URL_S3`. */
  url: string;
  /** Objects by `"<bucket>/<key>"`. */
  readonly objects: Map<string, StoredObject>;
  getObject(bucket: string, key: string): StoredObject | undefined;
  /** Number of PutObject requests received (any outcome). */
  readonly putCount: number;
  injectFaults(fault: S3Fault, times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

function xmlError(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId()}</RequestId></Error>`;
}

/** Decodes `aws-chunked`: `<hex size>[;chunk-signature=..]\r\n<data>\r\n` ... `0\r\n<trailers>\r\n\r\n`. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", offset);
    if (lineEnd < 0) throw new Error("aws-chunked: no chunk header");
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString("latin1").split(";")[0]!, 16);
    if (!Number.isFinite(size)) throw new Error("aws-chunked: bad chunk size");
    offset = lineEnd + 2;
    if (size === 0) return Buffer.concat(parts);
    parts.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
}

export async function startS3Stub(options: StubListenOptions = {}): Promise<S3Stub> {
  const objects = new Map<string, StoredObject>();
  const faults = new FaultQueue<S3Fault>();
  let putCount = 0;

  const server = await listen((req, res, raw) => {
    const url = new URL(req.url ?? "/", "http://stub");
    const [, bucket = "", ...keyParts] = url.pathname.split("/");
    const key = keyParts.map((part) => decodeURIComponent(part)).join("/");
    const send = (status: number, body: string | Buffer = "", headers: Record<string, string> = {}) => {
      res.writeHead(status, { "x-amz-request-id": requestId(), ...headers });
      res.end(body);
    };
    if (!bucket || !key) return send(400, xmlError("InvalidRequest", "path-style /<bucket>/<key> expected"));
    if (!isSigned(req)) return send(403, xmlError("AccessDenied", "Access Denied"));
    if (req.method === "PUT") putCount += 1;
    const fault = faults.take();
    if (fault?.type === "slowdown")
      return send(503, xmlError("SlowDown", "Please reduce your request rate."));
    if (fault?.type === "outage") return send(fault.status ?? 500, xmlError("InternalError", "stub outage"));

    const id = `${bucket}/${key}`;
    if (req.method === "PUT") {
      const encoding = String(req.headers["content-encoding"] ?? "");
      const body = encoding.split(",").some((e) => e.trim() === "aws-chunked") ? decodeAwsChunked(raw) : raw;
      const checksum = req.headers["x-amz-checksum-crc32"];
      if (typeof checksum === "string") {
        const expected = Buffer.alloc(4);
        expected.writeUInt32BE(crc32(body));
        if (expected.toString("base64") !== checksum) {
          return send(
            400,
            xmlError("BadDigest", "The CRC32 you specified did not match the calculated checksum."),
          );
        }
      }
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (name.startsWith("x-amz-meta-") && typeof value === "string") metadata[name.slice(11)] = value;
      }
      objects.set(id, {
        bucket,
        key,
        body,
        contentType: req.headers["content-type"],
        metadata,
        writes: (objects.get(id)?.writes ?? 0) + 1,
      });
      return send(200, "", { etag: `"${crc32(body).toString(16)}"` });
    }
    if (req.method === "GET" || req.method === "HEAD") {
      const stored = objects.get(id);
      if (stored === undefined) return send(404, xmlError("NoSuchKey", "The specified key does not exist."));
      return send(200, req.method === "GET" ? stored.body : "", {
        "content-type": stored.contentType ?? "application/octet-stream",
        "content-length": String(stored.body.length),
      });
    }
    return send(405, xmlError("MethodNotAllowed", "stub supports PUT, GET and HEAD"));
  }, options);

  return {
    url: server.url,
    objects,
    getObject: (bucket, key) => objects.get(`${bucket}/${key}`),
    get putCount() {
      return putCount;
    },
    injectFaults: (fault, times = 1) => faults.add(fault, times),
    clearFaults: () => faults.clear(),
    close: () => server.close(),
  };
}
