/**
 * The Lambda's code: the receiver bundle (lambda/build.ts) as an asset archive.
 *
 * The bundle is byte-for-byte deterministic and the archive holds only its two files, so
 * unchanged code archives to the same hash and `pulumi preview` shows no diff for the function.
 * Each stack builds into its own folder, so two stacks previewed at once never share files.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { buildReceiverBundle, buildWatchdogBundle, type ReceiverBundle } from "../../lambda/build";

export interface ReceiverCode {
  code: pulumi.Output<pulumi.asset.Archive>;
  /** `<entry file without .js>.handler`, matching the archive's file name. */
  handler: pulumi.Output<string>;
}

/** Where a stack's bundle is written, relative to the project root. */
export function bundleDirectory(stack: string): string {
  return path.posix.join("dist", "stacks", stack, "lambda");
}

export function receiverCode(stack: string): ReceiverCode {
  return lambdaCode(buildReceiverBundle(bundleDirectory(stack)));
}

/** The watchdog's code, built beside the receiver's (its own two files, its own archive). */
export function watchdogCode(stack: string): ReceiverCode {
  return lambdaCode(buildWatchdogBundle(bundleDirectory(stack)));
}

function lambdaCode(built: Promise<ReceiverBundle>): ReceiverCode {
  const bundle = pulumi.output(built);
  return {
    code: bundle.apply(
      (b) =>
        new pulumi.asset.AssetArchive({
          // File names as built: the bundle's sourceMappingURL names its map by this name.
          [path.basename(b.entryFile)]: new pulumi.asset.FileAsset(b.entryFile),
          [path.basename(b.mapFile)]: new pulumi.asset.FileAsset(b.mapFile),
        }),
    ),
    handler: bundle.apply((b) => `${path.basename(b.entryFile, ".js")}.handler`),
  };
}
