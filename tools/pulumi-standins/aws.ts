/**
 * What the real `aws` provider (pulumi-aws, bridged from terraform-provider-aws) does that the SDK
 * does not say: how it names, which property changes force a replacement (Terraform's `ForceNew`),
 * what ids and ARNs look like, and a few functions. Everything is by rule, per property name, with a
 * short table of the exceptions read from terraform-provider-aws's schemas; a type nobody listed gets
 * the general rules, so new resources in the program work without a change here.
 */
import type * as provider from "@pulumi/pulumi/provider";
import { type PropertyMap, reveal } from "./properties";
import type { ResourceSchema } from "./sdk-schema";
import { type PackageRules, type ProviderConfig, type ResourceCall, randomId } from "./standin";

export const ACCOUNT_ID = process.env.STANDINS_AWS_ACCOUNT_ID ?? "123456789012";

/** Terraform `ForceNew` arguments that hold for (almost) every resource: identities and parents. */
const REPLACED_EVERYWHERE = [
  "name",
  "namePrefix",
  "bucket",
  "bucketPrefix",
  "apiId",
  "restApiId",
  "region",
  "expectedBucketOwner",
];

/**
 * Per type, from terraform-provider-aws (internal/service/<service>/<resource>.go): more `ForceNew`
 * arguments, "all" for a resource with no Update at all, and `updatable` where an argument of the
 * general list can be changed in place.
 */
const TYPE_RULES: Record<string, { replaced?: readonly string[] | "all"; updatable?: readonly string[] }> = {
  "aws:apigatewayv2/api:Api": {
    replaced: ["protocolType", "routeKey", "target", "credentialsArn"],
    updatable: ["name"],
  },
  "aws:apigatewayv2/integration:Integration": { replaced: ["integrationType", "integrationSubtype"] },
  "aws:lambda/permission:Permission": { replaced: "all" },
  "aws:lambda/function:Function": { replaced: ["packageType"] },
  "aws:iam/rolePolicy:RolePolicy": { replaced: ["role"] },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { replaced: "all" },
  "aws:cloudwatch/logGroup:LogGroup": { replaced: ["logGroupClass"] },
  "aws:cloudwatch/eventBus:EventBus": { replaced: ["eventSourceName"] },
  "aws:cloudwatch/eventArchive:EventArchive": { replaced: ["eventSourceArn"] },
  "aws:cloudwatch/eventRule:EventRule": { replaced: ["eventBusName"] },
  "aws:cloudwatch/eventTarget:EventTarget": { replaced: ["rule", "eventBusName", "targetId"] },
  "aws:s3/bucket:Bucket": { replaced: ["objectLockEnabled", "bucketNamespace"] },
  "aws:sns/topic:Topic": { replaced: ["fifoTopic"] },
  "aws:sns/topicSubscription:TopicSubscription": { replaced: ["topic", "protocol", "endpoint"] },
  "aws:scheduler/schedule:Schedule": { replaced: ["groupName"] },
};

/** AWS's longest names (service quotas); Pulumi's auto-names are cut to fit. */
const NAME_LIMITS: Record<string, number> = {
  "aws:apigatewayv2/api:Api": 128,
  "aws:lambda/function:Function": 64,
  "aws:iam/role:Role": 64,
  "aws:iam/rolePolicy:RolePolicy": 128,
  "aws:cloudwatch/eventArchive:EventArchive": 48,
  "aws:cloudwatch/eventBus:EventBus": 256,
  "aws:cloudwatch/eventRule:EventRule": 64,
  "aws:cloudwatch/logGroup:LogGroup": 512,
  "aws:cloudwatch/metricAlarm:MetricAlarm": 255,
  "aws:s3/bucket:Bucket": 63,
  "aws:ssm/parameter:Parameter": 2048,
  "aws:sns/topic:Topic": 256,
  "aws:scheduler/schedule:Schedule": 64,
};

/** Types whose auto-name must be lowercase (S3 bucket names). */
const LOWERCASE_NAMES = new Set(["aws:s3/bucket:Bucket"]);

export function region(config: ProviderConfig, inputs: PropertyMap = {}): string {
  const own = inputs.region ?? config.region;
  if (typeof own === "string" && own !== "") return own;
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/** The explicit provider's `defaultTags.tags` (the SDK sends `defaultTags` as JSON text). */
function defaultTags(config: ProviderConfig): Record<string, string> {
  let value = config.defaultTags;
  if (typeof value === "string") value = JSON.parse(value) as unknown;
  const tags = (value as { tags?: Record<string, string> } | undefined)?.tags;
  return tags ?? {};
}

function str(value: unknown): string {
  const v = reveal(value);
  return typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v);
}

/** `EventArchive` → `event-archive`. */
function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

interface ArnParts {
  r: string;
  a: string;
  id: string;
  name: string;
  inputs: PropertyMap;
}

/** ARN formats from the AWS service authorization reference, by type. */
const ARNS: Record<string, (p: ArnParts) => string> = {
  "aws:apigatewayv2/api:Api": (p) => `arn:aws:apigateway:${p.r}::/apis/${p.id}`,
  "aws:apigatewayv2/stage:Stage": (p) =>
    `arn:aws:apigateway:${p.r}::/apis/${str(p.inputs.apiId)}/stages/${p.name}`,
  "aws:cloudwatch/logGroup:LogGroup": (p) => `arn:aws:logs:${p.r}:${p.a}:log-group:${p.name}`,
  "aws:cloudwatch/eventBus:EventBus": (p) => `arn:aws:events:${p.r}:${p.a}:event-bus/${p.name}`,
  "aws:cloudwatch/eventArchive:EventArchive": (p) => `arn:aws:events:${p.r}:${p.a}:archive/${p.name}`,
  "aws:cloudwatch/eventRule:EventRule": (p) => {
    const bus = str(p.inputs.eventBusName);
    return `arn:aws:events:${p.r}:${p.a}:rule/${bus && bus !== "default" ? `${bus}/` : ""}${p.name}`;
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (p) => `arn:aws:cloudwatch:${p.r}:${p.a}:alarm:${p.name}`,
  "aws:iam/role:Role": (p) => `arn:aws:iam::${p.a}:role${str(p.inputs.path) || "/"}${p.name}`,
  "aws:iam/policy:Policy": (p) => `arn:aws:iam::${p.a}:policy${str(p.inputs.path) || "/"}${p.name}`,
  "aws:lambda/function:Function": (p) => `arn:aws:lambda:${p.r}:${p.a}:function:${p.name}`,
  "aws:s3/bucket:Bucket": (p) => `arn:aws:s3:::${p.name}`,
  "aws:ssm/parameter:Parameter": (p) => `arn:aws:ssm:${p.r}:${p.a}:parameter/${p.name.replace(/^\//, "")}`,
  "aws:sns/topic:Topic": (p) => `arn:aws:sns:${p.r}:${p.a}:${p.name}`,
  "aws:sqs/queue:Queue": (p) => `arn:aws:sqs:${p.r}:${p.a}:${p.name}`,
  "aws:scheduler/schedule:Schedule": (p) =>
    `arn:aws:scheduler:${p.r}:${p.a}:schedule/${str(p.inputs.groupName) || "default"}/${p.name}`,
};

function genericArn(type: string, p: ArnParts): string {
  const [, module = "", , cls = ""] = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(type) ?? [];
  return `arn:aws:${module}:${p.r}:${p.a}:${kebab(cls)}/${p.name || p.id}`;
}

/** The name-like input a resource is known by (`name`, `bucket`, `statementId`, ...). */
function autoNameProperty(schema: ResourceSchema): string | undefined {
  if (schema.inputs.has("name")) return "name";
  // `bucket` + `bucketPrefix`, `statementId` + `statementIdPrefix`: the provider generates the first.
  return [...schema.inputs].find((p) => schema.inputs.has(`${p}Prefix`));
}

export const awsRules: PackageRules = {
  tracksExistence: true,

  autoNameProperty,

  autoName(call, property, inputs) {
    // pulumi-aws: `<logical name>-<7 random hex>`, or `<prefix><random>` when the program gives
    // `<property>Prefix`; cut to the type's limit, lowercased where AWS demands it.
    const prefix = inputs[`${property}Prefix`];
    const limit = NAME_LIMITS[call.type] ?? 255;
    const suffix = randomId(7, "0123456789abcdef");
    const base =
      typeof prefix === "string"
        ? `${prefix}${suffix}`.slice(0, limit)
        : `${call.name.slice(0, limit - suffix.length - 1)}-${suffix}`;
    return LOWERCASE_NAMES.has(call.type) ? base.toLowerCase() : base;
  },

  validate(call) {
    const failures: provider.CheckFailure[] = [];
    const property = autoNameProperty(call.schema);
    const limit = NAME_LIMITS[call.type];
    const name = property && call.inputs[property];
    if (limit && typeof name === "string" && name.length > limit) {
      failures.push({
        property: property!,
        reason: `${name} is ${name.length} characters; AWS allows ${limit}`,
      });
    }
    return failures;
  },

  replaceKeys(schema, changed) {
    const rules = TYPE_RULES[schema.token] ?? {};
    if (rules.replaced === "all") return [...changed];
    const replaced = new Set([...REPLACED_EVERYWHERE, ...(rules.replaced ?? [])]);
    for (const p of rules.updatable ?? []) replaced.delete(p);
    return changed.filter((p) => replaced.has(p));
  },

  create(call) {
    const id = newId(call);
    return { id, computed: computed(call, id) };
  },

  computed,

  invoke(token, args, config) {
    const r = region(config, args);
    switch (token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: ACCOUNT_ID,
          arn: `arn:aws:iam::${ACCOUNT_ID}:user/pulumi-standin`,
          userId: "AIDASTANDIN0000000000",
          id: ACCOUNT_ID,
        };
      case "aws:index/getRegion:getRegion":
        return { id: r, name: r, region: r, description: r, endpoint: `ec2.${r}.amazonaws.com` };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      case "aws:iam/getPolicyDocument:getPolicyDocument":
        return policyDocument(args);
      default:
        return undefined;
    }
  },
};

function newId(call: ResourceCall): string {
  const { type, inputs } = call;
  if (type === "aws:apigatewayv2/api:Api") return randomId(10);
  if (type === "aws:apigatewayv2/stage:Stage") return str(inputs.name);
  if (type.startsWith("aws:apigatewayv2/")) return randomId(7);
  if (type === "aws:iam/rolePolicy:RolePolicy") return `${str(inputs.role)}:${str(inputs.name)}`;
  const property = autoNameProperty(call.schema);
  for (const p of [property, "name", "bucket"]) {
    if (p && typeof inputs[p] === "string" && inputs[p] !== "") return str(inputs[p]);
  }
  return randomId(20, "0123456789abcdef");
}

/** The outputs AWS computes, by property name (and type where the format differs). */
function computed(call: ResourceCall, id: string): PropertyMap {
  const { type, schema, inputs, config } = call;
  const r = region(config, inputs);
  const property = autoNameProperty(schema);
  const name = str(property ? inputs[property] : undefined) || id;
  const parts: ArnParts = { r, a: ACCOUNT_ID, id, name, inputs };
  const has = (p: string) => schema.outputs.has(p);
  const out: PropertyMap = {};

  if (has("arn") && inputs.arn === undefined) out.arn = (ARNS[type] ?? ((p) => genericArn(type, p)))(parts);
  if (has("region")) out.region = r;
  if (has("tagsAll")) out.tagsAll = { ...defaultTags(config), ...((reveal(inputs.tags) as object) ?? {}) };

  if (type === "aws:apigatewayv2/api:Api") {
    const scheme = str(inputs.protocolType) === "WEBSOCKET" ? "wss" : "https";
    out.apiEndpoint = `${scheme}://${id}.execute-api.${r}.amazonaws.com`;
    out.executionArn = `arn:aws:execute-api:${r}:${ACCOUNT_ID}:${id}`;
  }
  if (type === "aws:apigatewayv2/stage:Stage") {
    const apiId = str(inputs.apiId);
    out.executionArn = `arn:aws:execute-api:${r}:${ACCOUNT_ID}:${apiId}/${name}`;
    out.invokeUrl = `https://${apiId}.execute-api.${r}.amazonaws.com/${name === "$default" ? "" : name}`;
  }
  if (type === "aws:lambda/function:Function") {
    const arn = str(out.arn);
    const invoke = (target: string) =>
      `arn:aws:apigateway:${r}:lambda:path/2015-03-31/functions/${target}/invocations`;
    out.invokeArn = invoke(arn);
    out.qualifiedArn = `${arn}:$LATEST`;
    out.qualifiedInvokeArn = invoke(`${arn}:$LATEST`);
    out.version = "$LATEST";
    out.lastModified = new Date().toISOString();
  }
  if (type === "aws:s3/bucket:Bucket") {
    out.bucketDomainName = `${name}.s3.amazonaws.com`;
    out.bucketRegionalDomainName = `${name}.s3.${r}.amazonaws.com`;
    out.bucketRegion = r;
  }
  if (type === "aws:ssm/parameter:Parameter") {
    const olds = call.olds;
    const previous = typeof olds?.version === "number" ? olds.version : 0;
    const changed = !olds || str(olds.value) !== str(inputs.value);
    out.version = changed ? previous + 1 : previous;
  }
  if (type === "aws:sqs/queue:Queue") out.url = `https://sqs.${r}.amazonaws.com/${ACCOUNT_ID}/${name}`;
  return out;
}

/** `aws.iam.getPolicyDocument`: the statements as an IAM policy JSON document. */
function policyDocument(args: PropertyMap): PropertyMap {
  type Statement = {
    sid?: string;
    effect?: string;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principals?: { type: string; identifiers: string[] }[];
    conditions?: { test: string; variable: string; values: string[] }[];
  };
  const one = (values: string[] | undefined) => (values && values.length === 1 ? values[0] : values);
  const statements = ((reveal(args.statements) as Statement[] | undefined) ?? []).map((s) => {
    const statement: Record<string, unknown> = { Sid: s.sid, Effect: s.effect ?? "Allow" };
    if (s.actions) statement.Action = one(s.actions);
    if (s.notActions) statement.NotAction = one(s.notActions);
    if (s.resources) statement.Resource = one(s.resources);
    if (s.notResources) statement.NotResource = one(s.notResources);
    if (s.principals) {
      statement.Principal = Object.fromEntries(s.principals.map((p) => [p.type, one(p.identifiers)]));
    }
    if (s.conditions) {
      const condition: Record<string, Record<string, unknown>> = {};
      for (const c of s.conditions) {
        condition[c.test] = { ...condition[c.test], [c.variable]: one(c.values) };
      }
      statement.Condition = condition;
    }
    return statement;
  });
  const document = { Version: str(args.version) || "2012-10-17", Statement: statements };
  return { id: "policy", json: JSON.stringify(document, null, 2), minifiedJson: JSON.stringify(document) };
}
