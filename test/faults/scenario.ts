/**
 * One fault schedule over a subscription's life, driven through an engine (stacks.ts: our model
 * over Pulumi's dynamic-provider host, or the real CLI): create, refresh, replace (new events),
 * refresh, delete. A failed step is run again, as a user re-runs `pulumi up`, with the state the
 * engine kept. Afterwards the emulator's subscriptions are compared with what the state holds.
 *
 * The replacement takes one of the two paths: `fixed` keeps the URL, so the old subscription is
 * deleted first (Calendly refuses a second one with the same URL); `marked` gives the URL a marker
 * that changes with the events, as the stack does (pulumi-calendly's `markedUrl`), so the new one
 * is created first and the old one deleted after it: a fault there leaves the old one in the
 * state as a pending delete, for the next `up` to delete.
 */
import { markedUrl } from "pulumi-calendly";
import { SIGNATURE_HEADER, verifySignature } from "../../calendly";
import type { Emulator } from "../../emulator/server";
import type { Receiver } from "../support/receiver";
import { seededRandom } from "./prng";
import { type FaultKind, faultSchedule, kindOf } from "./schedule";
import type { FaultStack, HeldState } from "./stacks";

export type UrlMode = "fixed" | "marked";
export const URL_MODES: readonly UrlMode[] = ["fixed", "marked"];

export interface ScenarioResult {
  seed: number;
  urls: UrlMode;
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
  parts: {
    stack: FaultStack;
    urls: UrlMode;
    emulator: Emulator;
    receiver: Receiver;
    trace?: (line: string) => void;
  },
): Promise<ScenarioResult> {
  const { stack, emulator, receiver, urls } = parts;
  const trace = parts.trace ?? (() => undefined);
  await emulator.control.reset();
  const random = seededRandom(seed);
  const rules = faultSchedule(random);
  const base = `${receiver.url}/seed-${seed}`;
  const urlOf = (events: string[]) =>
    urls === "marked"
      ? markedUrl(base, "bookings", { events, scope: "user" })
      : `${base}?subscription=bookings`;
  const result: ScenarioResult = {
    seed,
    urls,
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

  const mine = () => emulator.control.subscriptions().filter((s) => s.callback_url.startsWith(`${base}?`));
  const described = (state: HeldState) =>
    `${state.live?.id ?? "none"}${state.pendingDeletes.length ? ` (pending deletes ${state.pendingDeletes.join(", ")})` : ""}`;

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
        if (parts.trace) trace(`${name}: ok; state ${described(await stack.state())}; calls: ${calls()}`);
        return;
      } catch (error) {
        trace(`${name}: FAILED (${(error as Error).message.split("\n")[0]}); calls: ${calls()}`);
        if (attempt === MAX_RERUNS) result.stuck.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
        else result.reruns++;
      }
    }
  }

  /**
   * At rest, Calendly must hold exactly the subscription the state holds, with the state's key. One
   * the state keeps as a pending delete is no orphan (the next `up` deletes it), but still a
   * duplicate while it exists.
   */
  async function checkConverged() {
    const state = await stack.state();
    const subs = mine();
    if (subs.length > 1) result.duplicates += subs.length - 1;
    const known = new Set([state.live?.id, ...state.pendingDeletes]);
    result.orphans += subs.filter((s) => !known.has(s.uuid)).length;
    trace(
      `check: state ${described(state)}; Calendly holds ${subs.map((s) => s.uuid).join(", ") || "nothing"}`,
    );
    if (!state.live) return;
    const held = subs.find((s) => s.uuid === state.live!.id);
    if (!held) {
      result.lost++;
      return;
    }
    // The key in state must be the one Calendly signs with. (Deliveries are not API calls: the
    // fault rules do not touch them.)
    const before = receiver.received.length;
    emulator.control.fireEvent({
      event: "invitee.created",
      organization: held.organization,
      user: held.user ?? undefined,
    });
    await emulator.control.waitForDeliveries({ timeoutMs: 5_000 });
    const target = new URL(held.callback_url);
    const delivery = receiver.received
      .slice(before)
      .find((r) => r.path === `${target.pathname}${target.search}`);
    const verified =
      delivery !== undefined &&
      verifySignature({
        header: delivery.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        body: delivery.raw,
        keys: [state.live.signingKey],
      }).ok;
    if (!verified) {
      trace("check: the key in state does not verify Calendly's delivery");
      result.lost++;
    }
  }

  const inputs = (events: string[]) => ({ url: urlOf(events), events, scope: "user" });

  await step("create", () => stack.up(inputs(["invitee.created"])));
  await checkConverged();
  await step("refresh", () => stack.refresh());
  await step("replace", () => stack.up(inputs(["invitee.canceled", "invitee.created"])));
  await checkConverged();
  await step("refresh", () => stack.refresh());
  await step("delete", () => stack.destroy());
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
