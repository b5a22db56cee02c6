/**
 * The plugin's gRPC server: `pulumirpc.ResourceProvider` on 127.0.0.1, from Pulumi's own protos
 * (`@pulumi/pulumi/proto`) and `@grpc/grpc-js`.
 *
 * Why not `@pulumi/pulumi/provider`'s `main`: its server answers Configure with accept flags only,
 * so an explicit provider's arguments (its token) never reach the provider; it answers CheckConfig
 * and DiffConfig UNIMPLEMENTED; it sends no detailed diff; and Read and Update convert raw Structs,
 * which fails on a secret or an `undefined` ("Unexpected struct type"). Every method here converts
 * values through values.ts and answers what the engine needs to show why a replacement happens.
 *
 * One process serves one provider instance (the engine starts a plugin per provider resource), so
 * the configuration lives in this server's one session.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PROJECT_VERSION } from "../calendly/version";
import type { CheckFailure } from "../provider/inputs";
import { checkConfig, diffConfig, isDefaultProviderName, nameOfUrn, resolveSettings } from "./config";
import { EngineLog, type Severity } from "./engine-log";
import type * as Functions from "./functions";
import { WEBHOOK_SUBSCRIPTION_TOKEN } from "./schema/tokens";
import { CalendlySession, type SessionOptions } from "./session";
import { conceal, fromStruct, toStruct } from "./values";
import type * as Resource from "./webhook-subscription";
import type { HandlerContext, PropertyDiffKind } from "./webhook-subscription";

/**
 * The resource's and the functions' handlers, which load the core (zod, undici), loaded on first
 * use: a plugin process started only for GetSchema (the YAML host starts one per run) stays light.
 */
const resource = () => require("./webhook-subscription") as typeof Resource;
const functions = () => require("./functions") as typeof Functions;

/** schema.json at the package's root: the one `npm run codegen` writes and the SDKs come from. */
export const SCHEMA_FILE = join(__dirname, "..", "..", "schema.json");

/** The same text, built into the single-file plugin (scripts/bundle-plugin.js, esbuild `define`). */
declare const PULUMI_CALENDLY_SCHEMA: string | undefined;

function schemaText(): string {
  return typeof PULUMI_CALENDLY_SCHEMA === "string"
    ? PULUMI_CALENDLY_SCHEMA
    : readFileSync(SCHEMA_FILE, "utf8");
}

const DIFF_KINDS: Record<PropertyDiffKind, rpc.PropertyDiff.Kind> = {
  add: rpc.PropertyDiff.Kind.ADD,
  addReplace: rpc.PropertyDiff.Kind.ADD_REPLACE,
  delete: rpc.PropertyDiff.Kind.DELETE,
  deleteReplace: rpc.PropertyDiff.Kind.DELETE_REPLACE,
  update: rpc.PropertyDiff.Kind.UPDATE,
  updateReplace: rpc.PropertyDiff.Kind.UPDATE_REPLACE,
};

/** The type token of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

function requireSubscription(urn: string): void {
  const type = typeOfUrn(urn);
  if (type !== WEBHOOK_SUBSCRIPTION_TOKEN) {
    throw new Error(
      `The calendly provider has no resource type ${type}; it has ${WEBHOOK_SUBSCRIPTION_TOKEN}`,
    );
  }
}

function failuresOf(failures: CheckFailure[]): rpc.CheckFailure[] {
  return failures.map((f) => {
    const failure = new rpc.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(f.reason);
    return failure;
  });
}

/** A gRPC error the engine shows as it is; an init error carries the resource the engine must record. */
function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  const metadata = new grpc.Metadata();
  if (error instanceof Error && error.name === "ResourceInitError") {
    const init = error as Resource.ResourceInitError;
    const detail = new rpc.ErrorResourceInitFailed();
    detail.setId(init.id);
    detail.setProperties(toStruct(init.properties));
    detail.setReasonsList(init.reasons);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    // gRPC's rich error model: the Go engine decodes this trailer (`parseError` in provider_plugin.go).
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** A unary handler from an async function: its value answers, its error is a gRPC error. */
function unary<Req, Res>(handle: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handle(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(grpcError(error)),
    );
  };
}

export interface PluginOptions extends SessionOptions {
  /** The engine's address (the plugin's first argument). */
  engineAddress?: string;
  /** The environment read for CALENDLY_* and PULUMI_CONFIG (a test seam). */
  env?: NodeJS.ProcessEnv;
}

export function providerService(options: PluginOptions = {}): grpc.UntypedServiceImplementation {
  const env = options.env ?? process.env;
  const session = new CalendlySession(options);
  const engine = new EngineLog(options.engineAddress);
  const context = (urn: string): HandlerContext => ({
    session,
    log: (severity: Severity, message: string) => engine.log(severity, message, urn),
  });

  return {
    handshake: unary(async (request: rpc.ProviderHandshakeRequest) => {
      engine.useAddress(request.getEngineAddress());
      const response = new rpc.ProviderHandshakeResponse();
      response.setAcceptSecrets(true);
      response.setAcceptResources(false);
      response.setAcceptOutputs(false);
      response.setSupportsAutonamingConfiguration(false);
      return response;
    }),
    attach: unary(async (request: import("@pulumi/pulumi/proto/plugin_pb").PluginAttach) => {
      engine.useAddress(request.getAddress());
      return new Empty();
    }),
    getPluginInfo: unary(async () => new PluginInfo().setVersion(PROJECT_VERSION)),
    getSchema: unary(async (request: rpc.GetSchemaRequest) => {
      if (request.getVersion() !== 0) throw new Error(`unsupported schema version ${request.getVersion()}`);
      return new rpc.GetSchemaResponse().setSchema(schemaText());
    }),
    checkConfig: unary(async (request: rpc.CheckRequest) => {
      const news = fromStruct(request.getNews());
      const { failures, unknownKeys } = checkConfig(news);
      if (unknownKeys.length > 0) {
        await engine.log(
          "warning",
          `Unknown calendly configuration ${unknownKeys.map((k) => `"${k}"`).join(", ")}: the provider takes token and apiUrl.`,
          request.getUrn(),
        );
      }
      const response = new rpc.CheckResponse();
      // The token stays secret, whatever form it came in.
      response.setInputs(toStruct(conceal(news, news.token === undefined ? [] : ["token"])));
      response.setFailuresList(failuresOf(failures));
      return response;
    }),
    diffConfig: unary(async (request: rpc.DiffRequest) => {
      const changed = diffConfig(fromStruct(request.getOlds()), fromStruct(request.getNews()));
      const response = new rpc.DiffResponse();
      response.setChanges(
        changed.length > 0 ? rpc.DiffResponse.DiffChanges.DIFF_SOME : rpc.DiffResponse.DiffChanges.DIFF_NONE,
      );
      response.setDiffsList(changed);
      response.setHasdetaileddiff(true);
      for (const key of changed) {
        response
          .getDetaileddiffMap()
          .set(key, new rpc.PropertyDiff().setKind(rpc.PropertyDiff.Kind.UPDATE).setInputdiff(true));
      }
      return response;
    }),
    configure: unary(async (request: rpc.ConfigureRequest) => {
      const name = request.hasName() ? request.getName()! : nameOfUrn(request.getUrn() ?? "");
      session.configure(
        resolveSettings(fromStruct(request.getArgs()), { isDefault: isDefaultProviderName(name), env }),
      );
      const response = new rpc.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(true);
      response.setAcceptresources(false);
      response.setAcceptoutputs(false);
      return response;
    }),
    invoke: unary(async (request: rpc.InvokeRequest) => {
      const { result, failures } = await functions().invoke(
        session,
        request.getTok(),
        fromStruct(request.getArgs()),
      );
      const response = new rpc.InvokeResponse();
      if (result) response.setReturn(toStruct(result));
      response.setFailuresList(failuresOf(failures ?? []));
      return response;
    }),
    check: unary(async (request: rpc.CheckRequest) => {
      requireSubscription(request.getUrn());
      const { inputs, failures, notices } = await resource().checkSubscription(
        fromStruct(request.getNews()),
        fromStruct(request.getOlds()),
        request.getUrn(),
      );
      // What the preview should say beyond the plan (a new subscription that may adopt one).
      for (const notice of notices) await context(request.getUrn()).log("info", notice);
      const response = new rpc.CheckResponse();
      response.setInputs(toStruct(inputs));
      response.setFailuresList(failuresOf(failures));
      return response;
    }),
    diff: unary(async (request: rpc.DiffRequest) => {
      requireSubscription(request.getUrn());
      const diff = await resource().diffSubscriptionResource(
        context(request.getUrn()),
        fromStruct(request.getOlds()),
        fromStruct(request.getNews()),
        fromStruct(request.getOldInputs()),
      );
      const response = new rpc.DiffResponse();
      response.setChanges(
        diff.changes ? rpc.DiffResponse.DiffChanges.DIFF_SOME : rpc.DiffResponse.DiffChanges.DIFF_NONE,
      );
      response.setReplacesList(diff.replaces);
      response.setDeletebeforereplace(diff.deleteBeforeReplace);
      response.setDiffsList(diff.diffs);
      response.setHasdetaileddiff(true);
      for (const [key, change] of Object.entries(diff.detailedDiff)) {
        response
          .getDetaileddiffMap()
          .set(key, new rpc.PropertyDiff().setKind(DIFF_KINDS[change.kind]).setInputdiff(change.inputDiff));
      }
      return response;
    }),
    create: unary(async (request: rpc.CreateRequest) => {
      requireSubscription(request.getUrn());
      const { id, outs } = await resource().createSubscriptionResource(
        context(request.getUrn()),
        fromStruct(request.getProperties()),
        request.getPreview(),
      );
      return new rpc.CreateResponse().setId(id).setProperties(toStruct(outs));
    }),
    read: unary(async (request: rpc.ReadRequest) => {
      requireSubscription(request.getUrn());
      const read = await resource().readSubscriptionResource(
        context(request.getUrn()),
        request.getId(),
        fromStruct(request.getProperties()),
      );
      const response = new rpc.ReadResponse().setId(read.id).setProperties(toStruct(read.props));
      if (read.inputs) response.setInputs(toStruct(read.inputs));
      return response;
    }),
    update: unary(async (request: rpc.UpdateRequest) => {
      requireSubscription(request.getUrn());
      const outs = await resource().updateSubscriptionResource(
        fromStruct(request.getOlds()),
        fromStruct(request.getNews()),
      );
      return new rpc.UpdateResponse().setProperties(toStruct(outs));
    }),
    delete: unary(async (request: rpc.DeleteRequest) => {
      requireSubscription(request.getUrn());
      await resource().deleteSubscriptionResource(
        context(request.getUrn()),
        request.getId(),
        fromStruct(request.getProperties()),
      );
      return new Empty();
    }),
    cancel: unary(async () => {
      engine.close();
      return new Empty();
    }),
  };
}

/** Serves the plugin on 127.0.0.1 (any free port); resolves with the server and its port. */
export async function servePlugin(
  options: PluginOptions = {},
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(ResourceProviderService, providerService(options));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return { server, port };
}
