/**
 * One delivery's deadline: everything the receiver waits for while handling a delivery (reading the
 * signing keys, the claim check, PutEvents with its retries) must settle before it, so that Calendly
 * gets our 503, with its log line and metric, rather than a gateway error when the function times
 * out.
 *
 * Waiting is bounded twice. The AWS calls get `signal`, which the SDK's HTTP handler honours
 * (`requestHandler.handle(request, { abortSignal })`, `client.send(command, { abortSignal })`):
 * at the deadline the request is destroyed. And `race` ends the wait itself at the deadline, for the
 * steps that take no signal (resolving credentials or the region, signing): a call that ignores the
 * abort cannot hold the answer. Hand-written because no SDK setting bounds a sequence of calls as a
 * whole; `AbortSignal.timeout` would, but cannot be cleared, and builds its timer for every
 * delivery, which the lazy timer here does only for a delivery that waits on something.
 */

/** What `race` resolves to when the deadline came first. */
export const EXPIRED: unique symbol = Symbol("deadline expired");

export interface Deadline {
  /** When it passes, in epoch milliseconds. */
  readonly at: number;
  /** Aborted when the deadline passes (no sooner: `abort()` costs a DOMException and its stack). */
  readonly signal: AbortSignal;
  /** Whether the deadline has passed. */
  readonly expired: boolean;
  /** `work`'s result, or `EXPIRED` if the deadline passes first. */
  race<T>(work: Promise<T>): Promise<T | typeof EXPIRED>;
  /** Stops the timer; call once the delivery is answered. */
  dispose(): void;
}

/** A deadline at `at` (epoch milliseconds). Nothing is armed until something waits on it. */
export function createDeadline(at: number, now: () => number = Date.now): Deadline {
  let controller: AbortController | undefined;
  let passed: Promise<typeof EXPIRED> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let fired = false;

  const arm = (): { controller: AbortController; passed: Promise<typeof EXPIRED> } => {
    if (controller === undefined || passed === undefined) {
      const armed = new AbortController();
      controller = armed;
      passed = new Promise<typeof EXPIRED>((resolve) => {
        const fire = () => {
          fired = true;
          armed.abort();
          resolve(EXPIRED);
        };
        const wait = at - now();
        if (wait <= 0) fire();
        else timer = setTimeout(fire, wait);
      });
    }
    return { controller, passed };
  };

  return {
    at,
    get signal() {
      return arm().controller.signal;
    },
    get expired() {
      return fired || now() >= at;
    },
    race(work) {
      return Promise.race([work, arm().passed]);
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}
