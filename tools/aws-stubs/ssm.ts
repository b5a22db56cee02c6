/**
 * A local stand-in for AWS Systems Manager Parameter Store's GetParameter, PutParameter and
 * DeleteParameter, speaking AWS JSON 1.1 (`X-Amz-Target: AmazonSSM.<operation>`) as the SDK v3
 * client does. Point the real client at it with `AWS_ENDPOINT_URL_SSM=<url>`.
 *
 * Tests set values with `putParameter`, or through the API (`calendly-webhooks token put`). A
 * SecureString comes back decrypted only when the caller asked `WithDecryption: true`, as on AWS;
 * otherwise the caller gets an opaque ciphertext. PutParameter follows AWS's documented rules
 * where the CLI relies on them: an existing name needs `Overwrite: true` (ParameterAlreadyExists),
 * `Tags` cannot come with `Overwrite: true` (ValidationException), a value is 1 to 4096
 * characters (standard tier). moto (`npm run test:moto`) checks the same calls against its model.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { FaultQueue, isSigned, listen, type StubListenOptions, sendJson, sendJsonError } from "./http";

export type ParameterType = "String" | "StringList" | "SecureString";

export interface StoredParameter {
  name: string;
  value: string;
  type: ParameterType;
  version: number;
  lastModified: Date;
  description?: string;
  tags?: Record<string, string>;
}

export interface RecordedGetParameter {
  name: string;
  withDecryption: boolean;
  outcome: "found" | "not_found" | "outage" | "throttled" | "hung" | "rejected" | "denied";
}

/** A PutParameter or DeleteParameter call, without its value. */
export interface RecordedWrite {
  operation: "PutParameter" | "DeleteParameter";
  name: string;
  type?: string;
  overwrite?: boolean;
  tags?: Record<string, string>;
  outcome:
    | "written"
    | "deleted"
    | "exists"
    | "not_found"
    | "invalid"
    | "outage"
    | "throttled"
    | "hung"
    | "rejected"
    | "denied";
}

export type SsmFault =
  | { type: "outage"; status?: number }
  | { type: "throttle" }
  | { type: "denied" }
  /** Answer normally after `ms` milliseconds. */
  | { type: "latency"; ms: number }
  /**
   * Take the request and never answer it: an endpoint that accepts connections but hangs (the
   * client must give up on its own; `close()` ends the connection).
   */
  | { type: "hang" };

export interface SsmStub {
  /** Base URL for `AWS_ENDPOINT_URL_SSM`. */
  url: string;
  /** Creates or overwrites a parameter (new version). Default type: SecureString. */
  putParameter(name: string, value: string, type?: ParameterType): StoredParameter;
  deleteParameter(name: string): void;
  getStored(name: string): StoredParameter | undefined;
  /** Every GetParameter call, in order. */
  readonly requests: RecordedGetParameter[];
  /** Every PutParameter and DeleteParameter call, in order, without values. */
  readonly writes: RecordedWrite[];
  /** Number of GetParameter calls for `name` (any outcome). */
  getCount(name: string): number;
  injectFaults(fault: SsmFault, times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** What a SecureString looks like without decryption: base64 of something that is not the value. */
function ciphertextOf(parameter: StoredParameter): string {
  return Buffer.from(`stub-kms-ciphertext:${parameter.name}:v${parameter.version}`).toString("base64");
}

export async function startSsmStub(options: StubListenOptions = {}): Promise<SsmStub> {
  const parameters = new Map<string, StoredParameter>();
  const requests: RecordedGetParameter[] = [];
  const faults = new FaultQueue<SsmFault>();

  const writes: RecordedWrite[] = [];

  /**
   * Signature and injected faults, for any operation; `true` when the request is answered (an
   * error) or, for a hang, never will be.
   */
  const refused = async (
    req: IncomingMessage,
    res: ServerResponse,
    record: { outcome: string },
  ): Promise<boolean> => {
    if (!isSigned(req)) {
      sendJsonError(res, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
      return true;
    }
    let fault = faults.take();
    if (fault?.type === "latency") {
      await sleep(fault.ms);
      fault = undefined;
    }
    if (fault?.type === "hang") {
      record.outcome = "hung";
      return true;
    }
    if (fault?.type === "throttle") {
      record.outcome = "throttled";
      sendJsonError(res, 400, "ThrottlingException", "Rate exceeded");
      return true;
    }
    if (fault?.type === "outage") {
      record.outcome = "outage";
      sendJsonError(res, fault.status ?? 500, "InternalServerError", "stub outage");
      return true;
    }
    if (fault?.type === "denied") {
      record.outcome = "denied";
      sendJsonError(
        res,
        400,
        "AccessDeniedException",
        "User: arn:aws:sts::000000000000:assumed-role/stub is not authorized to perform this operation",
      );
      return true;
    }
    return false;
  };

  const getParameter = async (req: IncomingMessage, res: ServerResponse, input: Record<string, unknown>) => {
    const record: RecordedGetParameter = {
      name: String(input.Name ?? ""),
      withDecryption: input.WithDecryption === true,
      outcome: "rejected",
    };
    requests.push(record);
    if (await refused(req, res, record)) return;
    const parameter = parameters.get(record.name);
    if (parameter === undefined) {
      record.outcome = "not_found";
      return sendJsonError(res, 400, "ParameterNotFound", `Parameter ${record.name} not found.`);
    }
    record.outcome = "found";
    const decrypted = parameter.type !== "SecureString" || record.withDecryption;
    return sendJson(res, {
      Parameter: {
        Name: parameter.name,
        Type: parameter.type,
        Value: decrypted ? parameter.value : ciphertextOf(parameter),
        Version: parameter.version,
        LastModifiedDate: parameter.lastModified.getTime() / 1000,
        ARN: `arn:aws:ssm:us-east-1:000000000000:parameter/${parameter.name.replace(/^\//, "")}`,
        DataType: "text",
      },
    });
  };

  const putParameter = async (req: IncomingMessage, res: ServerResponse, input: Record<string, unknown>) => {
    const tags = Array.isArray(input.Tags)
      ? Object.fromEntries((input.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]))
      : undefined;
    const record: RecordedWrite = {
      operation: "PutParameter",
      name: String(input.Name ?? ""),
      type: typeof input.Type === "string" ? input.Type : undefined,
      overwrite: input.Overwrite === true,
      ...(tags ? { tags } : {}),
      outcome: "rejected",
    };
    writes.push(record);
    if (await refused(req, res, record)) return;
    const value = input.Value;
    const existing = parameters.get(record.name);
    const invalid = (message: string) => {
      record.outcome = "invalid";
      sendJsonError(res, 400, "ValidationException", message);
    };
    if (typeof value !== "string" || value.length < 1 || value.length > 4096) {
      return invalid("Parameter value must be between 1 and 4096 characters (standard tier)");
    }
    if (tags && record.overwrite) {
      return invalid(
        "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
      );
    }
    const type = (record.type ?? existing?.type) as ParameterType | undefined;
    if (!type || !["String", "StringList", "SecureString"].includes(type)) {
      return invalid("A parameter type is required when you create a parameter.");
    }
    if (existing && !record.overwrite) {
      record.outcome = "exists";
      return sendJsonError(
        res,
        400,
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
      );
    }
    const stored: StoredParameter = {
      name: record.name,
      value,
      type,
      version: (existing?.version ?? 0) + 1,
      lastModified: new Date(),
      description: typeof input.Description === "string" ? input.Description : existing?.description,
      tags: existing?.tags ?? tags,
    };
    parameters.set(record.name, stored);
    record.outcome = "written";
    return sendJson(res, { Version: stored.version, Tier: "Standard" });
  };

  const deleteParameter = async (
    req: IncomingMessage,
    res: ServerResponse,
    input: Record<string, unknown>,
  ) => {
    const record: RecordedWrite = {
      operation: "DeleteParameter",
      name: String(input.Name ?? ""),
      outcome: "rejected",
    };
    writes.push(record);
    if (await refused(req, res, record)) return;
    if (!parameters.delete(record.name)) {
      record.outcome = "not_found";
      return sendJsonError(res, 400, "ParameterNotFound", `Parameter ${record.name} not found.`);
    }
    record.outcome = "deleted";
    return sendJson(res, {});
  };

  const operations: Record<string, typeof getParameter> = {
    "AmazonSSM.GetParameter": getParameter,
    "AmazonSSM.PutParameter": putParameter,
    "AmazonSSM.DeleteParameter": deleteParameter,
  };

  const server = await listen((req, res, raw) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = operations[target];
    if (req.method !== "POST" || operation === undefined) {
      return sendJsonError(
        res,
        400,
        "UnknownOperationException",
        "stub supports AmazonSSM.GetParameter, PutParameter and DeleteParameter only",
      );
    }
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
    } catch {
      return sendJsonError(res, 400, "SerializationException", "body is not JSON");
    }
    return operation(req, res, input);
  }, options);

  return {
    url: server.url,
    putParameter(name, value, type = "SecureString") {
      const stored: StoredParameter = {
        name,
        value,
        type,
        version: (parameters.get(name)?.version ?? 0) + 1,
        lastModified: new Date(),
      };
      parameters.set(name, stored);
      return stored;
    },
    deleteParameter: (name) => void parameters.delete(name),
    getStored: (name) => parameters.get(name),
    requests,
    writes,
    getCount: (name) => requests.filter((request) => request.name === name).length,
    injectFaults: (fault, times = 1) => faults.add(fault, times),
    clearFaults: () => faults.clear(),
    close: () => server.close(),
  };
}
