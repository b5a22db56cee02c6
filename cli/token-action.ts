/**
 * What `token put` / `token delete` do once their command line is read (commands/token.ts). The
 * AWS SDK's SSM client and the YAML parser are imported when the command runs, not with the CLI:
 * every other command starts without them (the SSM client alone took 0.66 s to load on a busy
 * machine, measured with `node -e` and tsx while writing this).
 */
import type { SSMClient, SSMClientConfig } from "@aws-sdk/client-ssm";
import { TOKEN_PUT_COMMAND, watchdogTokenParameterName } from "../infra/watchdog-token";
import { CliError } from "./args";
import type { CommandContext } from "./command";
import type { Action } from "./commands/token";
import { findProjectStack, type ProjectStack } from "./pulumi-project";
import { readSecret } from "./secret-input";
import { deleteTokenParameter, putTokenParameter, type TokenParameter } from "./token-parameter";

export interface TokenOptions {
  /** The stack as typed: `dev`, `org/dev`, `org/project/dev`. */
  stack: string;
  region?: string;
  /** Another parameter than the watchdog's (checked by the command: infra/ssm-parameter-name.ts). */
  parameter?: string;
  json: boolean;
}

export async function tokenAction(
  action: Action,
  options: TokenOptions,
  context: CommandContext,
): Promise<number> {
  const target = await findProjectStack(options.stack, context.io.cwd ?? process.cwd());
  const name = options.parameter ?? watchdogTokenParameterName(target.project, target.stack);
  const named = options.parameter === undefined ? "" : ` --parameter ${options.parameter}`;

  // The token first: a missing one stops the command before any AWS call.
  const token =
    action === "put"
      ? await readSecret(context.io.stdin, {
          what: "the Calendly token",
          pipeExample: `printf '%s' "$CALENDLY_TOKEN" | ${TOKEN_PUT_COMMAND} --stack ${target.stack}${named}`,
          write: (text) => context.io.stderr.write(text),
        })
      : undefined;

  const client = await ssmClient(target, options.region, context);
  try {
    const parameter: TokenParameter = {
      name,
      region: await regionOf(client, target),
      project: target.project,
      stack: target.stack,
      reader: options.parameter === undefined ? "watchdog" : "named",
    };
    return token === undefined
      ? await deleteIt(client, parameter, options.json, context)
      : await putIt(client, parameter, token, options.json, context);
  } finally {
    client.destroy();
  }
}

/**
 * The SDK's client as the SDK configures itself from the environment (credentials, endpoint
 * overrides such as AWS_ENDPOINT_URL_SSM, AWS_REGION), with the stack's region and profile on top.
 */
async function ssmClient(
  target: ProjectStack,
  region: string | undefined,
  { io, deps }: CommandContext,
): Promise<SSMClient> {
  const { SSMClient } = await import("@aws-sdk/client-ssm");
  const config: SSMClientConfig = { ...deps.ssm };
  const chosen = region ?? target.awsRegion;
  if (chosen) config.region = chosen;
  // As the stack's AWS provider does; AWS_PROFILE, set by the caller, wins.
  if (target.awsProfile && !io.env.AWS_PROFILE) config.profile = target.awsProfile;
  return new SSMClient(config);
}

async function regionOf(client: SSMClient, target: ProjectStack): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new CliError(
      `no AWS region: set aws:region in ${target.stackFile} (the stack's AWS provider uses it), AWS_REGION, or --region`,
    );
  }
}

async function putIt(
  client: SSMClient,
  parameter: TokenParameter,
  token: string,
  json: boolean,
  { io, reporter }: CommandContext,
): Promise<number> {
  const result = await reporter.progress(`writing SSM parameter ${parameter.name}`, () =>
    putTokenParameter(client, parameter, token),
  );
  print(
    io,
    json,
    parameter,
    result,
    () =>
      `${result.created ? "Created" : "Updated"} SSM parameter ${parameter.name} (SecureString, ${parameter.region}, ` +
      `version ${result.version}) with the Calendly token: ` +
      (parameter.reader === "watchdog"
        ? `the watchdog of stack "${parameter.stack}" uses it from its next run.`
        : "the functions told this name use it from their next read of it."),
  );
  return 0;
}

async function deleteIt(
  client: SSMClient,
  parameter: TokenParameter,
  json: boolean,
  { io, reporter }: CommandContext,
): Promise<number> {
  const deleted = await reporter.progress(`deleting SSM parameter ${parameter.name}`, () =>
    deleteTokenParameter(client, parameter),
  );
  print(io, json, parameter, { deleted }, () =>
    deleted
      ? `Deleted SSM parameter ${parameter.name} (${parameter.region}).`
      : `Nothing to delete: SSM parameter ${parameter.name} (${parameter.region}) does not exist.`,
  );
  return 0;
}

/** One line on stdout: `{stack, parameter, region, ...fields}` with --json, else `text()`. */
function print(
  io: CommandContext["io"],
  json: boolean,
  parameter: TokenParameter,
  fields: object,
  text: () => string,
): void {
  const { stack, name, region } = parameter;
  io.stdout.write(`${json ? JSON.stringify({ stack, parameter: name, region, ...fields }) : text()}\n`);
}
