/**
 * Produces a WebhookSubscription's `__provider` exactly as a Pulumi program does: run under
 * ts-node (CommonJS, this project's tsconfig, as `pulumi up` runs index.ts), construct the resource
 * with `pulumi.runtime.setMocks`, and take the `__provider` input the resource registers.
 *
 * Prints one JSON line: { type, provider, additionalSecretOutputs, inputKeys }.
 * Run through `serializeWebhookSubscriptionProvider()` in serialize.ts.
 */
import * as pulumi from "@pulumi/pulumi";

interface Captured {
  type: string;
  provider: string;
  additionalSecretOutputs: string[];
  inputKeys: string[];
}

const captured: Partial<Captured> = {};

void pulumi.runtime.setMocks(
  {
    newResource(args) {
      if (typeof args.inputs.__provider === "string") {
        captured.type = args.type;
        captured.provider = args.inputs.__provider;
        captured.inputKeys = Object.keys(args.inputs).sort();
      }
      return { id: "mock-id", state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "calendly-webhooks",
  "serialize",
  false,
);

// Record the registration as the engine would receive it: `setMocks` does not apply
// additionalSecretOutputs, so the only place to see them is the RegisterResourceRequest itself.
type Monitor = { registerResource(req: unknown, callback: unknown): unknown };
type Request = { getType(): string; getAdditionalsecretoutputsList(): string[] };
const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, callback) => {
  const request = req as Request;
  if (request.getType().startsWith("pulumi-nodejs:dynamic")) {
    captured.additionalSecretOutputs = request.getAdditionalsecretoutputsList();
  }
  return register(req, callback);
};

// Loaded after the mocks, as the program would be, and by package name, as a program imports it.
const { WebhookSubscription } = require("pulumi-calendly") as typeof import("pulumi-calendly");

new WebhookSubscription("serialized", {
  url: "https://hooks.example.com/calendly",
  events: ["invitee.created"],
  scope: "user",
  signingKey: pulumi.secret("serialization-test-signing-key"),
});

process.on("beforeExit", () => {
  if (!captured.provider) {
    console.error("no __provider was registered");
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${JSON.stringify(captured)}\n`);
});
