/**
 * `CalendlyWebhookReceiver`: everything on AWS that receives Calendly's deliveries.
 *
 *   HTTP API ── POST <routePath> ──▶ Lambda ──▶ EventBridge bus (+ archive)
 *                                      │  └──▶ S3 claim-check bucket (large payloads)
 *                                      └── reads signing keys from an SSM SecureString
 *
 * Shaped like pulumi-awsx's components: one required argument (the signing keys), every setting
 * optional with its default (settings.ts), every child resource a public readonly property to
 * attach rules, alarms or policies to, and the outputs registered. `monitor()` adds the watchdog and
 * the alarms once the subscriptions exist (monitoring.ts says why it is a method).
 *
 * `readiness` lists what a subscription must wait for: Calendly may deliver as soon as a
 * subscription exists, so the route, stage, integration, invoke permission, function and keys
 * must exist before it (and, on destroy, outlive it).
 *
 * Its type token and its children's names are part of every child's URN: a change to either
 * replaces the resources, unless aliased. `FORMER_RECEIVER_TYPES` and docs/deployment.md
 * ("Renaming without replacing") are the plan for that day.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tokenPutCommand, watchdogTokenParameterName } from "../watchdog-token";
import { receiverApi } from "./api";
import { claimCheckBucket } from "./claim-check";
import { type ReceiverCode, receiverCode } from "./code";
import { receiverEvents } from "./events";
import { receiverFunction } from "./function";
import { declareMonitoring, type ReceiverMonitoring, type ReceiverMonitoringArgs } from "./monitoring";
import { checkMonitoringSettings, type MonitoringSettings } from "./monitoring-settings";
import {
  checkReceiverSettings,
  type ReceiverSettings,
  type ResolvedReceiverSettings,
  type SettingsCheck,
} from "./settings";

export type { ReceiverCode } from "./code";
export type {
  ReceiverAlarms,
  ReceiverMonitoring,
  ReceiverMonitoringArgs,
  ReceiverWatchdog,
} from "./monitoring";
export { MONITORING_DEFAULTS, type MonitoringSettings } from "./monitoring-settings";
export { RECEIVER_DEFAULTS, type ReceiverSettings } from "./settings";

export const RECEIVER_TYPE = "calendly-webhooks:receiver:CalendlyWebhookReceiver";
/**
 * Every type token this component was deployed under before `RECEIVER_TYPE`, oldest first: each
 * becomes an alias, so a stack deployed under an old token keeps every child (and so the API, the
 * URL and the subscriptions) in place. Never remove one.
 */
export const FORMER_RECEIVER_TYPES: readonly string[] = [];

export interface CalendlyWebhookReceiverArgs extends ReceiverSettings {
  /**
   * Every signing key the receiver accepts, as `formatSigningKeys` (lambda/keys.ts) writes them:
   * the key parameter's value, stored as a SecureString. Secret.
   */
  signingKeys: pulumi.Input<string>;
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
  /** The settings in effect, defaults filled in. */
  readonly settings: ResolvedReceiverSettings;

  /** The HTTP API Calendly posts to. */
  readonly api: aws.apigatewayv2.Api;
  /** The API's `$default` stage: auto-deployed, throttled, access-logged. */
  readonly stage: aws.apigatewayv2.Stage;
  /** `POST <routePath>`, the API's one route. */
  readonly route: aws.apigatewayv2.Route;
  /** The Lambda proxy integration (payload format 2.0) behind the route. */
  readonly integration: aws.apigatewayv2.Integration;
  /** Lets this API's route, and nothing else, invoke the function. */
  readonly invokePermission: aws.lambda.Permission;
  /** The stage's access logs (one JSON line per request, no headers). */
  readonly accessLogGroup: aws.cloudwatch.LogGroup;
  /** The receiver function: verifies each delivery and puts it on the bus. */
  readonly fn: aws.lambda.Function;
  /** The function's role, and its least-privilege policy (policy.ts). */
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  /** The function's own log group, with the configured retention. */
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** Where verified deliveries go: attach your rules here. */
  readonly bus: aws.cloudwatch.EventBus;
  /** Every event on the bus, for replay. */
  readonly archive: aws.cloudwatch.EventArchive;
  /** The SecureString holding `signingKeys`. */
  readonly keyParameter: aws.ssm.Parameter;
  /** Large payloads, referenced from their events (private, encrypted, expiring). */
  readonly claimCheckBucket: aws.s3.Bucket;
  /** The bucket's settings, each a resource of its own. */
  readonly claimCheckBucketSettings: {
    readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    readonly ownership: aws.s3.BucketOwnershipControls;
    readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
    readonly lifecycle: aws.s3.BucketLifecycleConfiguration;
  };

  private readonly receiverName: string;
  private declaredMonitoring?: ReceiverMonitoring;

  constructor(name: string, args: CalendlyWebhookReceiverArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const settings = judged(name, "receiver", checkReceiverSettings, args);
    const aliases = withFormerTypes(opts.aliases);
    super(RECEIVER_TYPE, name, {}, aliases.length > 0 ? { ...opts, aliases } : opts);
    this.receiverName = name;
    this.settings = settings;
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
    const events = receiverEvents(name, { archiveRetentionDays: settings.archiveRetentionDays }, this);
    const claims = claimCheckBucket(
      name,
      { retentionDays: settings.claimCheckRetentionDays, formerNames: formerNames(opts.aliases) },
      this,
    );
    const fn = receiverFunction(
      name,
      {
        code: args.code ?? receiverCode(stack),
        memoryMb: settings.lambdaMemoryMb,
        logRetentionDays: settings.logRetentionDays,
        logLevel: settings.logLevel,
        signatureToleranceSeconds: settings.signatureToleranceSeconds,
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
        routePath: settings.routePath,
        functionArn: fn.fn.arn,
        functionName: fn.fn.name,
        throttleRateLimit: settings.throttleRateLimit,
        throttleBurstLimit: settings.throttleBurstLimit,
        logRetentionDays: settings.logRetentionDays,
      },
      this,
    );

    this.api = api.api;
    this.stage = api.stage;
    this.route = api.route;
    this.integration = api.integration;
    this.invokePermission = api.permission;
    this.accessLogGroup = api.accessLogs;
    this.fn = fn.fn;
    this.role = fn.role;
    this.rolePolicy = fn.rolePolicy;
    this.logGroup = fn.logGroup;
    this.bus = events.bus;
    this.archive = events.archive;
    this.keyParameter = keyParameter;
    this.claimCheckBucket = claims.bucket;
    this.claimCheckBucketSettings = {
      publicAccessBlock: claims.publicAccessBlock,
      ownership: claims.ownership,
      encryption: claims.encryption,
      lifecycle: claims.lifecycle,
    };

    this.webhookUrl = api.webhookUrl;
    this.apiEndpoint = api.api.apiEndpoint;
    this.busName = events.bus.name;
    this.busArn = events.bus.arn;
    this.archiveName = events.archive.name;
    this.keyParameterName = keyParameter.name;
    this.claimCheckBucketName = claims.bucket.bucket;
    this.functionName = fn.fn.name;
    this.readiness = [
      keyParameter,
      fn.rolePolicy,
      fn.fn,
      api.integration,
      api.route,
      api.stage,
      api.permission,
    ];

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

  /** The watchdog and the alarms, once `monitor()` declared them. */
  get monitoring(): ReceiverMonitoring | undefined {
    return this.declaredMonitoring;
  }

  /**
   * Declares the watchdog (a scheduled function that checks every subscription at Calendly) and
   * the alarms on it and on the receiver, all notifying one SNS topic, as children of this
   * component. Call it once, after the subscriptions.
   */
  monitor(args: ReceiverMonitoringArgs): ReceiverMonitoring {
    if (this.declaredMonitoring) {
      throw new pulumi.ResourceError("monitor() was already called for this receiver", this);
    }
    if ("calendlyToken" in args) {
      // The argument of releases up to 0.2.0, which put the token into a resource, so into the state.
      throw new pulumi.RunError(
        `CalendlyWebhookReceiver "${this.receiverName}".monitor(): args.calendlyToken is no longer taken: a token ` +
          "in a resource input is stored in Pulumi's state. Remove it; the watchdog reads the token from SSM " +
          `parameter ${watchdogTokenParameterName(pulumi.getProject(), pulumi.getStack())}: put it there with ` +
          `\`${tokenPutCommand(pulumi.getStack())}\`.`,
      );
    }
    const settings = judged(this.receiverName, "monitor", checkMonitoringSettings, args);
    this.declaredMonitoring = declareMonitoring(
      { name: this.receiverName, component: this, functionName: this.functionName, settings: this.settings },
      args,
      settings,
    );
    return this.declaredMonitoring;
  }
}

/**
 * The settings in `args`, judged by `check`, with their defaults; a `RunError` naming every bad
 * one (`args.<setting>`) otherwise, before anything is declared.
 */
function judged<K extends keyof ReceiverSettings | keyof MonitoringSettings, R>(
  name: string,
  call: "receiver" | "monitor",
  check: (c: SettingsCheck<K>) => R,
  args: Readonly<Partial<Record<K, unknown>>>,
): R {
  const problems: string[] = [];
  const settings = check({ given: args, problem: (key, message) => problems.push(`args.${key} ${message}`) });
  if (problems.length > 0) {
    const what =
      call === "receiver"
        ? `CalendlyWebhookReceiver "${name}"`
        : `CalendlyWebhookReceiver "${name}".monitor()`;
    throw new pulumi.RunError(`${what}:${problems.map((p) => `\n  - ${p}`).join("")}`);
  }
  return settings;
}

/**
 * `aliases` plus one per former type token, and each alias object given combined with each former
 * token too: a stack still under an old token and an old name (both changed since) matches as well.
 */
export function withFormerTypes(
  aliases: pulumi.ComponentResourceOptions["aliases"] = [],
  formers: readonly string[] = FORMER_RECEIVER_TYPES,
): pulumi.Input<string | pulumi.Alias>[] {
  const combined = aliases.flatMap((alias) =>
    isPlainAlias(alias) && alias.type === undefined ? formers.map((type) => ({ ...alias, type })) : [],
  );
  return [...aliases, ...formers.map((type) => ({ type })), ...combined];
}

/** The names in `aliases` given as plain strings. */
function formerNames(aliases: pulumi.ComponentResourceOptions["aliases"] = []): string[] {
  return aliases.flatMap((alias) =>
    isPlainAlias(alias) && typeof alias.name === "string" ? [alias.name] : [],
  );
}

/** An `Alias` given as a plain object (not a URN, an Output or a promise of one). */
function isPlainAlias(alias: pulumi.Input<string | pulumi.Alias>): alias is pulumi.Alias {
  return typeof alias === "object" && !pulumi.Output.isInstance(alias) && !(alias instanceof Promise);
}
