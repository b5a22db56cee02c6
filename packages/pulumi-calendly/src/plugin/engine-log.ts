/**
 * Messages to the engine (`pulumirpc.Engine/Log`), which the CLI prints with the resource they are
 * about, in previews as in updates: how the plugin says *why* (a disabled subscription replaced,
 * a replacement that must delete first, an imported key taken) where a diff alone says *what*.
 * The engine's address is the plugin's first argument (Handshake and Attach may give another).
 * A message that cannot be delivered goes to stderr, which the CLI shows as well.
 */
import { credentials } from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

export type Severity = "info" | "warning";

export class EngineLog {
  #address: string | undefined;
  #client: EngineClient | undefined;

  constructor(address?: string) {
    this.#address = address || undefined;
  }

  /** The engine to log to, from Handshake or Attach. */
  useAddress(address: string): void {
    if (!address || address === this.#address) return;
    this.close();
    this.#address = address;
  }

  /** Sends `message` about `urn`; resolves once the engine has it, and never rejects. */
  log(severity: Severity, message: string, urn: string): Promise<void> {
    if (!this.#address) {
      process.stderr.write(`${severity}: ${message}\n`);
      return Promise.resolve();
    }
    this.#client ??= new EngineClient(this.#address, credentials.createInsecure());
    const request = new LogRequest();
    request.setSeverity(severity === "warning" ? LogSeverity.WARNING : LogSeverity.INFO);
    request.setMessage(message);
    request.setUrn(urn);
    return new Promise((resolve) => {
      this.#client!.log(request, (error) => {
        if (error) process.stderr.write(`${severity}: ${message}\n`);
        resolve();
      });
    });
  }

  close(): void {
    this.#client?.close();
    this.#client = undefined;
  }
}
