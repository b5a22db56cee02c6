/**
 * Throughput of the local receiver (tools/local/receiver/server.ts: the Lambda handler behind the
 * HTTP adapter, forwarding to the EventBridge stub) against the minimal hand-written peer behind
 * the same adapter, forwarding to the same stub (baseline-server.ts), under the same autocannon
 * load of unique signed deliveries, in alternating rounds. Each server runs in its own process
 * (test/load/spawn.ts); autocannon and the stub share this one. Besides answers per second and
 * latency, each server's CPU time per answer.
 */
import { KEY } from "../test/lambda/support";
import { runLoad } from "../test/load/load";
import { type ServerProcess, spawnServer } from "../test/load/spawn";
import { startEventBridgeStub } from "../tools/aws-stubs";
import { FUNCTION_ENV } from "./function-env";
import { alternate, type Spread, spread } from "./stats";

export interface ThroughputOptions {
  rounds: number;
  /** Seconds per round and server. */
  seconds: number;
  connections: number;
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerAnswer: number;
}

export interface ServerFigures {
  rps: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  cpuMsPerAnswer: Spread;
}

export interface ThroughputResult extends ThroughputOptions {
  baseline: ServerFigures;
  receiver: ServerFigures;
  /** receiver / baseline answers per second, per round. */
  ratio: Spread;
  /** receiver / baseline CPU per answer, per round. */
  cpuRatio: Spread;
}

function figures(rounds: Round[]): ServerFigures {
  return {
    rps: spread(rounds.map((r) => r.rps)),
    p50Ms: spread(rounds.map((r) => r.p50)),
    p99Ms: spread(rounds.map((r) => r.p99)),
    cpuMsPerAnswer: spread(rounds.map((r) => r.cpuMsPerAnswer)),
  };
}

export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const stub = await startEventBridgeStub();
  const servers: ServerProcess[] = [];
  try {
    const env = {
      ...FUNCTION_ENV,
      AWS_ENDPOINT_URL_EVENTBRIDGE: stub.url,
      CALENDLY_SIGNING_KEYS: KEY,
    };
    const started = await Promise.allSettled([
      spawnServer("bench/baseline-server.ts", env),
      spawnServer("test/load/receiver-process.ts", env),
    ]);
    for (const result of started) if (result.status === "fulfilled") servers.push(result.value);
    const failure = started.find((result) => result.status === "rejected");
    if (failure !== undefined) throw failure.reason;
    const [baseline, receiver] = servers as [ServerProcess, ServerProcess];

    const round = async (server: ServerProcess, seconds: number): Promise<Round> => {
      const cpuBefore = await server.cpuMicros();
      const load = await runLoad({
        url: server.url,
        connections: options.connections,
        duration: seconds,
        key: KEY,
      });
      const cpu = (await server.cpuMicros()) - cpuBefore;
      const ok = load.statuses.get(200) ?? 0;
      if (ok !== load.answered || load.timeouts > 0 || load.errors > 0) {
        throw new Error(
          `throughput: ${server.url} answered ${[...load.statuses].map(([s, n]) => `${s}×${n}`).join(", ")}, ${load.timeouts} timeouts, ${load.errors} errors`,
        );
      }
      // Only the count matters to the stub here; forget what it recorded.
      stub.reset();
      return {
        rps: load.throughput,
        p50: load.latencyMs.p50,
        p99: load.latencyMs.p99,
        cpuMsPerAnswer: cpu / 1000 / Math.max(1, load.answered),
      };
    };
    // Warm-up: JIT, lazy SDK clients, keep-alive sockets to the stub.
    await round(baseline, 2);
    await round(receiver, 2);
    const rounds = await alternate(
      options.rounds,
      () => round(baseline, options.seconds),
      () => round(receiver, options.seconds),
    );
    return {
      ...options,
      baseline: figures(rounds.a),
      receiver: figures(rounds.b),
      ratio: spread(rounds.b.map((r, i) => r.rps / rounds.a[i]!.rps)),
      cpuRatio: spread(rounds.b.map((r, i) => r.cpuMsPerAnswer / rounds.a[i]!.cpuMsPerAnswer)),
    };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    await stub.close();
  }
}
