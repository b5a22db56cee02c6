/**
 * The claim-check bucket: deliveries too large for one EventBridge entry are stored here and the
 * event carries their location. Private (public access blocked, ACLs disabled), encrypted, and
 * emptied by a lifecycle rule; `forceDestroy` so `pulumi destroy` can delete it with objects in it.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface ClaimCheckArgs {
  retentionDays: number;
}

/** S3 bucket names: lowercase letters, digits and dashes only. */
export function bucketLogicalName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}-claim-checks`;
}

export function claimCheckBucket(name: string, args: ClaimCheckArgs, parent: pulumi.Resource) {
  const bucket = new aws.s3.Bucket(bucketLogicalName(name), { forceDestroy: true }, { parent });
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${name}-claim-checks-private`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-claim-checks-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    { parent },
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-claim-checks-encryption`,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    },
    { parent },
  );
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}-claim-checks-expiry`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-claim-checks",
          status: "Enabled",
          filter: {},
          expiration: { days: args.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { parent },
  );
  return { bucket, publicAccessBlock, ownership, encryption, lifecycle };
}
