/**
 * Calendly API calls per provider operation, counted by the emulator, with the provider running as
 * Pulumi runs it: `__provider` from Pulumi's serializer, loaded by Pulumi's dynamic-provider host,
 * driven through the engine's sequence of calls (tools/pulumi-host). Each figure is compared with
 * the least the operation can do (packages/pulumi-calendly/src/provider/README.md, "The resource's life").
 *
 * Also measures a resource's state: `__provider` against everything else the state holds for it.
 */

import { WEBHOOK_SUBSCRIPTION_TYPE } from "pulumi-calendly";
import type { Operation } from "../emulator/recorder";
import { type Emulator, startEmulator } from "../emulator/server";
import { createEngine, type Engine, type ResourceState } from "../tools/pulumi-host/engine";
import { type DynamicProviderHost, startDynamicProviderHost } from "../tools/pulumi-host/host";
import { PROJECT_ROOT, serializeWebhookSubscriptionProvider } from "../tools/pulumi-host/serialize";

export interface CallsRow {
  operation: string;
  /** Calls by emulator operation name. */
  calls: Partial<Record<Operation, number>>;
  total: number;
  minimum: number;
  /** What the minimum is made of. */
  expected: string;
  ms: number;
}

export interface CallsResult {
  rows: CallsRow[];
  /** One resource's state (inputs and outputs), as JSON bytes, with and without `__provider`. */
  stateBytes: number;
  stateBytesWithoutProvider: number;
}

const TOKEN = "emu-owner-token";

function withoutProvider(state: ResourceState): unknown {
  const { __provider: _in, ...inputs } = state.inputs;
  const { __provider: _out, ...outputs } = state.outputs;
  return { id: state.id, inputs, outputs };
}

export async function measureCalendlyCalls(): Promise<CallsResult> {
  const { provider } = await serializeWebhookSubscriptionProvider();
  const emulator: Emulator = await startEmulator();
  const hosts: DynamicProviderHost[] = [];
  // A fresh host is a fresh `pulumi up`: nothing cached from an earlier one.
  const freshEngine = async (): Promise<Engine> => {
    const env = { ...process.env };
    delete env.CALENDLY_TOKEN;
    delete env.CALENDLY_API_URL;
    const host = await startDynamicProviderHost({ cwd: PROJECT_ROOT, env, type: WEBHOOK_SUBSCRIPTION_TYPE });
    hosts.push(host);
    await host.configure({ "calendly:token": TOKEN, "calendly:apiUrl": emulator.url });
    return createEngine(host, provider);
  };
  const rows: CallsRow[] = [];
  const measure = async <T>(
    operation: string,
    minimum: number,
    expected: string,
    run: () => Promise<T>,
  ): Promise<T> => {
    const before = emulator.control.requests().length;
    const started = performance.now();
    const result = await run();
    const ms = performance.now() - started;
    const made = emulator.control.requests().slice(before);
    const calls: Partial<Record<Operation, number>> = {};
    for (const request of made) calls[request.operation] = (calls[request.operation] ?? 0) + 1;
    rows.push({ operation, calls, total: made.length, minimum, expected, ms });
    return result;
  };
  const inputs = (name: string, extra: Record<string, unknown> = {}) => ({
    url: `http://127.0.0.1:9/calendly/${name}`,
    events: ["invitee.created", "invitee.canceled"],
    scope: "user",
    ...extra,
  });

  try {
    const engine = await freshEngine();
    const a = await measure(
      "create, owners defaulted (first in the host)",
      2,
      "1 POST + 1 GET /users/me",
      () => engine.up(undefined, inputs("a")),
    );
    const b = await measure(
      "create, owners defaulted (second in the host)",
      1,
      "1 POST (/users/me cached)",
      () => engine.up(undefined, inputs("b")),
    );
    await measure("preview, no change (check + diff)", 0, "none", () => engine.preview(a.state, inputs("a")));
    const refreshed = await measure("refresh (read)", 1, "1 GET", () => engine.refresh(a.state));
    if (refreshed === undefined) throw new Error("calls: refresh lost the resource");
    await measure("delete", 1, "1 DELETE", () => engine.destroy(refreshed));

    const other = await freshEngine();
    const explicit = inputs("c", {
      organization: a.state.outputs.organization,
      user: a.state.outputs.user,
    });
    const c = await measure("create, organization and user given (fresh host)", 1, "1 POST", () =>
      other.up(undefined, explicit),
    );
    await other.destroy(c.state);
    await engine.destroy(b.state);
    const left = emulator.control.subscriptions();
    if (left.length > 0) throw new Error(`calls: ${left.length} subscriptions left behind`);
    return {
      rows,
      stateBytes: Buffer.byteLength(JSON.stringify(a.state)),
      stateBytesWithoutProvider: Buffer.byteLength(JSON.stringify(withoutProvider(a.state))),
    };
  } finally {
    for (const host of hosts) await host.close();
    await emulator.close();
  }
}
