/**
 * The scale benchmark's floor: one RandomString per declared subscription (config `subscriptions`,
 * the same as the other programs'), served by the stand-in `random` plugin, which does nothing but
 * generate the string. Each resource's output is exported as a subscription's uri is.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

const declared = new pulumi.Config().requireObject<{ name: string }[]>("subscriptions");
const strings = declared.map((d) => [d.name, new random.RandomString(d.name, { length: 16 })] as const);

export const uris = pulumi.all(Object.fromEntries(strings.map(([name, s]) => [name, s.result])));
