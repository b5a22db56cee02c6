/**
 * The public side: an HTTP API with one `POST <routePath>` route, a Lambda proxy integration
 * (payload format 2.0), the `$default` stage (auto-deployed, throttled, access-logged) and the
 * permission for this API, and this route only, to invoke the function.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A little over the function's timeout, under Calendly's 15 s. */
export const INTEGRATION_TIMEOUT_MS = 12_000;

/** One JSON line per request. Headers (and so the signature) are never logged. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  sourceIp: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  path: "$context.path",
  status: "$context.status",
  responseLength: "$context.responseLength",
  integrationStatus: "$context.integrationStatus",
  integrationLatency: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
});

export interface ReceiverApiArgs {
  routePath: string;
  functionArn: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  logRetentionDays: number;
}

/** `https://…amazonaws.com` + `/route`, with exactly one slash between them. */
export function joinUrl(endpoint: string, routePath: string): string {
  return `${endpoint.replace(/\/+$/, "")}/${routePath.replace(/^\/+/, "")}`;
}

export function receiverApi(name: string, args: ReceiverApiArgs, parent: pulumi.Resource) {
  const api = new aws.apigatewayv2.Api(
    `${name}-api`,
    { protocolType: "HTTP", description: "Receives Calendly webhook deliveries" },
    { parent },
  );
  const accessLogs = new aws.cloudwatch.LogGroup(
    `${name}-api-access-logs`,
    { retentionInDays: args.logRetentionDays },
    { parent },
  );
  const integration = new aws.apigatewayv2.Integration(
    `${name}-integration`,
    {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: args.functionArn,
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
    },
    { parent },
  );
  const route = new aws.apigatewayv2.Route(
    `${name}-route`,
    {
      apiId: api.id,
      routeKey: `POST ${args.routePath}`,
      target: pulumi.interpolate`integrations/${integration.id}`,
    },
    // A new routePath is a new route, created beside the old one, which is deleted last. AWS could
    // change the key in place, but the subscriptions still point at the old path until they are
    // replaced: an in-place change would answer their deliveries 404 in between (seen with the real
    // engine: test/engine/whole-program.test.ts).
    { parent, replaceOnChanges: ["routeKey"] },
  );
  const stage = new aws.apigatewayv2.Stage(
    `${name}-stage`,
    {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: args.throttleRateLimit,
        throttlingBurstLimit: args.throttleBurstLimit,
      },
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
    },
    { parent },
  );
  // Any stage (the only one is $default), this method and path only.
  const permission = new aws.lambda.Permission(
    `${name}-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: args.functionName,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/*/POST${args.routePath}`,
    },
    { parent },
  );
  const webhookUrl = api.apiEndpoint.apply((endpoint) => joinUrl(endpoint, args.routePath));
  return { api, accessLogs, integration, route, stage, permission, webhookUrl };
}
