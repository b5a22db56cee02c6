/**
 * `CalendlyWebhookReceiver`: everything on AWS that receives Calendly's deliveries.
 *
 *   HTTP API ── POST <routePath> ──▶ Lambda ──▶ EventBridge bus (+ archive)
 *                                      │  └──▶ S3 claim-check bucket (large payloads)
 *                                      └── reads signing keys from an SSM SecureString
 *
 * `readiness` lists what a subscription must wait for: Calendly may deliver as soon as a
 * subscription exists, so the route, stage, integration, invoke permission, function and keys
 * must exist before it (and, on destroy, outlive it).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { receiverApi } from "./api";
import { claimCheckBucket } from "./claim-check";
import { type ReceiverCode, receiverCode } from "./code";
import { receiverEvents } from "./events";
import { receiverFunction } from "./function";

export const RECEIVER_TYPE = "calendly-webhooks:receiver:CalendlyWebhookReceiver";

export interface CalendlyWebhookReceiverArgs {
  routePath: string;
  /** The key parameter's value (`formatSigningKeys` format). Stored as a SecureString. */
  signingKeys: pulumi.Input<string>;
  lambdaMemoryMb: number;
  logRetentionDays: number;
  archiveRetentionDays: number;
  claimCheckRetentionDays: number;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  signatureToleranceSeconds: number;
  logLevel: string;
  /** The function's code; by default the receiver bundle built for this stack. */
  code?: ReceiverCode;
}

export class CalendlyWebhookReceiver extends pulumi.ComponentResource {
  /** Where Calendly delivers: the API endpoint plus the route path. */
  readonly webhookUrl: pulumi.Output<string>;
  readonly apiEndpoint: pulumi.Output<string>;
  readonly busName: pulumi.Output<string>;
  readonly busArn: pulumi.Output<string>;
  readonly archiveName: pulumi.Output<string>;
  readonly keyParameterName: pulumi.Output<string>;
  readonly claimCheckBucketName: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  /** Resources a subscription must depend on (see the module comment). */
  readonly readiness: pulumi.Resource[];

  constructor(name: string, args: CalendlyWebhookReceiverArgs, opts?: pulumi.ComponentResourceOptions) {
    super(RECEIVER_TYPE, name, {}, opts);
    const stack = pulumi.getStack();

    const keyParameter = new aws.ssm.Parameter(
      `${name}-signing-keys`,
      {
        name: `/${pulumi.getProject()}/${stack}/signing-keys`,
        description: "Signing keys of this stack's Calendly webhook subscriptions (JSON array)",
        type: "SecureString",
        // aws/ssm, the AWS-managed key: see policy.ts for why the function needs no KMS grant.
        value: pulumi.secret(args.signingKeys),
      },
      { parent: this },
    );
    const events = receiverEvents(name, { archiveRetentionDays: args.archiveRetentionDays }, this);
    const claims = claimCheckBucket(name, { retentionDays: args.claimCheckRetentionDays }, this);
    const fn = receiverFunction(
      name,
      {
        code: args.code ?? receiverCode(stack),
        memoryMb: args.lambdaMemoryMb,
        logRetentionDays: args.logRetentionDays,
        logLevel: args.logLevel,
        signatureToleranceSeconds: args.signatureToleranceSeconds,
        busName: events.bus.name,
        busArn: events.bus.arn,
        keyParameterName: keyParameter.name,
        keyParameterArn: keyParameter.arn,
        claimCheckBucketName: claims.bucket.bucket,
        claimCheckBucketArn: claims.bucket.arn,
      },
      this,
    );
    const api = receiverApi(
      name,
      {
        routePath: args.routePath,
        functionArn: fn.fn.arn,
        functionName: fn.fn.name,
        throttleRateLimit: args.throttleRateLimit,
        throttleBurstLimit: args.throttleBurstLimit,
        logRetentionDays: args.logRetentionDays,
      },
      this,
    );

    this.webhookUrl = api.webhookUrl;
    this.apiEndpoint = api.api.apiEndpoint;
    this.busName = events.bus.name;
    this.busArn = events.bus.arn;
    this.archiveName = events.archive.name;
    this.keyParameterName = keyParameter.name;
    this.claimCheckBucketName = claims.bucket.bucket;
    this.functionName = fn.fn.name;
    this.readiness = [keyParameter, fn.policy, fn.fn, api.integration, api.route, api.stage, api.permission];

    this.registerOutputs({
      webhookUrl: this.webhookUrl,
      apiEndpoint: this.apiEndpoint,
      busName: this.busName,
      busArn: this.busArn,
      archiveName: this.archiveName,
      keyParameterName: this.keyParameterName,
      claimCheckBucketName: this.claimCheckBucketName,
    });
  }
}
