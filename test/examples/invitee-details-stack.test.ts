/**
 * The example consumer's AWS resources under `pulumi.runtime.setMocks`: the rule on the receiver's
 * bus with the invitee pattern, the Lambda target allowed for that rule only, the failure queue on
 * both failure paths, least-privilege IAM, and the token nowhere: the component names its SSM
 * parameter and lets the function read it, but no resource holds it (so no state does), and the
 * `calendlyToken` of earlier versions is refused before anything is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  InviteeDetailsConsumer,
  type InviteeDetailsConsumerArgs,
} from "../../examples/invitee-details/consumer";
import { until } from "../support/until";

const TOKEN = "example-token-5d2c-never-elsewhere";
const BUS = "calendly-dev-bus-1a2b3c4";
const BUCKET = "calendly-dev-claim-checks-5e6f7a8";
/** The default name: `/<project>/<stack>/invitee-details/calendly-token`, beside the watchdog's. */
const PARAMETER = "/calendly-webhooks/test/invitee-details/calendly-token";
const PARAMETER_ARN = `arn:aws:ssm:us-east-1:123456789012:parameter${PARAMETER}`;

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}
const registered: Registered[] = [];
/** What `new InviteeDetailsConsumer` threw when given the token the way earlier versions took it. */
let refusal = "";
let registeredAfterRefusal = -2;

/** The one resource of `type` of the "bookings-details" consumer. */
function one(type: string): Registered {
  const found = registered.filter((r) => r.type === type && r.name.startsWith("bookings-details"));
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

function policyOf(consumer: string): Registered {
  return registered.find(
    (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${consumer}-policy`,
  )!;
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
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
          return {
            id: "123456789012",
            accountId: "123456789012",
            arn: "arn:aws:iam::123456789012:user/d",
            userId: "A",
          };
        }
        if (args.token === "aws:index/getRegion:getRegion") {
          return { id: "us-east-1", region: "us-east-1", name: "us-east-1" };
        }
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
  // A program written for earlier versions (JavaScript, or cast past the type) passing the token.
  try {
    new InviteeDetailsConsumer("old-style", {
      busName: BUS,
      claimCheckBucketName: BUCKET,
      calendlyToken: pulumi.secret(TOKEN),
    } as InviteeDetailsConsumerArgs);
  } catch (error) {
    refusal = (error as Error).message;
  }
  new InviteeDetailsConsumer("bookings-details", { busName: BUS, claimCheckBucketName: BUCKET });
  await until(() => registered.some((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget"), 30_000);
  // Let anything the refused call might have started register too.
  await new Promise((resolve) => setTimeout(resolve, 200));
  registeredAfterRefusal = registered.filter((r) => r.name.startsWith("old-style")).length;
}, 60_000);

describe("InviteeDetailsConsumer", () => {
  it("creates its component and the ten resources of the diagram: no SSM parameter", () => {
    expect(one("calendly-webhooks:examples:InviteeDetailsConsumer").name).toBe("bookings-details");
    expect(
      registered
        .filter((r) => r.name.startsWith("bookings-details"))
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
    expect(fn.inputs).toMatchObject({
      runtime: "nodejs22.x",
      handler: "index.handler",
      timeout: 150,
      environment: { variables: { CALENDLY_TOKEN_PARAMETER: PARAMETER, CALENDLY_STACK: "test" } },
    });
  });

  it("no resource input holds the token, in any form: Pulumi's state never does", () => {
    expect(registered.length).toBeGreaterThan(10);
    for (const resource of registered) {
      expect(JSON.stringify(resource.inputs), resource.type).not.toContain(TOKEN);
      expect(JSON.stringify(resource.state), resource.type).not.toContain(TOKEN);
    }
    expect(registered.filter((r) => r.type.startsWith("aws:ssm/"))).toEqual([]);
  });

  it("refuses the calendlyToken of earlier versions before anything is declared, naming the parameter and the command", () => {
    expect(refusal).toMatch(
      /^InviteeDetailsConsumer "old-style": args.calendlyToken is no longer taken: a token in a resource input is stored in Pulumi's state/,
    );
    expect(refusal).toContain(
      `\`printf '%s' "$INVITEE_DETAILS_TOKEN" | npx calendly-webhooks token put --stack test --parameter ${PARAMETER}\``,
    );
    expect(refusal).not.toContain(TOKEN);
    expect(registeredAfterRefusal).toBe(0);
  });

  it("refuses a parameter name SSM would not take, before anything is declared", () => {
    const before = registered.length;
    expect(
      () =>
        new InviteeDetailsConsumer("bad-name", {
          busName: BUS,
          claimCheckBucketName: BUCKET,
          tokenParameterName: "no-slash",
        }),
    ).toThrow(/^InviteeDetailsConsumer "bad-name": args.tokenParameterName must start with \//);
    expect(
      () =>
        new InviteeDetailsConsumer("reserved", {
          busName: BUS,
          claimCheckBucketName: BUCKET,
          tokenParameterName: "/aws/x",
        }),
    ).toThrow(/must not start with \/aws or \/ssm/);
    expect(registered.length).toBe(before);
  });

  it("exposes the parameter's name, the one to put the token in", async () => {
    const consumer = new InviteeDetailsConsumer("named", {
      busName: BUS,
      claimCheckBucketName: BUCKET,
      tokenParameterName: "/shared/invitee-token",
    });
    const name = await new Promise((resolve) => consumer.tokenParameterName.apply(resolve));
    expect(name).toBe("/shared/invitee-token");
  });

  it("may read its token's parameter (by its ARN), claim checks under calendly/, write its logs and its queue; nothing else", () => {
    const policy = JSON.parse(String(policyOf("bookings-details").inputs.policy));
    const grants = policy.Statement.map((s: { Action: string[]; Resource: string[] }) => [
      s.Action,
      s.Resource,
    ]);
    const logGroup = registered.find((r) => r.name === "bookings-details-logs")!.state.arn;
    expect(grants).toEqual([
      [["logs:CreateLogStream"], [`${logGroup}:*`]],
      [["logs:PutLogEvents"], [`${logGroup}:log-stream:*`]],
      [["ssm:GetParameter"], [PARAMETER_ARN]],
      [["s3:GetObject"], [`arn:aws:s3:::${BUCKET}/calendly/*`]],
      [["sqs:SendMessage"], [registered.find((r) => r.name === "bookings-details-failures")!.state.arn]],
    ]);
  });
});
