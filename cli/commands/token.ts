/**
 * `token put` / `token delete`: the watchdog's Calendly token, written to (or removed from) the
 * SSM SecureString the stack's watchdog reads, outside the Pulumi engine, so that the token never
 * enters Pulumi's state (infra/receiver/watchdog.ts says why it cannot be a resource). The
 * parameter's name comes from the same rule the stack uses (infra/watchdog-token.ts), from the
 * project's name in Pulumi.yaml and the stack's; the region from the stack's `aws:region`.
 * `--parameter <name>` writes another SecureString instead: the one a function of the stack is told
 * to read (the invitee-details example consumer's), under the same rules.
 *
 * The token comes from stdin only, piped or typed hidden at a terminal: never the command line.
 * Rotation is the same `put`. `delete` is for a destroyed stack (`pulumi destroy` leaves the
 * parameter, which no resource of the stack holds).
 */
import { parameterNameProblem } from "../../infra/ssm-parameter-name";
import { TOKEN_PUT_COMMAND } from "../../infra/watchdog-token";
import { didYouMean, required } from "../../tools/command-line";
import { parseOptionsAndArguments, UsageError } from "../args";
import type { Command } from "../command";
import { tokenAction } from "../token-action";

export const ACTIONS = ["put", "delete"] as const;
export type Action = (typeof ACTIONS)[number];

const spec = {
  name: "token",
  summary:
    "put (or rotate, or delete) the Calendly token the stack's watchdog (or another function) reads, in SSM",
  usage:
    "calendly-webhooks token (put | delete) --stack <name> [--parameter <ssm-name>] [--region <region>] [--json]",
};

const OPTIONS = {
  stack: { type: "string" },
  region: { type: "string" },
  parameter: { type: "string" },
  json: { type: "boolean" },
} as const;

/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5… */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const tokenCommand: Command = {
  ...spec,
  help: `${spec.usage}

put     reads the Calendly token from stdin and writes it to the SSM SecureString the stack's
        watchdog reads, /<project>/<stack>/watchdog/calendly-token (the project's name from
        Pulumi.yaml). The first put creates it (tagged project, stack, managed-by); each later put
        is a rotation: a new version, used from the watchdog's next run. Pipe the token in, or run
        it in a terminal to type it hidden:
          printf '%s' "$CALENDLY_TOKEN" | ${TOKEN_PUT_COMMAND} --stack dev
        Never on the command line: it would end up in shell history.
delete  removes that parameter, e.g. after \`pulumi destroy\` (which leaves it: it is not a
        resource of the stack, so that the token stays out of Pulumi's state). Nothing to delete
        is not an error.

Options:
  --stack <name>        the stack, as for pulumi (dev, or <org>/dev); run in its project's folder
  --parameter <ssm-name> another SecureString than the watchdog's: the one a function of the stack
                        is told to read, e.g. the invitee-details example consumer's
                        (its tokenParameterName output):
                          printf '%s' "$INVITEE_DETAILS_TOKEN" | ${TOKEN_PUT_COMMAND} --stack dev \\
                            --parameter /calendly-webhooks/dev/invitee-details/calendly-token
  --region <region>     the AWS region (default: the stack's aws:region, else AWS_REGION and the
                        AWS SDK's usual sources); the watchdog reads in the stack's region
  --json                print {"stack","parameter","region",…} as JSON

AWS credentials come from the AWS SDK's usual sources (environment, AWS_PROFILE or the stack's
aws:profile, SSO, OIDC in CI). They need ssm:PutParameter and, to create the parameter,
ssm:AddTagsToResource on it (delete: ssm:DeleteParameter). The token is never printed.`,

  async run(argv, context) {
    const { values, positionals } = parseOptionsAndArguments(argv, OPTIONS);
    const action = actionOf(positionals);
    const stackReference = required("stack", values.stack);
    if (values.region !== undefined && !REGION.test(values.region)) {
      throw new UsageError("--region must be an AWS region name, e.g. us-east-1");
    }
    if (values.parameter !== undefined) {
      const problem = parameterNameProblem(values.parameter);
      if (problem) throw new UsageError(`--parameter ${problem}`);
    }
    return tokenAction(
      action,
      {
        stack: stackReference,
        region: values.region,
        parameter: values.parameter,
        json: values.json === true,
      },
      context,
    );
  },
};

function actionOf(positionals: readonly string[]): Action {
  const [action, ...rest] = positionals;
  if (action === undefined) throw new UsageError("say what to do: token put, or token delete");
  if (!(ACTIONS as readonly string[]).includes(action)) {
    // The word typed is not repeated: it could be a token pasted in the wrong place.
    throw new UsageError(`unknown action${didYouMean(action, ACTIONS)}: token takes put or delete`);
  }
  // Never echoed: a token typed here by mistake must not reach the terminal or a CI log again.
  if (rest.length > 0) {
    throw new UsageError(
      `token ${action} takes no argument after "${action}": the token is read from stdin, never from the command line`,
    );
  }
  return action as Action;
}
