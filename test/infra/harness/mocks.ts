/**
 * Mocks that answer like AWS, random and Calendly would: ids, names, ARNs and endpoints in their
 * real formats, derived deterministically from the logical name, so a test can assert that the
 * webhook URL is the API endpoint plus the route path, or that a policy names the bus's ARN.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { SPECIAL_SIG_KEY } from "./types";

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";
export const CALENDLY_ORGANIZATION = "https://api.calendly.com/organizations/ORGMOCKORGMOCK01";
export const CALENDLY_USER = "https://api.calendly.com/users/USERMOCKUSERMO01";

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** Pulumi's auto-naming: the logical name plus a random 7-character suffix. */
function autoname(name: string): string {
  return `${name}-${hex(`autoname:${name}`, 7)}`;
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** What RandomPassword would generate, deterministic per name so tests can look for it. */
export function mockPassword(name: string, length: number): string {
  let out = "";
  for (let round = 0; out.length < length; round++) {
    for (const byte of createHash("sha256").update(`password:${name}:${round}`).digest()) {
      out += BASE62[byte % BASE62.length];
    }
  }
  return out.slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && SPECIAL_SIG_KEY in value;
}

function plain(value: unknown): unknown {
  return isSecretWrapper(value) ? value.value : value;
}

type State = Record<string, unknown>;

function awsResource(type: string, name: string, inputs: State): { id: string; state: State } {
  const arnPrefix = (service: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}`;
  switch (type) {
    case "aws:apigatewayv2/api:Api": {
      const id = hex(`api:${name}`, 10);
      return {
        id,
        state: {
          ...inputs,
          apiEndpoint: `https://${id}.execute-api.${REGION}.amazonaws.com`,
          executionArn: `${arnPrefix("execute-api")}:${id}`,
          arn: `arn:aws:apigateway:${REGION}::/apis/${id}`,
        },
      };
    }
    case "aws:apigatewayv2/stage:Stage":
      return { id: String(inputs.name), state: { ...inputs, arn: `${arnPrefix("apigateway")}::/stages` } };
    case "aws:lambda/function:Function": {
      const fnName = (inputs.name as string | undefined) ?? autoname(name);
      const arn = `${arnPrefix("lambda")}:function:${fnName}`;
      return {
        id: fnName,
        state: {
          ...inputs,
          name: fnName,
          arn,
          invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        },
      };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const groupName = (inputs.name as string | undefined) ?? autoname(name);
      return {
        id: groupName,
        state: { ...inputs, name: groupName, arn: `${arnPrefix("logs")}:log-group:${groupName}` },
      };
    }
    case "aws:cloudwatch/eventBus:EventBus": {
      const busName = (inputs.name as string | undefined) ?? autoname(name);
      return {
        id: busName,
        state: { ...inputs, name: busName, arn: `${arnPrefix("events")}:event-bus/${busName}` },
      };
    }
    case "aws:cloudwatch/eventArchive:EventArchive": {
      const archiveName = (inputs.name as string | undefined) ?? autoname(name);
      return {
        id: archiveName,
        state: { ...inputs, name: archiveName, arn: `${arnPrefix("events")}:archive/${archiveName}` },
      };
    }
    case "aws:s3/bucket:Bucket": {
      const bucket = (inputs.bucket as string | undefined) ?? autoname(name).toLowerCase();
      return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:ssm/parameter:Parameter": {
      const parameterName = (inputs.name as string | undefined) ?? autoname(name);
      const path = parameterName.startsWith("/") ? parameterName : `/${parameterName}`;
      return {
        id: parameterName,
        state: { ...inputs, name: parameterName, arn: `${arnPrefix("ssm")}:parameter${path}` },
      };
    }
    case "aws:iam/role:Role": {
      const roleName = (inputs.name as string | undefined) ?? autoname(name);
      return {
        id: roleName,
        state: { ...inputs, name: roleName, arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}` },
      };
    }
    case "aws:sns/topic:Topic": {
      const topicName = (inputs.name as string | undefined) ?? autoname(name);
      return {
        id: `${arnPrefix("sns")}:${topicName}`,
        state: { ...inputs, name: topicName, arn: `${arnPrefix("sns")}:${topicName}` },
      };
    }
    case "aws:cloudwatch/eventRule:EventRule": {
      const ruleName = (inputs.name as string | undefined) ?? autoname(name);
      return {
        id: ruleName,
        state: { ...inputs, name: ruleName, arn: `${arnPrefix("events")}:rule/${ruleName}` },
      };
    }
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      const alarmName = (inputs.name as string | undefined) ?? autoname(name);
      return {
        id: alarmName,
        state: { ...inputs, name: alarmName, arn: `${arnPrefix("cloudwatch")}:alarm:${alarmName}` },
      };
    }
    default:
      return { id: hex(`id:${type}:${name}`, 7), state: { ...inputs } };
  }
}

function calendlySubscription(name: string, inputs: State): { id: string; state: State } {
  const id = uuid(`subscription:${name}`);
  const { __provider: _provider, signingKey: _key, ...rest } = inputs;
  const scope = String(inputs.scope);
  return {
    id,
    state: {
      ...rest,
      uri: `https://api.calendly.com/webhook_subscriptions/${id}`,
      callbackUrl: inputs.url,
      state: "active",
      organization: plain(inputs.organization) ?? CALENDLY_ORGANIZATION,
      user: scope === "user" ? (plain(inputs.user) ?? CALENDLY_USER) : null,
      group: scope === "group" ? plain(inputs.group) : null,
      creator: CALENDLY_USER,
      createdAt: "2026-11-27T09:00:00.000000Z",
      updatedAt: "2026-11-27T09:00:00.000000Z",
      retryStartedAt: null,
      providerDefaults: [],
    },
  };
}

export const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    if (!args.custom) return { id: undefined, state: {} };
    const inputs = args.inputs as State;
    if (args.type.startsWith("aws:")) return awsResource(args.type, args.name, inputs);
    if (args.type === "random:index/randomPassword:RandomPassword") {
      const length = Number(inputs.length);
      return { id: "none", state: { ...inputs, result: mockPassword(args.name, length) } };
    }
    if (args.type === "pulumi-nodejs:dynamic/calendly:WebhookSubscription") {
      return calendlySubscription(args.name, inputs);
    }
    return { id: `${args.name}-id`, state: { ...inputs } };
  },
  call(args) {
    // The functions the program invokes, answered as the stack's account and region would.
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          id: ACCOUNT,
          accountId: ACCOUNT,
          arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
          userId: "AIDA",
        };
      case "aws:index/getRegion:getRegion":
        return { id: REGION, region: REGION, name: REGION, description: "US East (N. Virginia)" };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      default:
        return args.inputs;
    }
  },
};
