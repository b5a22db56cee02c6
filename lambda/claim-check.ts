/**
 * The claim check: a delivery too large for one EventBridge entry is stored in S3 and the event
 * carries the object's location instead of the payload. Nothing is dropped for size.
 *
 * The key is derived from the delivery id (SHA-256 of the body), so Calendly's retries of the same
 * delivery, and our own retries, overwrite the same object: the write is idempotent.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { PayloadRef } from "./detail";

export const CLAIM_CHECK_PREFIX = "calendly/";

export function claimCheckKey(id: string): string {
  return `${CLAIM_CHECK_PREFIX}${id}.json`;
}

export interface ClaimCheck {
  /** Stores the raw body (the whole envelope, bytes as received) under the delivery id. */
  store(id: string, body: Uint8Array, abortSignal: AbortSignal): Promise<PayloadRef>;
}

export function createClaimCheck(s3: () => S3Client, bucket: string): ClaimCheck {
  return {
    async store(id, body, abortSignal) {
      const key = claimCheckKey(id);
      await s3().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: "application/json",
          // Lets a consumer check the object against the event's id.
          Metadata: { "calendly-delivery-id": id },
        }),
        { abortSignal },
      );
      return { bucket, key };
    },
  };
}
