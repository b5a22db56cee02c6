/**
 * The `calendly` package schema, whole: what `pulumi package get-schema` prints, what
 * `npm run codegen` writes to packages/pulumi-calendly/schema.json (which the plugin serves) and
 * generates the SDKs in sdk/ from.
 */
import { PROJECT_VERSION } from "../../calendly/version";
import { functionSpecs, INVITEE_TYPES } from "./functions";
import { PYTHON_README } from "./readme";
import type { PackageSpec, PropertySpec } from "./spec";
import {
  SCOPE_TOKEN,
  scopeEnum,
  WEBHOOK_SUBSCRIPTION_TOKEN,
  webhookSubscriptionResource,
} from "./webhook-subscription";

export const PACKAGE_NAME = "calendly";
export const REPOSITORY = "https://github.com/calendly-webhooks-pulumi/calendly-webhooks-pulumi";
/** The generated SDKs' names (sdk/): npm, PyPI and the Go module. */
export const NODEJS_PACKAGE = "@calendly-webhooks-pulumi/calendly";
export const PYTHON_PACKAGE = "pulumi_calendly";
export const GO_IMPORT_PATH = "github.com/calendly-webhooks-pulumi/calendly-webhooks-pulumi/sdk/go/calendly";

/** The provider's configuration: stack config `calendly:<key>`, or an explicit provider's arguments. */
export const CONFIG_VARIABLES: Record<"token" | "apiUrl", PropertySpec> = {
  token: {
    type: "string",
    secret: true,
    description:
      "A Calendly personal access token (or OAuth token) with `webhooks:write` and the read scope of each " +
      "event family. The default provider takes stack config `calendly:token` (set it with `pulumi config set " +
      "--secret calendly:token`), and an exported `CALENDLY_TOKEN` wins over it; an explicit provider takes its " +
      "`token` argument, else `CALENDLY_TOKEN`. A token from the environment is read when the provider runs and " +
      "never stored in the stack's state.",
  },
  apiUrl: {
    type: "string",
    description:
      "Calendly's API, https://api.calendly.com unless set: stack config `calendly:apiUrl` or an explicit " +
      "provider's `apiUrl`, else `CALENDLY_API_URL` (e.g. http://127.0.0.1:4010 for the emulator).",
  },
};

export function packageSchema(): PackageSpec {
  return {
    name: PACKAGE_NAME,
    displayName: "Calendly",
    version: PROJECT_VERSION,
    description:
      "Calendly webhook subscriptions as code: create, refresh, replace without a gap, import and delete them " +
      "through Calendly's API, with their signing keys kept secret.",
    keywords: ["pulumi", "calendly", "webhooks", "category/utility", "kind/native"],
    license: "Apache-2.0",
    publisher: "calendly-webhooks-pulumi",
    meta: { moduleFormat: "(.*)" },
    config: { variables: CONFIG_VARIABLES },
    provider: {
      description:
        "The calendly provider: one Calendly account (its token and API URL). Declare several, each with its " +
        "own `token`, to manage the subscriptions of several accounts in one program.",
      inputProperties: CONFIG_VARIABLES,
    },
    resources: { [WEBHOOK_SUBSCRIPTION_TOKEN]: webhookSubscriptionResource() },
    functions: functionSpecs(),
    types: { [SCOPE_TOKEN]: scopeEnum(), ...INVITEE_TYPES },
    language: {
      nodejs: {
        packageName: NODEJS_PACKAGE,
        packageDescription:
          "Calendly webhook subscriptions as code: the generated SDK of the calendly provider.",
        dependencies: { "@pulumi/pulumi": "^3.139.0" },
        respectSchemaVersion: true,
      },
      python: {
        packageName: PYTHON_PACKAGE,
        // No `requires`: the generator then requires the oldest `pulumi` its code runs on
        // (">=3.269.0,<4.0.0" for pkg/v3 v3.276.0: every resource class calls
        // pulumi.runtime.exists_resource). A hand-written ">=3.0.0" let pip keep a `pulumi` on
        // which `import pulumi_calendly` works and the first `get` fails.
        readme: PYTHON_README,
        // pyproject.toml instead of setup.py, as Pulumi's own providers now generate.
        pyproject: { enabled: true },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: GO_IMPORT_PATH,
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
    },
  };
}

/** The schema as the plugin serves it and schema.json holds it. */
export function packageSchemaText(): string {
  return `${JSON.stringify(packageSchema(), null, 2)}\n`;
}
