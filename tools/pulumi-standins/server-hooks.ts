/**
 * Three things a real bridged provider tells the engine that `@pulumi/pulumi/provider`'s server
 * cannot say for a `Provider` object, added on the gRPC handlers' way in and out (the server's own
 * handlers still answer every call):
 *
 * - `configure`: the server answers it itself and never hands over the configuration. The aws
 *   stand-in needs it (an explicit provider's region and default tags), so it is read from the
 *   request. The answer then says `supportsPreview`, as pulumi-aws's does: the engine calls
 *   create and update during a preview too (with `preview: true`) and shows planned outputs; without
 *   it, every output of a resource being updated is unknown in a preview, and whatever depends on
 *   one (an IAM policy built from ARNs) shows a change the real provider would not show.
 * - `create`, `update`: whether the call is that preview (`previewing()`, read at the start of the call).
 * - `diff`: the changed keys and a detailed diff. The engine applies `replaceOnChanges` to the
 *   changed keys and shows the detailed diff in `preview --diff`; without them, neither matches a
 *   run with the real provider.
 */
import { dirname } from "node:path";
import type * as grpcModule from "@grpc/grpc-js";
import type { PropertyMap } from "./properties";

export type DiffKind = "add" | "delete" | "update";

export interface DiffDetails {
  changed: readonly string[];
  replaces: readonly string[];
  kinds: Readonly<Record<string, DiffKind>>;
}

export interface ServerHooks {
  /** The provider configuration (empty until `configure`). */
  readonly config: PropertyMap;
  /** Whether the create or update now starting is a preview. */
  previewing(): boolean;
  /** Details for the answer to the diff of `urn` now running. */
  diffDetails(urn: string, details: DiffDetails): void;
}

interface Request {
  getUrn(): string;
  getPreview(): boolean;
  getVariablesMap(): { entries(): Iterable<[string, string]> };
  getArgs(): { toJavaScript(): PropertyMap } | undefined;
}
interface ProtoMessage {
  setSupportspreview(value: boolean): void;
  setDiffsList(value: string[]): void;
  setHasdetaileddiff(value: boolean): void;
  getDetaileddiffMap(): { set(key: string, value: unknown): void };
}
type Handler = (
  call: { request: Request },
  callback: (error: unknown, value?: ProtoMessage, ...rest: unknown[]) => void,
) => unknown;

export function installServerHooks(): ServerHooks {
  const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json"));
  // The same @grpc/grpc-js and generated messages as the server's.
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof grpcModule;
  const proto = require("@pulumi/pulumi/proto/provider_pb") as {
    PropertyDiff: (new () => { setKind(k: number): void; setInputdiff(v: boolean): void }) & {
      Kind: Record<"ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE", number>;
    };
  };

  const config: PropertyMap = {};
  let preview = false;
  const diffs = new Map<string, DiffDetails>();

  /** Wraps one handler: `before` sees the request, `after` the answer before it is sent. */
  function wrap(
    handlers: Record<string, Handler>,
    name: string,
    before: (request: Request) => void,
    after?: (request: Request, answer: ProtoMessage) => void,
  ): void {
    const original = handlers[name];
    if (!original) return;
    handlers[name] = function (this: unknown, call, callback) {
      before(call.request);
      return original.call(this, call, (error, value, ...rest) => {
        if (!error && value && after) after(call.request, value);
        callback(error, value, ...rest);
      });
    };
  }

  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    const handlers = implementation as Record<string, Handler>;
    wrap(
      handlers,
      "configure",
      (request) => {
        for (const [key, value] of request.getVariablesMap().entries()) {
          config[key.slice(key.indexOf(":") + 1)] = value;
        }
        Object.assign(config, request.getArgs()?.toJavaScript() ?? {});
      },
      (_request, answer) => answer.setSupportspreview(true),
    );
    for (const name of ["create", "update"]) {
      wrap(handlers, name, (request) => {
        preview = request.getPreview();
      });
    }
    wrap(
      handlers,
      "diff",
      () => undefined,
      (request, answer) => {
        const details = diffs.get(request.getUrn());
        diffs.delete(request.getUrn());
        if (!details) return;
        answer.setDiffsList([...details.changed]);
        answer.setHasdetaileddiff(true);
        const detailed = answer.getDetaileddiffMap();
        const K = proto.PropertyDiff.Kind;
        for (const key of details.changed) {
          const replace = details.replaces.includes(key);
          const kind = {
            add: replace ? K.ADD_REPLACE : K.ADD,
            delete: replace ? K.DELETE_REPLACE : K.DELETE,
            update: replace ? K.UPDATE_REPLACE : K.UPDATE,
          }[details.kinds[key] ?? "update"];
          const diff = new proto.PropertyDiff();
          diff.setKind(kind);
          diff.setInputdiff(true);
          detailed.set(key, diff);
        }
      },
    );
    return addService.call(this, service, implementation);
  };

  return {
    config,
    previewing: () => preview,
    diffDetails: (urn, details) => diffs.set(urn, details),
  };
}
