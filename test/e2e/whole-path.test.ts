/** The whole path (whole-path.ts) with our AWS stubs; test/moto/whole-path.test.ts runs it on moto. */
import type { CalendlyEventDetail } from "../../lambda/detail";
import { wholePathSuite } from "./whole-path";

wholePathSuite({
  name: "stubs",
  start: async () => undefined,
  entries: async (stack) =>
    stack.aws.eventBridge.entries.map((e) => ({
      source: e.entry.Source ?? "",
      detailType: e.entry.DetailType ?? "",
      detail: e.detail as CalendlyEventDetail,
    })),
  urls: (stack) => [stack.aws.eventBridge.url],
  close: async () => undefined,
});
