/**
 * The steps Pulumi's engine takes for one dynamic resource, over a real provider host:
 * `up` = Check, then Create, or Diff and then nothing / Update / Replace (Check again without the
 * old inputs, as Pulumi's step generator does, then delete first when the provider asks for
 * deleteBeforeReplace, else create first); `refresh` = Read; `destroy` = Delete.
 *
 * It mirrors what `pulumi up/refresh/destroy` does with state for this one resource, so that
 * tests, `npm run dev` and the fault runs exercise the provider as a deployment would. What the
 * state keeps between operations when a create-first replacement cannot delete the old resource
 * (Pulumi's pending deletes) is state.ts's.
 */
import { type DiffResult, type DynamicProviderHost, HostCallError, type PropertyMap } from "./host";

/** What the engine's state file holds for the resource. */
export interface ResourceState {
  id: string;
  /** Checked inputs, `__provider` included. */
  inputs: PropertyMap;
  /** Outputs, `__provider` included. */
  outputs: PropertyMap;
}

export type UpOperation = "create" | "same" | "update" | "replace";

export interface UpResult {
  operation: UpOperation;
  state: ResourceState;
  diff?: DiffResult;
}

export class CheckFailedError extends Error {
  constructor(readonly failures: { property: string; reason: string }[]) {
    super(`check failed:\n${failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n")}`);
    this.name = "CheckFailedError";
  }
}

/**
 * An `up` that failed part-way, with the state it leaves, as Pulumi records it: unchanged when
 * nothing happened, none when a delete-first replacement deleted the old resource and then failed
 * to create the new one, the new one when a create-first replacement created it (even partially:
 * a create that reported an id) and then failed. That old resource is not forgotten: Pulumi's CreateStep marks it `delete:
 * true` once the new one exists (pkg/resource/deploy/step.go, `s.old.Delete = true`), a failed
 * DeleteStep leaves it so, and the next `up` or `destroy` deletes it (step_generator.go,
 * GenerateDeletes: "If this resource is explicitly marked for deletion ... delete it"). It is in
 * `pendingDeletes`.
 */
export class UpFailedError extends Error {
  constructor(
    readonly state: ResourceState | undefined,
    override readonly cause: unknown,
    /** Old resources the state keeps as pending deletes (`delete: true`). */
    readonly pendingDeletes: readonly ResourceState[] = [],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "UpFailedError";
  }
}

export interface Engine {
  /** What `pulumi preview` would do: Check and Diff only. */
  preview(
    state: ResourceState | undefined,
    programInputs: PropertyMap,
  ): Promise<{ operation: UpOperation; diff?: DiffResult }>;
  up(state: ResourceState | undefined, programInputs: PropertyMap): Promise<UpResult>;
  /** Undefined when the provider reports the resource gone (the engine drops it from state). */
  refresh(state: ResourceState): Promise<ResourceState | undefined>;
  destroy(state: ResourceState): Promise<void>;
}

/**
 * @param provider the serialized provider for new inputs (`__provider`); stored state keeps the
 *   one it was created with, as Pulumi's does.
 */
export function createEngine(host: DynamicProviderHost, provider: string): Engine {
  async function checked(state: ResourceState | undefined, programInputs: PropertyMap): Promise<PropertyMap> {
    const news = { ...programInputs, __provider: provider };
    const result = await host.check(state?.inputs ?? {}, news);
    if (result.failures.length > 0) throw new CheckFailedError(result.failures);
    return result.inputs;
  }

  function operationOf(diff: DiffResult): UpOperation {
    if (diff.replaces.length > 0) return "replace";
    return diff.changes === "none" ? "same" : "update";
  }

  async function create(inputs: PropertyMap): Promise<ResourceState> {
    try {
      const created = await host.create(inputs);
      return { id: created.id, inputs, outputs: created.properties };
    } catch (error) {
      // A create that reports an id failed part-way: the engine records that resource (with its
      // properties and an init error) rather than forget it, so the next `up` can deal with it.
      // The outputs are exactly the properties the provider reported, as Pulumi stores them (no
      // `__provider` added here: the real engine adds none, test/engine/failures.test.ts).
      if (error instanceof HostCallError && error.partialId) {
        const partial = { id: error.partialId, inputs, outputs: { ...error.partialProperties } };
        throw new UpFailedError(partial, error);
      }
      throw error;
    }
  }

  return {
    async preview(state, programInputs) {
      const inputs = await checked(state, programInputs);
      if (!state) return { operation: "create" };
      const diff = await host.diff(state.id, state.outputs, inputs, state.inputs);
      // The engine's second check of a replacement (see up) may fail too.
      if (operationOf(diff) === "replace") await checked(undefined, programInputs);
      return { operation: operationOf(diff), diff };
    },

    async up(state, programInputs) {
      let inputs = await checked(state, programInputs);
      let current = state;
      try {
        if (!current) return { operation: "create", state: await create(inputs) };
        const diff = await host.diff(current.id, current.outputs, inputs, current.inputs);
        const operation = operationOf(diff);
        if (operation === "same") return { operation, diff, state: { ...current, inputs } };
        if (operation === "replace") {
          // As Pulumi's step generator does: a replacement is checked again with no old inputs
          // ("to recompute the default values"), and created and stored with what that check returns.
          inputs = await checked(undefined, programInputs);
        }
        if (operation === "update") {
          const outputs = await host.update(current.id, current.outputs, inputs, current.inputs);
          return { operation, diff, state: { id: current.id, inputs, outputs } };
        }
        if (diff.deleteBeforeReplace) {
          await host.delete(current.id, current.outputs, current.inputs);
          current = undefined;
          return { operation, diff, state: await create(inputs) };
        }
        let next: ResourceState;
        try {
          next = await create(inputs);
        } catch (error) {
          // A create that reported an id, however partial, is recorded, and the old resource is
          // marked for deletion with it: step.go sets `s.old.Delete = true` before it looks at
          // the create's error. A create that reported none leaves the old one as it was.
          if (error instanceof UpFailedError) throw new UpFailedError(error.state, error.cause, [state!]);
          throw error;
        }
        current = next;
        try {
          await host.delete(state!.id, state!.outputs, state!.inputs);
        } catch (error) {
          throw new UpFailedError(next, error, [state!]);
        }
        return { operation, diff, state: next };
      } catch (error) {
        if (error instanceof UpFailedError) throw error;
        throw new UpFailedError(current, error);
      }
    },

    async refresh(state) {
      const read = await host.read(state.id, state.outputs, state.inputs);
      if (read.id === "") return undefined;
      const inputs = read.inputs ? { ...read.inputs, __provider: state.inputs.__provider } : state.inputs;
      return { id: read.id, inputs, outputs: read.properties };
    },

    async destroy(state) {
      await host.delete(state.id, state.outputs, state.inputs);
    },
  };
}
