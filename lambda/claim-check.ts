/**
 * The claim check: a delivery that cannot travel in one EventBridge entry (too large, too deeply
 * nested to serialize, or not a JSON envelope at all) is stored in S3 as the raw bytes received,
 * and the event carries the object's location instead of the payload. Nothing authentic is dropped.
 *
 * The key is derived from the delivery id (SHA-256 of the body), so Calendly's retries of the same
 * delivery, and our own retries, overwrite the same object: the write is idempotent.
 *
 * S3 PutObject (REST, path-style with an endpoint override or a bucket name with dots, else
 * virtual-hosted) is sent by aws-request.ts; why not the S3 client: see there.
 */
import { type AwsCaller, endpointOverride, regionalEndpoint } from "./aws-request";
import type { Env } from "./config";
import type { PayloadRef } from "./detail";

export const CLAIM_CHECK_PREFIX = "calendly/";

/** `calendly/<id>.json` for envelopes, `calendly/unparsed/<id>` for bodies that are not one. */
export function claimCheckKey(id: string, kind: "envelope" | "unparsed" = "envelope"): string {
  return kind === "envelope" ? `${CLAIM_CHECK_PREFIX}${id}.json` : `${CLAIM_CHECK_PREFIX}unparsed/${id}`;
}

export interface ClaimCheck {
  /** Stores the raw body (bytes as received) under the delivery id. */
  store(
    id: string,
    body: Uint8Array,
    abortSignal: AbortSignal,
    kind?: "envelope" | "unparsed",
  ): Promise<PayloadRef>;
}

/** `<Error><Code>NoSuchBucket</Code>…` */
function xmlErrorCode(body: string): string | undefined {
  return /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(body)?.[1];
}

const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

export function createClaimCheck(call: AwsCaller, env: Env, bucket: string): ClaimCheck {
  const override = endpointOverride(env, "S3");
  // Virtual-hosted addressing is S3's default; a bucket name with dots would not match the TLS
  // certificate that way, and a local endpoint cannot serve "<bucket>.localhost".
  const pathStyle = override !== undefined || bucket.includes(".");
  return {
    async store(id, body, abortSignal, kind = "envelope") {
      const key = claimCheckKey(id, kind);
      await call(
        "s3",
        {
          method: "PUT",
          path: pathStyle ? `/${bucket}/${encodeKey(key)}` : `/${encodeKey(key)}`,
          headers: {
            "content-type": kind === "envelope" ? "application/json" : "application/octet-stream",
            "content-length": String(body.byteLength),
            // Lets a consumer check the object against the event's id.
            "x-amz-meta-calendly-delivery-id": id,
          },
          body,
        },
        {
          abortSignal,
          endpoint: (region) => {
            const base = new URL(override ?? regionalEndpoint(env, "s3", region));
            if (!pathStyle) base.hostname = `${bucket}.${base.hostname}`;
            return base;
          },
          errorCode: (answer) => xmlErrorCode(answer.body),
        },
      );
      return { bucket, key };
    },
  };
}
