/**
 * A local stand-in for AWS Systems Manager Parameter Store's GetParameter, speaking AWS JSON 1.1
 * (`X-Amz-Target: AmazonSSM.GetParameter`) as the SDK v3 client does. Point the real client at it
 * with `AWS_ENDPOINT_URL_SSM=<url>`.
 *
 * Tests set values with `putParameter`. A SecureString comes back decrypted only when the caller
 * asked `WithDecryption: true`, as on AWS; otherwise the caller gets an opaque ciphertext.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { FaultQueue, isSigned, listen, type StubListenOptions, sendJson, sendJsonError } from "./http";

export type ParameterType = "String" | "StringList" | "SecureString";

export interface StoredParameter {
  name: string;
  value: string;
  type: ParameterType;
  version: number;
  lastModified: Date;
}

export interface RecordedGetParameter {
  name: string;
  withDecryption: boolean;
  outcome: "found" | "not_found" | "outage" | "throttled" | "hung" | "rejected";
}

export type SsmFault =
  | { type: "outage"; status?: number }
  | { type: "throttle" }
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

  const server = await listen(async (req, res, raw) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (req.method !== "POST" || target !== "AmazonSSM.GetParameter") {
      return sendJsonError(
        res,
        400,
        "UnknownOperationException",
        "stub supports AmazonSSM.GetParameter only",
      );
    }
    let input: { Name?: unknown; WithDecryption?: unknown };
    try {
      input = JSON.parse(raw.toString("utf8"));
    } catch {
      return sendJsonError(res, 400, "SerializationException", "body is not JSON");
    }
    const record: RecordedGetParameter = {
      name: String(input.Name ?? ""),
      withDecryption: input.WithDecryption === true,
      outcome: "rejected",
    };
    requests.push(record);
    if (!isSigned(req)) {
      return sendJsonError(res, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    let fault = faults.take();
    if (fault?.type === "latency") {
      await sleep(fault.ms);
      fault = undefined;
    }
    if (fault?.type === "hang") {
      record.outcome = "hung";
      return;
    }
    if (fault?.type === "throttle") {
      record.outcome = "throttled";
      return sendJsonError(res, 400, "ThrottlingException", "Rate exceeded");
    }
    if (fault?.type === "outage") {
      record.outcome = "outage";
      return sendJsonError(res, fault.status ?? 500, "InternalServerError", "stub outage");
    }
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
    getCount: (name) => requests.filter((request) => request.name === name).length,
    injectFaults: (fault, times = 1) => faults.add(fault, times),
    clearFaults: () => faults.clear(),
    close: () => server.close(),
  };
}
