/**
 * When Calendly sets, moves and clears a subscription's `retry_started_at`: every reading its
 * documentation allows, each a rule the emulator can follow (`EmulatorOptions.retryStartedAt`,
 * `--retry-started-at`), so that whatever reads the field (calendly/health.ts) is tested under each.
 *
 * What Calendly says, and all it says:
 *   - developer FAQ ("How does a webhook become disabled?"): "the last time Calendly needed to
 *     start retrying";
 *   - OpenAPI (`WebhookSubscription.retry_started_at`, nullable): "The date and time the webhook
 *     subscription is retried";
 *   - API.md: a disabled subscription has `retry_started_at` "set when retrying began".
 * None says whether a later message's first failure moves it while another message is still being
 * retried, whether every failed attempt moves it, or whether it is cleared once every message got
 * through. Hence two questions, and the readings their answers make:
 *
 * | reading           | set or moved at                                            | cleared (null) when every message being retried got through |
 * | ----------------- | ---------------------------------------------------------- | ------------------------------------------------------------ |
 * | `run` (default)   | a first failure while no other message is being retried    | never                                                        |
 * | `run-cleared`     | the same                                                   | yes                                                          |
 * | `message`         | every message's first failure                              | never                                                        |
 * | `message-cleared` | the same                                                   | yes                                                          |
 * | `attempt`         | every failed attempt                                       | never                                                        |
 * | `attempt-cleared` | the same                                                   | yes                                                          |
 * | `first`           | the subscription's first failure ever, never moved after   | never                                                        |
 *
 * ("first, cleared" would be `run-cleared`: once cleared, the next failure is a first again.)
 * `run` is the FAQ's words read most literally ("start retrying": a subscription starts retrying
 * when nothing of it was being retried) and the emulator's behaviour since it was written; `first`
 * contradicts the FAQ's "last time" and is kept because the other two sources allow it. A
 * subscription that Calendly disables keeps the value it has then under every reading.
 */

export const RETRY_STARTED_AT_READINGS = [
  "run",
  "run-cleared",
  "message",
  "message-cleared",
  "attempt",
  "attempt-cleared",
  "first",
] as const;

export type RetryStartedAtReading = (typeof RETRY_STARTED_AT_READINGS)[number];

export const DEFAULT_RETRY_STARTED_AT_READING: RetryStartedAtReading = "run";

/** Something that happened to one message (one event to one subscription) of a subscription. */
export type RetryEvent =
  /** The message failed for the first time; `othersRetrying` other messages were being retried. */
  | { kind: "first-failure"; at: number; othersRetrying: number }
  /** A later attempt of a message being retried failed. */
  | { kind: "failure"; at: number }
  /** A message being retried got through; `othersRetrying` messages are still being retried. */
  | { kind: "recovered"; at: number; othersRetrying: number };

/** What `retry_started_at` becomes after `event`: a time (ms), `null`, or `undefined` for no change. */
export function nextRetryStartedAt(
  reading: RetryStartedAtReading,
  current: number | null,
  event: RetryEvent,
): number | null | undefined {
  const cleared = reading.endsWith("-cleared");
  switch (event.kind) {
    case "first-failure":
      if (reading === "first") return current === null ? event.at : undefined;
      if (reading === "run" || reading === "run-cleared") {
        return event.othersRetrying === 0 ? event.at : undefined;
      }
      return event.at;
    case "failure":
      return reading === "attempt" || reading === "attempt-cleared" ? event.at : undefined;
    case "recovered":
      return cleared && event.othersRetrying === 0 ? null : undefined;
  }
}

/**
 * One subscription's messages being retried, and what each failure or recovery makes of its
 * `retry_started_at` under `reading`. No clock and no I/O: the emulator's deliverer feeds it real
 * attempts, and test/calendly/health.test.ts feeds it generated timelines.
 */
export class RetryBook {
  private readonly retrying = new Set<number>();

  constructor(private readonly reading: RetryStartedAtReading) {}

  /** How many messages are being retried. */
  get size(): number {
    return this.retrying.size;
  }

  /** An attempt of `message` failed at `at`; returns what `retry_started_at` becomes (undefined: unchanged). */
  failed(message: number, at: number, current: number | null): number | null | undefined {
    if (this.retrying.has(message)) return nextRetryStartedAt(this.reading, current, { kind: "failure", at });
    const othersRetrying = this.retrying.size;
    this.retrying.add(message);
    return nextRetryStartedAt(this.reading, current, { kind: "first-failure", at, othersRetrying });
  }

  /** An attempt of `message` got through at `at`; returns what `retry_started_at` becomes. */
  succeeded(message: number, at: number, current: number | null): number | null | undefined {
    if (!this.retrying.delete(message)) return undefined;
    return nextRetryStartedAt(this.reading, current, {
      kind: "recovered",
      at,
      othersRetrying: this.retrying.size,
    });
  }

  /** `message` stops being retried without getting through (410, disabled, stopped): no change. */
  ended(message: number): void {
    this.retrying.delete(message);
  }
}
