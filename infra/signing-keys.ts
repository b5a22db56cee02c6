/**
 * Signing keys, generated in the program (not by the provider) so the receiver knows a key before
 * Calendly signs anything with it.
 *
 * Each subscription has a key per `signingKeyGeneration`. The program keeps two: the current
 * generation's, which the subscription is created with, and the previous one's, which the
 * receiver still accepts. Rotating N → N+1 in one `pulumi up`:
 *   1. key N+1 is created (key N is kept: same resource name);
 *   2. the parameter is updated to [N+1, N];
 *   3. the subscription is replaced (Calendly has no update): the generation is part of its URL's
 *      marker (subscriptions.ts), so the new one, with key N+1, is created before the old one,
 *      with key N, is deleted; deliveries signed with key N, from the old one meanwhile or
 *      retried, verify;
 *   4. key N-1 is deleted (deletes run last).
 * A leaked key is therefore refused after two rotations. See docs/deployment.md.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { formatSigningKeys } from "../lambda/signing-key-list";

/** 48 characters from [A-Za-z0-9]: about 285 bits, URL-safe, no quoting anywhere. */
export const SIGNING_KEY_LENGTH = 48;

export interface SubscriptionSigningKeys {
  /** The key the subscription is created with. Secret. */
  current: pulumi.Output<string>;
  /** The previous generation's key, still accepted by the receiver; none at generation 1. Secret. */
  previous?: pulumi.Output<string>;
}

export function signingKeyResourceName(subscription: string, generation: number): string {
  return `${subscription}-signing-key-${generation}`;
}

function signingKey(subscription: string, generation: number, opts: pulumi.CustomResourceOptions) {
  const password = new random.RandomPassword(
    signingKeyResourceName(subscription, generation),
    { length: SIGNING_KEY_LENGTH, special: false, upper: true, lower: true, numeric: true },
    opts,
  );
  // The provider marks `result` secret, but say it here too: the value must never be plain.
  return pulumi.secret(password.result);
}

export function subscriptionSigningKeys(
  subscription: string,
  generation: number,
  opts: pulumi.CustomResourceOptions = {},
): SubscriptionSigningKeys {
  return {
    current: signingKey(subscription, generation, opts),
    previous: generation > 1 ? signingKey(subscription, generation - 1, opts) : undefined,
  };
}

/** Every key the receiver must accept, in the format the Lambda parses. Secret. */
export function keyParameterValue(keys: readonly SubscriptionSigningKeys[]): pulumi.Output<string> {
  const all = keys.flatMap((k) => (k.previous ? [k.current, k.previous] : [k.current]));
  return pulumi.secret(pulumi.all(all).apply((values) => formatSigningKeys(values)));
}
