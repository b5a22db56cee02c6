/**
 * Writing and deleting a token parameter (the watchdog's, or one named with `--parameter`) with the
 * AWS SDK v3 SSM client: the path that puts the Calendly token where a function reads it, outside the Pulumi engine (the stack names
 * the parameter and lets the watchdog read it, but never holds the value: infra/receiver/watchdog.ts).
 *
 * A first write creates the SecureString with its tags (AWS takes tags only on a create, never
 * with `Overwrite`); every later write, a rotation, overwrites it: a new version, the same name.
 * Errors name the parameter, the region and AWS's error, never the token. The SDK's commands are
 * imported when used (see token-action.ts).
 */
import type { PutParameterCommandInput, SSMClient } from "@aws-sdk/client-ssm";
import { CliError } from "./args";

export interface TokenParameter {
  name: string;
  /** The region the client writes in, for messages. */
  region: string;
  /** The stack and project it serves, for its description and tags. */
  project: string;
  stack: string;
  /**
   * Whose token it is, for its description: the stack's watchdog (the default name), or the
   * function given this name (`--parameter`, e.g. the invitee-details example consumer).
   */
  reader: "watchdog" | "named";
}

export interface PutResult {
  version: number;
  /** True when this write created the parameter. */
  created: boolean;
}

const TAGGED_BY = "calendly-webhooks token put";

export async function putTokenParameter(
  client: SSMClient,
  parameter: TokenParameter,
  token: string,
): Promise<PutResult> {
  const { PutParameterCommand } = await import("@aws-sdk/client-ssm");
  const base: PutParameterCommandInput = {
    Name: parameter.name,
    Value: token,
    Type: "SecureString",
    Description:
      parameter.reader === "watchdog"
        ? `The Calendly token the watchdog of stack ${parameter.stack} checks the subscriptions with (${TAGGED_BY})`
        : `A Calendly token read by a function of stack ${parameter.stack} told this name (${TAGGED_BY} --parameter)`,
  };
  try {
    try {
      const created = await client.send(
        new PutParameterCommand({
          ...base,
          Overwrite: false,
          Tags: [
            { Key: "project", Value: parameter.project },
            { Key: "stack", Value: parameter.stack },
            { Key: "managed-by", Value: TAGGED_BY },
          ],
        }),
      );
      return { version: created.Version ?? 1, created: true };
    } catch (error) {
      if (awsErrorName(error) !== "ParameterAlreadyExists") throw error;
    }
    const overwritten = await client.send(new PutParameterCommand({ ...base, Overwrite: true }));
    return { version: overwritten.Version ?? 0, created: false };
  } catch (error) {
    throw awsFailure(
      "write",
      parameter,
      error,
      token,
      "ssm:PutParameter (and ssm:AddTagsToResource, to create it)",
    );
  }
}

/** Deletes the parameter; `false` when there was none. */
export async function deleteTokenParameter(
  client: SSMClient,
  parameter: Pick<TokenParameter, "name" | "region">,
): Promise<boolean> {
  const { DeleteParameterCommand } = await import("@aws-sdk/client-ssm");
  try {
    await client.send(new DeleteParameterCommand({ Name: parameter.name }));
    return true;
  } catch (error) {
    if (awsErrorName(error) === "ParameterNotFound") return false;
    throw awsFailure("delete", parameter, error, undefined, "ssm:DeleteParameter");
  }
}

function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * One line saying what failed, where, AWS's reason and the fix. The SDK's messages hold no request
 * values, but the token is removed from it all the same, should any ever carry it.
 */
function awsFailure(
  action: "write" | "delete",
  { name, region }: Pick<TokenParameter, "name" | "region">,
  error: unknown,
  token: string | undefined,
  permission: string,
): CliError {
  const kind = awsErrorName(error) ?? "Error";
  const message = error instanceof Error ? error.message.split("\n")[0]!.trim() : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  let fix: string;
  if (kind === "CredentialsProviderError" || /credential/i.test(message)) {
    fix = "configure AWS credentials (aws configure sso, AWS_PROFILE, or OIDC in CI) for the stack's account";
  } else if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${kind} ${message}`)) {
    fix = `the AWS identity needs ${permission} on the parameter`;
  } else if (typeof code === "string" && /^E[A-Z]+/.test(code)) {
    fix = "check the network and AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL if set";
  } else {
    fix = "AWS's reason above says what to change";
  }
  const text = `could not ${action} SSM parameter ${name} in ${region} (${kind}: ${message}): ${fix}`;
  return new CliError(token ? text.split(token).join("[token]") : text);
}
