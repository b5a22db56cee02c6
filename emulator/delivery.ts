/**
 * Webhook delivery as API.md ("Webhook delivery") and Calendly's "Webhook Errors" page describe it:
 * POST the envelope as JSON to the callback URL, signed with the subscription's signing key; any
 * 2xx is success, everything else (3xx included, redirects are not followed), a connection error or
 * a timeout is a failure, retried with exponential back-off; a `410 Gone` deletes the subscription
 * at once.
 *
 * Retry windows belong to each message: a message is retried for `retryWindowMs` after its own
 * first failure, or until `retryWindowMs` after its booking ends (invitee events), whichever comes
 * first; other messages keep being sent meanwhile; when a message finally fails the subscription
 * turns `disabled`. `retry_started_at` moves as the configured reading of Calendly's documentation
 * says (retry-started-at.ts); by default (`run`) it is history, not a live flag: set when the
 * subscription starts retrying (no message of it was being retried), and left set after deliveries
 * succeed, even while a later message is still being retried.
 *
 * Deliveries run in the background; `waitForIdle()` lets tests wait for them instead of sleeping.
 * Every attempt is recorded with its outcome. Each attempt is one calendly/delivery.ts
 * `sendDelivery`, the CLI's `send-test` sends the same way.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Agent } from "undici";
import {
  calendlyTime,
  type DeliveryFailure,
  type DeliveryOutcome,
  signatureHeader,
  WEBHOOK_DELIVERY_TIMEOUTS,
} from "../calendly";
import { createDeliveryAgent, sendDelivery } from "../calendly/delivery";
import { DEFAULT_RETRY_STARTED_AT_READING, RetryBook, type RetryStartedAtReading } from "./retry-started-at";
import type { Store, StoredSubscription } from "./store";
import { envelopeFor, type ResolvedTrigger } from "./triggers";

export interface DeliveryTimings {
  /** How long to wait for the TCP connection. Calendly: 10 s. */
  connectTimeoutMs: number;
  /**
   * How long to wait for the whole response, counted from the start of the request (on a reused
   * or loopback connection, the time the receiver takes to answer). Calendly: 15 s.
   */
  responseTimeoutMs: number;
  /** Delay before the first retry; doubles with each failure. */
  retryInitialMs: number;
  /** Longest delay between retries. */
  retryMaxMs: number;
  /**
   * How long one message is retried after its first failure (or after its booking ends, if that
   * comes first) before it finally fails and the subscription is disabled. Calendly: 24 h.
   */
  retryWindowMs: number;
}

export const DEFAULT_DELIVERY_TIMINGS: DeliveryTimings = {
  connectTimeoutMs: WEBHOOK_DELIVERY_TIMEOUTS.connectMs,
  responseTimeoutMs: WEBHOOK_DELIVERY_TIMEOUTS.responseMs,
  retryInitialMs: 5_000,
  retryMaxMs: 600_000,
  retryWindowMs: 24 * 3_600_000,
};

export type AttemptOutcome =
  /** 2xx. */
  | "success"
  /** Failed; another attempt is scheduled. */
  | "failure"
  /** 410 Gone: the subscription was deleted. */
  | "gone"
  /** Failed after its message's retry window: the subscription was disabled. */
  | "disabled";

export type AttemptError = DeliveryFailure;

export interface DeliveryAttempt {
  /** Groups the attempts of one event to one subscription. */
  delivery: number;
  subscription: string;
  subscription_uri: string;
  event: string;
  url: string;
  attempt: number;
  /** HTTP status received; `null` when no response came. */
  status: number | null;
  error: AttemptError | null;
  /** Low-level detail of `error` (an errno or undici code). */
  error_detail: string | null;
  outcome: AttemptOutcome;
  signed: boolean;
  started_at: string;
  finished_at: string;
  duration_ms: number;
}

export interface DeliveryFilter {
  subscription?: string;
  event?: string;
  outcome?: AttemptOutcome;
}

type SendResult =
  | { status: number; outcome: DeliveryOutcome; error: null; detail: null }
  | { status: null; outcome: "failure"; error: AttemptError; detail: string };

const USER_AGENT = "Calendly-Webhooks (calendly-webhooks-pulumi emulator)";

/**
 * When the booking a message is about ends (`payload.scheduled_event.end_time`, else its
 * `start_time`), in ms; `undefined` for messages about no booking (event types, contacts, ...).
 */
export function bookingEndMs(body: Buffer): number | undefined {
  try {
    const envelope = JSON.parse(body.toString("utf8")) as { payload?: { scheduled_event?: unknown } };
    const event = envelope.payload?.scheduled_event;
    if (typeof event !== "object" || event === null) return undefined;
    const { end_time: end, start_time: start } = event as { end_time?: unknown; start_time?: unknown };
    const time = Date.parse(String(typeof end === "string" ? end : start));
    return Number.isNaN(time) ? undefined : time;
  } catch {
    return undefined;
  }
}

/** The last moment a message that first failed at `firstFailureMs` is still retried. */
export function retryDeadlineMs(firstFailureMs: number, windowMs: number, bookingEnd: number | undefined) {
  return Math.min(firstFailureMs + windowMs, bookingEnd === undefined ? Infinity : bookingEnd + windowMs);
}

export class Deliverer {
  private readonly attempts: DeliveryAttempt[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Per subscription uuid, the deliveries (messages) being retried now. */
  private readonly retrying = new Map<string, RetryBook>();
  private abort = new AbortController();
  private agent: Agent;
  private nextDelivery = 1;

  constructor(
    private readonly store: Store,
    private readonly timings: DeliveryTimings,
    private readonly log: (line: string) => void,
    /** How `retry_started_at` moves (retry-started-at.ts). */
    private readonly reading: RetryStartedAtReading = DEFAULT_RETRY_STARTED_AT_READING,
    private readonly maxAttempts = 10_000,
    /** Where a callback URL's deliveries go (EmulatorOptions.deliverTo). */
    private readonly deliverTo: (callbackUrl: string) => string = (url) => url,
  ) {
    this.agent = this.newAgent();
  }

  private newAgent(): Agent {
    return createDeliveryAgent({
      connectMs: this.timings.connectTimeoutMs,
      responseMs: this.timings.responseTimeoutMs,
    });
  }

  /** Starts delivering `trigger` to `subscriptions` in the background. */
  deliver(trigger: ResolvedTrigger, subscriptions: readonly StoredSubscription[]): void {
    for (const sub of subscriptions) {
      // Serialized once: every retry sends exactly these bytes (only the signature's time changes).
      const body = Buffer.from(JSON.stringify(envelopeFor(sub, trigger)), "utf8");
      const job = this.run(this.nextDelivery++, sub.uuid, trigger.event, body).finally(() => {
        this.inFlight.delete(job);
      });
      this.inFlight.add(job);
    }
  }

  private async run(delivery: number, uuid: string, event: string, body: Buffer): Promise<void> {
    const signal = this.abort.signal;
    let deadline: number | undefined;
    try {
      for (let attempt = 1; !signal.aborted; attempt++) {
        const sub = this.store.subscription(uuid);
        // Deleted or disabled meanwhile (by 410, a message's final failure, a client or the control API).
        if (sub?.state !== "active") return;

        const startedAt = new Date();
        const result = await this.send(sub, body, signal);
        if (signal.aborted) return;
        const finishedAt = new Date();
        let outcome: AttemptOutcome = result.outcome;
        const at = finishedAt.getTime();
        const retryStartedAt = sub.retry_started_at === null ? null : Date.parse(sub.retry_started_at);
        if (outcome === "gone") {
          this.store.deleteSubscription(uuid);
        } else if (outcome === "success") {
          this.setRetryStartedAt(sub, this.retrying.get(uuid)?.succeeded(delivery, at, retryStartedAt));
        } else if (outcome === "failure") {
          deadline ??= retryDeadlineMs(at, this.timings.retryWindowMs, bookingEndMs(body));
          this.setRetryStartedAt(sub, this.book(uuid).failed(delivery, at, retryStartedAt));
          if (at >= deadline) {
            outcome = "disabled";
            this.store.disableSubscription(uuid, finishedAt);
          }
        }
        this.record({
          delivery,
          subscription: uuid,
          subscription_uri: sub.uri,
          event,
          url: sub.callback_url,
          attempt,
          status: result.status,
          error: result.error,
          error_detail: result.detail,
          outcome,
          signed: sub.signingKey !== null,
          started_at: startedAt.toISOString(),
          finished_at: finishedAt.toISOString(),
          duration_ms: finishedAt.getTime() - startedAt.getTime(),
        });
        if (outcome !== "failure") return;

        const backoff = Math.min(this.timings.retryInitialMs * 2 ** (attempt - 1), this.timings.retryMaxMs);
        try {
          await sleep(backoff, undefined, { signal });
        } catch {
          return; // Aborted by close() or reset().
        }
      }
    } finally {
      this.retrying.get(uuid)?.ended(delivery);
    }
  }

  /** The retry book of `sub` (retry-started-at.ts), created on its first failure. */
  private book(uuid: string): RetryBook {
    let book = this.retrying.get(uuid);
    if (!book) {
      book = new RetryBook(this.reading);
      this.retrying.set(uuid, book);
    }
    return book;
  }

  /** Writes what the retry book made of `retry_started_at` (undefined: unchanged). */
  private setRetryStartedAt(sub: StoredSubscription, next: number | null | undefined): void {
    if (next !== undefined) sub.retry_started_at = next === null ? null : calendlyTime(new Date(next));
  }

  private async send(sub: StoredSubscription, body: Buffer, signal: AbortSignal): Promise<SendResult> {
    const result = await sendDelivery({
      url: this.deliverTo(sub.callback_url),
      body,
      signature:
        sub.signingKey === null
          ? undefined
          : signatureHeader(sub.signingKey, body, Math.floor(Date.now() / 1000)),
      userAgent: USER_AGENT,
      timeouts: { responseMs: this.timings.responseTimeoutMs },
      dispatcher: this.agent,
      signal,
    });
    // The receiver's answer does not matter beyond its status.
    return result.kind === "answer"
      ? { status: result.status, outcome: result.outcome, error: null, detail: null }
      : { status: null, outcome: "failure", error: result.failure, detail: result.code };
  }

  private record(attempt: DeliveryAttempt): void {
    this.attempts.push(attempt);
    if (this.attempts.length > this.maxAttempts)
      this.attempts.splice(0, this.attempts.length - this.maxAttempts);
    const status = attempt.status ?? attempt.error;
    this.log(
      `delivery ${attempt.event} -> ${attempt.url} (subscription ${attempt.subscription}) attempt ${attempt.attempt}: ` +
        `${status} ${attempt.outcome} ${attempt.duration_ms}ms`,
    );
  }

  list(filter: DeliveryFilter = {}): DeliveryAttempt[] {
    return this.attempts
      .filter(
        (a) =>
          (!filter.subscription || a.subscription === filter.subscription) &&
          (!filter.event || a.event === filter.event) &&
          (!filter.outcome || a.outcome === filter.outcome),
      )
      .map((a) => ({ ...a }));
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Resolves once no delivery is in flight or waiting to retry; rejects after `timeoutMs`. */
  async waitForIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `${this.inFlight.size} webhook deliveries still in flight after ${timeoutMs} ms ` +
            "(is the retry window longer than the wait? configure shorter delivery timings in tests)",
        );
      }
      // Deliveries started meanwhile join the set: loop until it is empty.
      const cancelTimer = new AbortController();
      const timer = sleep(left, undefined, { signal: cancelTimer.signal }).catch(() => undefined);
      await Promise.race([Promise.allSettled([...this.inFlight]), timer]);
      cancelTimer.abort();
    }
  }

  /** Stops every delivery and retry, and forgets recorded attempts. */
  async reset(): Promise<void> {
    await this.stop();
    this.attempts.length = 0;
    this.retrying.clear();
    this.abort = new AbortController();
    this.agent = this.newAgent();
  }

  /** Stops every delivery and retry and closes connections. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
    await this.agent.destroy().catch(() => undefined);
  }
}
