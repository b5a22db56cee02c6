/**
 * The native plugin as the Pulumi CLI runs it, for tests: `node_modules/.bin/pulumi-resource-calendly
 * <engine address>` spawned with an environment of the test's choosing, its port read from the
 * first stdout line, its `pulumirpc.ResourceProvider` called over gRPC with Structs. The engine's
 * address is a small `pulumirpc.Engine` server here that records what the plugin logs, as the CLI
 * would print it.
 *
 * The real CLI runs the same plugin in test/engine/native-*.test.ts; these tests reach what a CLI
 * run cannot show directly (every field of a detailed diff, an init error's details, one method
 * at a time).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import type { CheckResult, PropertyMap } from "../../../tools/pulumi-host/host";

export type { CheckResult, PropertyMap };

export const REPO_ROOT = join(__dirname, "..", "..", "..");
export const PLUGIN_BIN = join(REPO_ROOT, "node_modules", ".bin", "pulumi-resource-calendly");
export const SUBSCRIPTION_TYPE = "calendly:index:WebhookSubscription";

export function urnOf(name: string, type = SUBSCRIPTION_TYPE): string {
  return `urn:pulumi:test::project::${type}::${name}`;
}

export interface EngineMessage {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

export interface DiffResult {
  changes: "some" | "none" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  diffs: string[];
  detailedDiff: Record<string, { kind: string; inputDiff: boolean }>;
}

/** A failed call: its message, and the resource an init error asks the engine to record. */
export class PluginCallError extends Error {
  constructor(
    readonly method: string,
    readonly details: string,
    readonly initFailed?: { id: string; properties: PropertyMap; reasons: string[] },
  ) {
    super(`${method} failed: ${details}`);
  }
}

export interface PluginProcess {
  readonly stderr: string[];
  /** What the plugin logged to the engine, in order. */
  readonly messages: EngineMessage[];
  getPluginInfo(): Promise<string>;
  getSchema(): Promise<string>;
  checkConfig(news: PropertyMap, olds?: PropertyMap): Promise<CheckResult>;
  diffConfig(olds: PropertyMap, news: PropertyMap): Promise<DiffResult>;
  /** Configure as the engine does for the provider resource `name` (default: the default provider). */
  configure(args: PropertyMap, name?: string): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }>;
  check(news: PropertyMap, olds?: PropertyMap, name?: string): Promise<CheckResult>;
  diff(id: string, olds: PropertyMap, news: PropertyMap, oldInputs?: PropertyMap): Promise<DiffResult>;
  create(
    properties: PropertyMap,
    preview?: boolean,
    name?: string,
  ): Promise<{ id: string; properties: PropertyMap }>;
  read(
    id: string,
    properties?: PropertyMap,
    inputs?: PropertyMap,
  ): Promise<{ id: string; properties: PropertyMap; inputs: PropertyMap | undefined }>;
  update(id: string, olds: PropertyMap, news: PropertyMap, preview?: boolean): Promise<PropertyMap>;
  delete(id: string, properties: PropertyMap): Promise<void>;
  invoke(
    token: string,
    args: PropertyMap,
  ): Promise<{ result: PropertyMap; failures: CheckResult["failures"] }>;
  close(): Promise<void>;
}

export function toStruct(value: PropertyMap): Struct {
  return Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
}

export function fromStruct(value: Struct | undefined): PropertyMap {
  return (value?.toJavaScript() ?? {}) as PropertyMap;
}

const CHANGES = { 0: "unknown", 1: "none", 2: "some" } as const;
const KINDS = ["add", "addReplace", "delete", "deleteReplace", "update", "updateReplace"];
const SEVERITIES = ["debug", "info", "warning", "error"] as const;

function detailedDiffOf(response: rpc.DiffResponse): DiffResult["detailedDiff"] {
  const found: DiffResult["detailedDiff"] = {};
  response.getDetaileddiffMap().forEach((diff, key) => {
    found[key] = { kind: KINDS[diff.getKind()]!, inputDiff: diff.getInputdiff() };
  });
  return found;
}

function initFailedOf(error: grpc.ServiceError): PluginCallError["initFailed"] {
  const raw = error.metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw || typeof raw === "string") return undefined;
  for (const detail of Status.deserializeBinary(raw).getDetailsList()) {
    if (detail.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed")) {
      const failed = rpc.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      return {
        id: failed.getId(),
        properties: fromStruct(failed.getProperties()),
        reasons: failed.getReasonsList(),
      };
    }
  }
  return undefined;
}

/** A `pulumirpc.Engine` that records Log calls. */
async function startEngine(messages: EngineMessage[]): Promise<{ address: string; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService(EngineService, {
    log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
      messages.push({
        severity: SEVERITIES[call.request.getSeverity()] ?? "error",
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new Empty());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, server };
}

export interface StartOptions {
  /** The plugin's environment (CALENDLY_*, PULUMI_CONFIG); nothing of the test process's leaks in. */
  env?: Record<string, string>;
  /** Start without an engine to log to. */
  noEngine?: boolean;
  /** The executable (default: node_modules/.bin/pulumi-resource-calendly). */
  command?: string;
}

export async function startPlugin(options: StartOptions = {}): Promise<PluginProcess> {
  const messages: EngineMessage[] = [];
  const engine = options.noEngine ? undefined : await startEngine(messages);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env };
  const child: ChildProcess = spawn(options.command ?? PLUGIN_BIN, [engine?.address ?? "127.0.0.1:1"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`the plugin exited (${code}) before its port: ${stderr.join("\n")}`)),
    );
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(Number(line.trim())));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  function call<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      // Each method of the generated client takes (request, callback); one signature for all of them.
      type Unary = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => void;
      const fn = (client as unknown as Record<string, Unary>)[method]!.bind(client);
      fn(request, (error: grpc.ServiceError | null, response: Res) => {
        if (error) reject(new PluginCallError(method, error.details, initFailedOf(error)));
        else resolve(response);
      });
    });
  }

  const diffOf = (response: rpc.DiffResponse): DiffResult => ({
    changes: CHANGES[response.getChanges()],
    replaces: response.getReplacesList(),
    deleteBeforeReplace: response.getDeletebeforereplace(),
    diffs: response.getDiffsList(),
    detailedDiff: detailedDiffOf(response),
  });
  const checkOf = (response: rpc.CheckResponse): CheckResult => ({
    inputs: fromStruct(response.getInputs()),
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  });
  const providerUrn = (name: string) => urnOf(name, "pulumi:providers:calendly");

  return {
    stderr,
    messages,
    async getPluginInfo() {
      return (
        await call<Empty, import("@pulumi/pulumi/proto/plugin_pb").PluginInfo>("getPluginInfo", new Empty())
      ).getVersion();
    },
    async getSchema() {
      return (
        await call<rpc.GetSchemaRequest, rpc.GetSchemaResponse>("getSchema", new rpc.GetSchemaRequest())
      ).getSchema();
    },
    async checkConfig(news, olds = {}) {
      const request = new rpc.CheckRequest()
        .setUrn(providerUrn("default"))
        .setOlds(toStruct(olds))
        .setNews(toStruct(news));
      return checkOf(await call("checkConfig", request));
    },
    async diffConfig(olds, news) {
      const request = new rpc.DiffRequest()
        .setUrn(providerUrn("default"))
        .setOlds(toStruct(olds))
        .setNews(toStruct(news));
      return diffOf(await call("diffConfig", request));
    },
    async configure(args, name = "default") {
      const request = new rpc.ConfigureRequest()
        .setArgs(toStruct(args))
        .setUrn(providerUrn(name))
        .setName(name)
        .setType("pulumi:providers:calendly")
        .setAcceptsecrets(true);
      const response = await call<rpc.ConfigureRequest, rpc.ConfigureResponse>("configure", request);
      return { acceptSecrets: response.getAcceptsecrets(), supportsPreview: response.getSupportspreview() };
    },
    async check(news, olds = {}, name = "bookings") {
      const request = new rpc.CheckRequest()
        .setUrn(urnOf(name))
        .setOlds(toStruct(olds))
        .setNews(toStruct(news));
      return checkOf(await call("check", request));
    },
    async diff(id, olds, news, oldInputs = {}) {
      const request = new rpc.DiffRequest()
        .setId(id)
        .setUrn(urnOf("bookings"))
        .setOlds(toStruct(olds))
        .setNews(toStruct(news))
        .setOldInputs(toStruct(oldInputs));
      return diffOf(await call("diff", request));
    },
    async create(properties, preview = false, name = "bookings") {
      const request = new rpc.CreateRequest()
        .setUrn(urnOf(name))
        .setProperties(toStruct(properties))
        .setPreview(preview);
      const response = await call<rpc.CreateRequest, rpc.CreateResponse>("create", request);
      return { id: response.getId(), properties: fromStruct(response.getProperties()) };
    },
    async read(id, properties = {}, inputs) {
      const request = new rpc.ReadRequest()
        .setId(id)
        .setUrn(urnOf("bookings"))
        .setProperties(toStruct(properties));
      if (inputs) request.setInputs(toStruct(inputs));
      const response = await call<rpc.ReadRequest, rpc.ReadResponse>("read", request);
      return {
        id: response.getId(),
        properties: fromStruct(response.getProperties()),
        inputs: response.hasInputs() ? fromStruct(response.getInputs()) : undefined,
      };
    },
    async update(id, olds, news, preview = false) {
      const request = new rpc.UpdateRequest()
        .setId(id)
        .setUrn(urnOf("bookings"))
        .setOlds(toStruct(olds))
        .setNews(toStruct(news))
        .setPreview(preview);
      return fromStruct(
        (await call<rpc.UpdateRequest, rpc.UpdateResponse>("update", request)).getProperties(),
      );
    },
    async delete(id, properties) {
      const request = new rpc.DeleteRequest()
        .setId(id)
        .setUrn(urnOf("bookings"))
        .setProperties(toStruct(properties));
      await call("delete", request);
    },
    async invoke(token, args) {
      const request = new rpc.InvokeRequest().setTok(token).setArgs(toStruct(args));
      const response = await call<rpc.InvokeRequest, rpc.InvokeResponse>("invoke", request);
      return {
        result: fromStruct(response.getReturn()),
        failures: response
          .getFailuresList()
          .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async close() {
      client.close();
      child.kill("SIGTERM");
      engine?.server.forceShutdown();
    },
  };
}
