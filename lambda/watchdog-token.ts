/**
 * The Calendly token the watchdog checks with: from `CALENDLY_TOKEN` (local runs), or read from its
 * SSM SecureString (decrypted) at the start of every pass, so a token replaced with `calendly-webhooks
 * token put` after a revocation is used from the next pass on. One GetParameter per pass (at the
 * default schedule, 8,640 a month: free on the standard tier).
 *
 * The stack names the parameter but never writes it (the token stays out of Pulumi's state), so
 * until someone runs `token put` for the stack it does not exist: that is "not set", told apart
 * from a parameter that cannot be read.
 */
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { TokenConfig } from "./watchdog-config";

/** The token could not be read. The message names the parameter and the AWS error, never a value. */
export class TokenUnavailableError extends Error {
  override readonly name = "TokenUnavailableError";
}

/**
 * The parameter does not exist: nobody has put the token there yet (`calendly-webhooks token put
 * --stack <stack>`). The message names the parameter and the command, never a value.
 */
export class TokenNotSetError extends Error {
  override readonly name = "TokenNotSetError";
}

export type TokenReader = () => Promise<string>;

/** The SDK's error behind Powertools' GetParameterError, or the error itself. */
function awsErrorName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return error.cause instanceof Error ? error.cause.name : error.name;
}

export function createTokenReader(config: TokenConfig, ssmClient: () => SSMClient): TokenReader {
  if (config.source === "env") return async () => config.token;
  let provider: SSMProvider | undefined;
  return async () => {
    try {
      provider ??= new SSMProvider({ awsSdkV3Client: ssmClient() });
      const value = await provider.get(config.parameterName, { decrypt: true, forceFetch: true });
      if (typeof value !== "string" || value.trim() === "") throw new Error("the parameter has no value");
      return value.trim();
    } catch (error) {
      if (awsErrorName(error) === "ParameterNotFound") {
        throw new TokenNotSetError(
          `the Calendly token is not set: SSM parameter ${config.parameterName} does not exist; put the token there ` +
            "with `calendly-webhooks token put --stack <stack>` (it reads the token from stdin)",
          { cause: error },
        );
      }
      // Powertools wraps the SDK's error (GetParameterError: ParameterNotFound); name both.
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.name}` : "";
      const why = error instanceof Error ? `${error.name}${cause}` : String(error);
      throw new TokenUnavailableError(
        `cannot read the Calendly token from SSM parameter ${config.parameterName} (${why}); check that it ` +
          "exists and that the function may ssm:GetParameter it",
        { cause: error },
      );
    }
  };
}
