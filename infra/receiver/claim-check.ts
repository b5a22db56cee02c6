/**
 * The claim-check bucket: deliveries too large for one EventBridge entry are stored here and the
 * event carries their location. Private (public access blocked, ACLs disabled), encrypted, and
 * emptied by a lifecycle rule; `forceDestroy` so `pulumi destroy` can delete it with objects in it.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface ClaimCheckArgs {
  retentionDays: number;
  /** The component's former names (its `aliases`), for the bucket's own aliases: see below. */
  formerNames: readonly string[];
}

/** S3 bucket names: lowercase letters, digits and dashes only. */
export function bucketLogicalName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}-claim-checks`;
}

export function claimCheckBucket(name: string, args: ClaimCheckArgs, parent: pulumi.Resource) {
  // The one child whose name may not start with the component's (a stack named with capitals):
  // the engine then cannot derive its former name from the component's, so it is given here.
  const bucket = new aws.s3.Bucket(
    bucketLogicalName(name),
    { forceDestroy: true },
    { parent, aliases: args.formerNames.map((former) => ({ name: bucketLogicalName(former) })) },
  );
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
