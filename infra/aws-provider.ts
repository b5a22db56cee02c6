/**
 * The one AWS provider the receiver uses, explicit so that the stack's tags land on every
 * taggable resource (`defaultTags`) without each resource repeating them.
 *
 * An explicit provider does not read the `aws:*` stack config by itself: the settings people set
 * per stack (`aws:region`, `aws:profile`) are passed on; everything else comes from the
 * environment as usual (AWS_REGION, AWS_PROFILE, credentials from OIDC or the shell).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Tags every AWS resource of the stack carries; the config's `tags` are added (and win). */
export function stackTags(extra: Record<string, string>): Record<string, string> {
  return {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    "managed-by": "pulumi",
    ...extra,
  };
}

export function awsProvider(
  name: string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions = {},
): aws.Provider {
  const awsConfig = new pulumi.Config("aws");
  return new aws.Provider(
    name,
    {
      region: awsConfig.get("region"),
      profile: awsConfig.get("profile"),
      defaultTags: { tags },
    },
    opts,
  );
}
