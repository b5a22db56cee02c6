/**
 * One fault schedule over a subscription's life, driven through Pulumi's dynamic-provider host:
 * create, refresh, replace (new events), refresh, delete. A failed step is run again, as a user
 * re-runs `pulumi up`, with the state the engine kept. Afterwards the emulator's subscriptions are
 * compared with what the provider reported.
 */
import { SIGNATURE_HEADER, verifySignature } from "../../calendly";
import type { Emulator } from "../../emulator/server";
import { type Engine, type ResourceState, UpFailedError } from "../../tools/pulumi-host/engine";
import type { Receiver } from "../support/receiver";
import { seededRandom } from "./prng";
import { type FaultKind, faultSchedule, kindOf } from "./schedule";

export interface ScenarioResult {
  seed: number;
  faults: FaultKind[];
  /** Faults that actually hit a call (a rule may outlast the calls it matches). */
  fired: FaultKind[];
  /** Steps that failed and were run again. */
  reruns: number;
  /** More than one subscription for the resource's URL at a check point. */
  duplicates: number;
  /** Subscriptions at Calendly that the state does not know (left behind). */
  orphans: number;
  /** Subscriptions the state holds that Calendly does not have, or whose key does not verify. */
  lost: number;
  /** Steps that still failed after every re-run. */
  stuck: string[];
  /** Calendly calls made. */
  calls: number;
}

const MAX_RERUNS = 6;

export async function runScenario(
  seed: number,
  parts: { engine: Engine; emulator: Emulator; receiver: Receiver; trace?: (line: string) => void },
): Promise<ScenarioResult> {
  const { engine, emulator, receiver } = parts;
  const trace = parts.trace ?? (() => undefined);
  await emulator.control.reset();
  const random = seededRandom(seed);
  const rules = faultSchedule(random);
  const url = `${receiver.url}/seed-${seed}`;
  const result: ScenarioResult = {
    seed,
    faults: rules.map(kindOf),
    fired: [],
    reruns: 0,
    duplicates: 0,
    orphans: 0,
    lost: 0,
    stuck: [],
    calls: 0,
  };
  await emulator.control.reset();
  receiver.received.length = 0;
  const injected = emulator.control.injectFaults(rules);

  let state: ResourceState | undefined;
  const mine = () => emulator.control.subscriptions().filter((s) => s.callback_url === url);

  /** Runs a step until it succeeds, as a user re-running the command would. */
  async function step(name: string, run: () => Promise<void>) {
    for (let attempt = 0; attempt <= MAX_RERUNS; attempt++) {
      const firstCall = emulator.control.requests().length;
      const calls = () =>
        emulator.control
          .requests()
          .slice(firstCall)
          .map(
            (r) =>
              `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ":id")} → ${r.status ?? "dropped"}${r.fault ? ` (${r.fault})` : ""}`,
          )
          .join(", ");
      try {
        await run();
        trace(`${name}: ok; state ${state ? state.id : "none"}; calls: ${calls()}`);
        return;
      } catch (error) {
        trace(`${name}: FAILED (${(error as Error).message.split("\n")[0]}); calls: ${calls()}`);
        if (error instanceof UpFailedError) state = error.state;
        if (attempt === MAX_RERUNS) result.stuck.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
        else result.reruns++;
      }
    }
  }

  /** At rest, Calendly must hold exactly the subscription the state holds, with the state's key. */
  async function checkConverged() {
    const subs = mine();
    if (subs.length > 1) result.duplicates += subs.length - 1;
    if (!state) {
      result.orphans += subs.length;
      return;
    }
    const held = subs.find((s) => s.uuid === state!.id);
    trace(`check: state ${state.id}; Calendly holds ${subs.map((s) => s.uuid).join(", ") || "nothing"}`);
    if (!held) {
      result.lost++;
      result.orphans += subs.length;
      return;
    }
    result.orphans += subs.filter((s) => s.uuid !== state!.id).length;
    // The key in state must be the one Calendly signs with. (Deliveries are not API calls: the
    // fault rules do not touch them.)
    const before = receiver.received.length;
    emulator.control.fireEvent({
      event: "invitee.created",
      organization: held.organization,
      user: held.user ?? undefined,
    });
    await emulator.control.waitForDeliveries({ timeoutMs: 5_000 });
    const delivery = receiver.received.slice(before).find((r) => r.path === new URL(url).pathname);
    const verified =
      delivery !== undefined &&
      verifySignature({
        header: delivery.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        body: delivery.raw,
        keys: [state.outputs.signingKey as string],
      }).ok;
    if (!verified) {
      trace("check: the key in state does not verify Calendly's delivery");
      result.lost++;
    }
  }

  const inputs = (events: string[]) => ({ url, events, scope: "user" });

  await step("create", async () => {
    state = (await engine.up(state, inputs(["invitee.created"]))).state;
  });
  await checkConverged();
  await step("refresh", async () => {
    if (state) state = await engine.refresh(state);
  });
  await step("replace", async () => {
    state = (await engine.up(state, inputs(["invitee.canceled", "invitee.created"]))).state;
  });
  await checkConverged();
  await step("refresh", async () => {
    if (state) state = await engine.refresh(state);
  });
  await step("delete", async () => {
    if (state) {
      await engine.destroy(state);
      state = undefined;
    }
  });
  const remaining = new Map(emulator.control.faults().map((f) => [f.id, f.remainingTimes]));
  for (const rule of injected) {
    const fired = rule.remainingTimes - (remaining.get(rule.id) ?? 0);
    for (let i = 0; i < fired; i++) result.fired.push(kindOf(rule.rule));
  }
  emulator.control.clearFaults();
  const left = mine();
  result.orphans += left.length;
  result.calls = emulator.control.requests().length;
  // Leave nothing for the next schedule.
  for (const sub of left) emulator.control.deleteSubscription(sub.uuid);
  return result;
}
