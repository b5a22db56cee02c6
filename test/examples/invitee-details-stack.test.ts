/**
 * The example consumer's AWS resources under `pulumi.runtime.setMocks`: the rule on the receiver's
 * bus with the invitee pattern, the Lambda target allowed for that rule only, the failure queue on
 * both failure paths, least-privilege IAM, and the token only in its SecureString parameter.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { InviteeDetailsConsumer } from "../../examples/invitee-details/consumer";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "../infra/harness/types";
import { until } from "../support/until";

const TOKEN = "example-token-5d2c-never-elsewhere";
const BUS = "calendly-dev-bus-1a2b3c4";
const BUCKET = "calendly-dev-claim-checks-5e6f7a8";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}
const registered: Registered[] = [];

function one(type: string): Registered {
  const found = registered.filter((r) => r.type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

beforeAll(async () => {
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        const service = args.type.split(":")[1]!.split("/")[0]!;
        const name = typeof args.inputs.name === "string" ? args.inputs.name : `${args.name}-generated`;
        const state: Record<string, unknown> = {
          ...args.inputs,
          name,
          arn: `arn:aws:${service}:us-east-1:123456789012:${name}`,
        };
        if (service === "sqs") state.url = `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, state });
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === "aws:index/getPartition:getPartition") {
          return {
            id: "aws",
            partition: "aws",
            dnsSuffix: "amazonaws.com",
            reverseDnsPrefix: "com.amazonaws",
          };
        }
        return args.inputs;
      },
    },
    "calendly-webhooks",
    "test",
    false,
  );
  new InviteeDetailsConsumer("bookings-details", {
    busName: BUS,
    claimCheckBucketName: BUCKET,
    calendlyToken: pulumi.secret(TOKEN),
  });
  await until(() => registered.some((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget"), 30_000);
}, 60_000);

describe("InviteeDetailsConsumer", () => {
  it("creates its component and the eleven resources of the diagram", () => {
    expect(one("calendly-webhooks:examples:InviteeDetailsConsumer").name).toBe("bookings-details");
    expect(
      registered
        .map((r) => r.type)
        .filter((t) => t.startsWith("aws:"))
        .sort(),
    ).toEqual(
      [
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:lambda/function:Function",
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        "aws:lambda/permission:Permission",
        "aws:sqs/queue:Queue",
        "aws:sqs/queuePolicy:QueuePolicy",
        "aws:ssm/parameter:Parameter",
      ].sort(),
    );
  });

  it("a rule on the receiver's bus for authentic, valid invitee events", () => {
    const rule = one("aws:cloudwatch/eventRule:EventRule");
    expect(rule.inputs.eventBusName).toBe(BUS);
    expect(JSON.parse(String(rule.inputs.eventPattern))).toEqual({
      source: ["calendly"],
      "detail-type": [
        "invitee.created",
        "invitee.canceled",
        "invitee_no_show.created",
        "invitee_no_show.deleted",
      ],
      detail: { validation: ["valid"] },
    });
  });

  it("targets the function, which only this rule may invoke; failures of both kinds go to the queue", () => {
    const rule = one("aws:cloudwatch/eventRule:EventRule");
    const fn = one("aws:lambda/function:Function");
    const queue = one("aws:sqs/queue:Queue");
    const target = one("aws:cloudwatch/eventTarget:EventTarget");
    expect(target.inputs).toMatchObject({
      rule: rule.state.name,
      eventBusName: BUS,
      arn: fn.state.arn,
      deadLetterConfig: { arn: queue.state.arn },
    });
    expect(one("aws:lambda/permission:Permission").inputs).toMatchObject({
      action: "lambda:InvokeFunction",
      function: fn.state.name,
      principal: "events.amazonaws.com",
      sourceArn: rule.state.arn,
    });
    expect(one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs).toMatchObject({
      functionName: fn.state.name,
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: queue.state.arn } },
    });
    const queuePolicy = JSON.parse(String(one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy));
    expect(queuePolicy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queue.state.arn,
        Condition: { ArnEquals: { "aws:SourceArn": rule.state.arn } },
      }),
    ]);
  });

  it("the function: Node 22, the bundle's index.handler, the token parameter's name (not the token)", () => {
    const fn = one("aws:lambda/function:Function");
    const parameter = one("aws:ssm/parameter:Parameter");
    expect(fn.inputs).toMatchObject({
      runtime: "nodejs22.x",
      handler: "index.handler",
      timeout: 150,
      environment: { variables: { CALENDLY_TOKEN_PARAMETER: parameter.state.name } },
    });
    // Stored as a secret: encrypted in Pulumi's state, shown as [secret] in previews.
    expect(parameter.inputs).toMatchObject({
      type: "SecureString",
      value: { [SPECIAL_SIG_KEY]: SECRET_SIG, value: TOKEN },
    });
    for (const resource of registered.filter((r) => r !== parameter)) {
      expect(JSON.stringify(resource.inputs), resource.type).not.toContain(TOKEN);
    }
  });

  it("may read its token, claim checks under calendly/, write its logs and its queue; nothing else", () => {
    const policy = JSON.parse(String(one("aws:iam/rolePolicy:RolePolicy").inputs.policy));
    const grants = policy.Statement.map((s: { Action: string[]; Resource: string[] }) => [
      s.Action,
      s.Resource,
    ]);
    const logGroup = one("aws:cloudwatch/logGroup:LogGroup").state.arn;
    expect(grants).toEqual([
      [["logs:CreateLogStream"], [`${logGroup}:*`]],
      [["logs:PutLogEvents"], [`${logGroup}:log-stream:*`]],
      [["ssm:GetParameter"], [one("aws:ssm/parameter:Parameter").state.arn]],
      [["s3:GetObject"], [`arn:aws:s3:::${BUCKET}/calendly/*`]],
      [["sqs:SendMessage"], [one("aws:sqs/queue:Queue").state.arn]],
    ]);
  });
});
