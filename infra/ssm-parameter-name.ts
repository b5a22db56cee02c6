/**
 * The rule a token parameter's name must follow, shared by the CLI's `token put --parameter` and
 * the components that are given a parameter name (examples/invitee-details): kept free of Pulumi.
 *
 * A subset of SSM's own rules (a hierarchy of letters, digits and `_.-`, not under the reserved
 * `aws`/`ssm` prefixes, at most 1011 characters): the name always starts with `/`, so the ARN the
 * stack grants (`arn:…:parameter/<name without its first slash>`) is the one SSM gives it.
 */

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const MAX_LENGTH = 1011;

/** What is wrong with `name` as a token parameter's name, with the fix; undefined when nothing is. */
export function parameterNameProblem(name: string): string | undefined {
  if (!name.startsWith("/")) return "must start with /, e.g. /my-project/dev/invitee-details/calendly-token";
  if (name.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`;
  const segments = name.slice(1).split("/");
  if (segments.some((segment) => !SEGMENT.test(segment))) {
    return "must be /-separated parts of letters, digits, _ . - only (no empty part, no trailing /)";
  }
  if (/^(aws|ssm)/i.test(segments[0]!)) return "must not start with /aws or /ssm (reserved by AWS)";
  if (segments.length > 15) return "must have at most 15 levels";
  return undefined;
}
