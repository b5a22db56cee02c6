/**
 * The part of autocannon 9's API the load run and the benchmarks use. autocannon ships no types,
 * and `@types/autocannon` lags its major versions; these few lines, checked against
 * node_modules/autocannon/lib (run.js, httpClient.js, requestIterator.js), are all we need.
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    /** What `setupRequest` receives and returns; returned as is, it becomes the next request. */
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    /** Per connection, reset to `initialContext` whenever the list of requests starts over. */
    type Context = Record<string, unknown>;

    interface Request extends RequestParams {
      /** Called just before each request is written (the first one when the connection is built). */
      setupRequest?: (request: RequestParams, context: Context) => RequestParams | null | undefined;
      /** Called once the whole response has arrived, before the connection's next request. */
      onResponse?: (status: number, body: string, context: Context, headers: Record<string, string>) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Total requests, instead of a duration. */
      amount?: number;
      pipelining?: number;
      /** Seconds before a request without an answer counts as a timeout (default 10). */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      requests?: Request[];
      initialContext?: Context;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p97_5: number;
      p99: number;
      total: number;
      sent: number;
    }

    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      "2xx": number;
      "3xx": number;
      "4xx": number;
      "5xx": number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram;
    }

    /** The running job: an EventEmitter that is also a promise of the result. */
    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
