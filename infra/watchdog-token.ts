/**
 * Where the watchdog's Calendly token lives, and the one command that puts it there. Kept free of
 * Pulumi so that both sides share it: the stack (infra/receiver: the watchdog's policy, its
 * environment and its alarms name the parameter and the command) and the CLI's `token` command,
 * which writes the parameter. The stack itself never writes it: the token stays out of Pulumi's
 * state (infra/receiver/watchdog.ts says why).
 */

/** The CLI command that writes (and rotates) the token, as the operator types it. */
export const TOKEN_PUT_COMMAND = "calendly-webhooks token put";

/**
 * The SSM SecureString the watchdog reads its Calendly token from:
 * `/<project>/<stack>/watchdog/calendly-token`, the stack being the name without its organization.
 *
 * Not `/<project>/<stack>/calendly-token`, the parameter releases up to 0.2.0 created as a Pulumi
 * resource holding the token: the first `up` after the upgrade deletes that one, and would delete
 * a token `token put` had just written under the same name.
 */
export function watchdogTokenParameterName(project: string, stack: string): string {
  return `/${project}/${stack}/watchdog/calendly-token`;
}

/** `calendly-webhooks token put --stack <stack>`: what to run when the token is missing or revoked. */
export function tokenPutCommand(stack: string): string {
  return `${TOKEN_PUT_COMMAND} --stack ${stack}`;
}
