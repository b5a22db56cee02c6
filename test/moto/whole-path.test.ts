/**
 * The whole path (test/e2e/whole-path.ts) with moto as AWS: the receiver reads its keys from a
 * SecureString and puts events on a bus whose rule copies them to an SQS queue, read back here.
 */
import { describe } from "vitest";
import type { CalendlyEventDetail } from "../../lambda/detail";
import { LOCAL_KEY_PARAMETER } from "../../tools/local/stack";
import { type MotoAws, startMotoAws } from "../../tools/moto/aws";
import { skipWithoutMoto } from "../../tools/moto/server";
import { wholePathSuite } from "../e2e/whole-path";

describe.skipIf(skipWithoutMoto())("moto", () => {
  let aws: MotoAws | undefined;
  wholePathSuite({
    name: "moto",
    start: async () => {
      aws = await startMotoAws();
      const started = aws;
      return {
        env: started.env,
        busName: started.busName,
        bucket: started.bucket,
        putKeys: (text) => started.putParameter(LOCAL_KEY_PARAMETER, text),
      };
    },
    entries: async () =>
      (await aws!.busEvents()).map((e) => ({
        source: e.source,
        detailType: e["detail-type"],
        detail: e.detail as unknown as CalendlyEventDetail,
      })),
    urls: () => [],
    close: async () => aws?.close(),
  });
});
