/**
 * What Pulumi's state holds for one resource across `up`, `refresh` and `destroy`, over the model
 * engine (engine.ts): the live resource, and the old ones a create-first replacement could not
 * delete. Read from Pulumi v3.276.0's engine (pkg/resource/deploy):
 *
 * - step.go, CreateStep.Apply: once a create-first replacement's new resource exists, the old one
 *   is marked `Delete = true` (a pending delete); the DeleteStep that follows removes it from the
 *   state only when the provider's Delete succeeded. When it fails, the `up` fails and the state
 *   keeps both: the new resource, and the old one with `delete: true`.
 * - step_generator.go, GenerateDeletes: every later `up` issues a delete for each resource of the
 *   previous state with `Delete` set, after the program's resources are registered (and so after
 *   the live resource's own step); `destroy` deletes them with the rest.
 * - deployment_executor.go, refresh: `pulumi refresh` reads every resource of the state, pending
 *   deletes included; one its provider reports gone leaves the state.
 *
 * Where the real engine runs steps side by side, this model runs them in a fixed order and stops
 * at the first failure: on `up` the live step, then the pending deletes, oldest first; on
 * `destroy` the pending deletes, then the live resource. test/engine/differential.test.ts checks
 * that both end in the same state.
 */
import { type Engine, type ResourceState, UpFailedError, type UpResult } from "./engine";
import type { PropertyMap } from "./host";

export interface ResourceEntries {
  /** The resource the program declares, once created. */
  live: ResourceState | undefined;
  /** Old resources kept with `delete: true`, oldest first. */
  pendingDeletes: ResourceState[];
}

export interface StatefulEngine {
  /** The state as the last operation left it. */
  readonly state: ResourceEntries;
  /** `pulumi up`; rejects, with the state kept, as the CLI exits non-zero. */
  up(programInputs: PropertyMap): Promise<UpResult>;
  refresh(): Promise<void>;
  destroy(): Promise<void>;
}

export function createStatefulEngine(engine: Engine): StatefulEngine {
  const state: ResourceEntries = { live: undefined, pendingDeletes: [] };

  /** Deletes the pending deletes in order; the first failure stops, keeping it and the rest. */
  async function deletePending(): Promise<void> {
    while (state.pendingDeletes.length > 0) {
      await engine.destroy(state.pendingDeletes[0]!);
      state.pendingDeletes.shift();
    }
  }

  return {
    state,
    async up(programInputs) {
      let result: UpResult;
      try {
        result = await engine.up(state.live, programInputs);
      } catch (error) {
        if (error instanceof UpFailedError) {
          state.live = error.state;
          state.pendingDeletes.push(...error.pendingDeletes);
        }
        throw error;
      }
      state.live = result.state;
      await deletePending();
      return result;
    },
    async refresh() {
      const kept: ResourceState[] = [];
      for (const old of state.pendingDeletes) {
        const read = await engine.refresh(old);
        if (read) kept.push(read);
      }
      state.pendingDeletes = kept;
      if (state.live) state.live = await engine.refresh(state.live);
    },
    async destroy() {
      await deletePending();
      if (state.live) await engine.destroy(state.live);
      state.live = undefined;
    },
  };
}
