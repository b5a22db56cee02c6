/**
 * Drives Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC,
 * exactly as the Pulumi engine does during `pulumi preview/up/refresh/destroy`:
 * spawn `node <host> <engine address>` in the program directory, read the port from the first
 * stdout line, then call the `pulumirpc.ResourceProvider` methods with `google.protobuf.Struct`
 * values holding `__provider` (the serialized provider).
 *
 * There is no Pulumi CLI on our machines, so this is how tests, `npm run dev` and the fault runs
 * exercise the provider as it really runs. See ../shared/pulumi/DYNAMIC-PROVIDERS.md.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** JSON-compatible property bag, as values travel through `google.protobuf.Struct`. */
export type PropertyMap = Record<string, unknown>;

export const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

export interface CheckResult {
  inputs: PropertyMap;
  failures: { property: string; reason: string }[];
}

export interface DiffResult {
  changes: "some" | "none" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface ReadResult {
  /** Empty when the provider reports that the resource is gone. */
  id: string;
  properties: PropertyMap;
  inputs: PropertyMap | undefined;
}

/** A failed gRPC call, with the message the provider's error carried. */
export class HostCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    /** For create/update: the id of a partially created resource, when the provider reported one. */
    readonly partialId?: string,
    /** Its properties, which the engine records in state. */
    readonly partialProperties?: PropertyMap,
  ) {
    super(`${method} failed: ${details}`);
    this.name = "HostCallError";
  }
}

export interface HostOptions {
  /** The program directory the engine would start the host in (where node_modules lives). */
  cwd: string;
  /** Environment of the host process; the engine passes its own. */
  env?: NodeJS.ProcessEnv;
  /** The `node` binary; defaults to the one running this process. */
  nodePath?: string;
  /** Resource type token and name, for the `urn`/`type`/`name` fields the engine sends. */
  type?: string;
  name?: string;
}

export interface DynamicProviderHost {
  readonly pid: number;
  /** Everything the host printed on stderr (the provider's console.error/log output ends up here). */
  readonly stderr: string[];
  /** Everything after the port line on stdout. */
  readonly stdout: string[];
  configure(config: Record<string, string>): Promise<void>;
  check(olds: PropertyMap, news: PropertyMap): Promise<CheckResult>;
  diff(id: string, olds: PropertyMap, news: PropertyMap, oldInputs?: PropertyMap): Promise<DiffResult>;
  create(properties: PropertyMap, preview?: boolean): Promise<{ id: string; properties: PropertyMap }>;
  read(id: string, properties: PropertyMap, inputs?: PropertyMap): Promise<ReadResult>;
  update(id: string, olds: PropertyMap, news: PropertyMap, oldInputs?: PropertyMap): Promise<PropertyMap>;
  delete(id: string, properties: PropertyMap, oldInputs?: PropertyMap): Promise<void>;
  close(): Promise<void>;
}

const HOST_SCRIPT = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");

function toStruct(value: PropertyMap): Struct {
  return Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
}

function fromStruct(value: Struct | undefined): PropertyMap {
  return (value?.toJavaScript() ?? {}) as PropertyMap;
}

/** Pulumi's wire marker of a secret value (sdk/go/common/resource/plugin/rpc.go). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The values as the engine next sends them to a provider that accepts no secrets (every dynamic
 * provider): a secret the provider returned (`{<sig>: <secret sig>, value}`) is stored encrypted by
 * the engine and sent back as its plain value.
 */
export function plainValues(map: PropertyMap): PropertyMap {
  const plain = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record[SECRET_SIG_KEY] === SECRET_SIG) return plain(record.value);
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
    }
    return value;
  };
  return plain(map) as PropertyMap;
}

/**
 * Reads `ErrorResourceInitFailed` from a failed create's status details, as the engine does.
 *
 * Limit: the details travel in one trailer, `grpc-status-details-bin`, and Node's HTTP/2 (nghttp2)
 * refuses any single header over 64 KiB with "Protocol error", whatever the session settings;
 * gRPC-Go, the engine's client, takes up to 16 MiB. So this driver sees a partial create only while
 * its properties (`__provider` included) stay well under 48 KiB: they do since `__provider` is the
 * shim of pulumi-calendly (about 2 KB; the whole provider, 74 KB, did not fit).
 */
function partialOf(error: grpc.ServiceError): { id: string; properties: PropertyMap } | undefined {
  const raw = error.metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw || typeof raw === "string") return undefined;
  // google.rpc.Status { code = 1; message = 2; details = 3 (Any { type_url = 1; value = 2 }) }
  const { Status } = require("@pulumi/pulumi/proto/status_pb") as {
    Status: {
      deserializeBinary(b: Uint8Array): {
        getDetailsList(): { getTypeUrl(): string; getValue_asU8(): Uint8Array }[];
      };
    };
  };
  for (const detail of Status.deserializeBinary(raw).getDetailsList()) {
    if (detail.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed")) {
      const failed = providerPb.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      return { id: failed.getId(), properties: fromStruct(failed.getProperties()) };
    }
  }
  return undefined;
}

export async function startDynamicProviderHost(options: HostOptions): Promise<DynamicProviderHost> {
  const type = options.type ?? `${DYNAMIC_TYPE_PREFIX}:Resource`;
  const name = options.name ?? "resource";
  const urn = `urn:pulumi:test::project::${type}::${name}`;
  // The second argument is the engine address; the host never dials it unless logging.
  const child: ChildProcess = spawn(options.nodePath ?? process.execPath, [HOST_SCRIPT, "127.0.0.1:1"], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, as the engine's plugins: a Ctrl-C in the terminal goes to us, and we
    // still need the host to delete what we created before we stop it.
    detached: true,
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const stderr: string[] = [];
  const stdout: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
  const lines = createInterface({ input: child.stdout! });

  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(
        new Error(`dynamic-provider host exited (${code}) before printing its port: ${stderr.join("\n")}`),
      );
    child.once("exit", onExit);
    child.once("error", reject);
    lines.once("line", (line) => {
      child.off("exit", onExit);
      const value = Number(line.trim());
      if (Number.isInteger(value) && value > 0) resolve(value);
      else reject(new Error(`dynamic-provider host printed "${line}" instead of a port`));
      lines.on("line", (l) => stdout.push(l));
    });
  });

  const client = new providerGrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );

  function call<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      // The generated client's methods share this callback shape; indexing by name keeps one helper.
      type Unary = (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => void;
      const fn = (client as unknown as Record<string, Unary>)[method]!;
      fn.call(client, request, (err, res) => {
        if (err) {
          const partial = partialOf(err);
          reject(new HostCallError(method, err.code, err.details, partial?.id, partial?.properties));
        } else resolve(res);
      });
    });
  }

  return {
    pid: child.pid ?? -1,
    stderr,
    stdout,

    async configure(config) {
      const req = new providerPb.ConfigureRequest();
      req.setArgs(toStruct(config));
      for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
      req.setAcceptsecrets(true);
      req.setAcceptresources(true);
      await call("configure", req);
    },

    async check(olds, news) {
      const req = new providerPb.CheckRequest();
      req.setUrn(urn).setName(name).setType(type);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await call<providerPb.CheckRequest, providerPb.CheckResponse>("check", req);
      return {
        inputs: plainValues(fromStruct(res.getInputs())),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },

    async diff(id, olds, news, oldInputs) {
      const req = new providerPb.DiffRequest();
      req.setId(id).setUrn(urn).setName(name).setType(type);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      if (oldInputs) req.setOldInputs(toStruct(oldInputs));
      const res = await call<providerPb.DiffRequest, providerPb.DiffResponse>("diff", req);
      const kinds = providerPb.DiffResponse.DiffChanges;
      const changes = res.getChanges();
      return {
        changes: changes === kinds.DIFF_SOME ? "some" : changes === kinds.DIFF_NONE ? "none" : "unknown",
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },

    async create(properties, preview = false) {
      const req = new providerPb.CreateRequest();
      req.setUrn(urn).setName(name).setType(type);
      req.setProperties(toStruct(properties));
      req.setPreview(preview);
      const res = await call<providerPb.CreateRequest, providerPb.CreateResponse>("create", req);
      return { id: res.getId(), properties: fromStruct(res.getProperties()) };
    },

    async read(id, properties, inputs) {
      const req = new providerPb.ReadRequest();
      req.setId(id).setUrn(urn).setName(name).setType(type);
      req.setProperties(toStruct(properties));
      if (inputs) req.setInputs(toStruct(inputs));
      const res = await call<providerPb.ReadRequest, providerPb.ReadResponse>("read", req);
      const resInputs = res.getInputs();
      return {
        id: res.getId(),
        properties: fromStruct(res.getProperties()),
        inputs: resInputs ? plainValues(fromStruct(resInputs)) : undefined,
      };
    },

    async update(id, olds, news, oldInputs) {
      const req = new providerPb.UpdateRequest();
      req.setId(id).setUrn(urn).setName(name).setType(type);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      if (oldInputs) req.setOldInputs(toStruct(oldInputs));
      const res = await call<providerPb.UpdateRequest, providerPb.UpdateResponse>("update", req);
      return fromStruct(res.getProperties());
    },

    async delete(id, properties, oldInputs) {
      const req = new providerPb.DeleteRequest();
      req.setId(id).setUrn(urn).setName(name).setType(type);
      req.setProperties(toStruct(properties));
      if (oldInputs) req.setOldInputs(toStruct(oldInputs));
      await call("delete", req);
    },

    async close() {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
