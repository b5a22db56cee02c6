/**
 * Where accepted deliveries go: a custom EventBridge bus, and an archive of everything on it so
 * any window of events can be replayed (e.g. after a consumer's outage).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface EventsArgs {
  archiveRetentionDays: number;
}

export function receiverEvents(name: string, args: EventsArgs, parent: pulumi.Resource) {
  const bus = new aws.cloudwatch.EventBus(
    `${name}-bus`,
    { description: "Calendly webhook deliveries, verified by the receiver" },
    { parent },
  );
  const archive = new aws.cloudwatch.EventArchive(
    `${name}-archive`,
    {
      eventSourceArn: bus.arn,
      retentionDays: args.archiveRetentionDays,
      description: `Every Calendly event on ${name}'s bus, for replay`,
    },
    { parent },
  );
  return { bus, archive };
}
