/**
 * The generated SDKs' READMEs, as Pulumi's providers write them (the README a user sees on the
 * package index): what the package is, how to install it and the plugin, and an example as a user
 * of that language writes it. The schema's `language.python.readme` carries the Python one; the
 * code generator writes it into the package (`pulumi_calendly/README.md`) and tools/codegen puts a
 * copy at the distribution's root, which pyproject.toml names as the long description.
 *
 * The example is the program test/languages/python.test.ts runs (test/languages/programs/python),
 * cut down to one subscription.
 */

export const PYTHON_README = `# pulumi_calendly

Calendly webhook subscriptions as code, for Pulumi programs written in Python: the Python SDK of the
\`calendly\` provider (\`pulumi-resource-calendly\`). A \`WebhookSubscription\` is created, refreshed,
replaced without a gap, imported and deleted through Calendly's API, and its signing key is always a
secret.

## Install

\`\`\`sh
pip install pulumi_calendly          # or, from a clone of the repository: pip install ./sdk/python
\`\`\`

It needs the \`pulumi\` package 3.269.0 or newer (installed with it) and Python 3.9 or newer. The
provider itself is a plugin that runs on Node.js 22: \`npm install pulumi-calendly\` installs it as
\`node_modules/.bin/pulumi-resource-calendly\`. Put that folder on \`PATH\`, or name the plugin in
\`Pulumi.yaml\`:

\`\`\`yaml
plugins:
  providers:
    - name: calendly
      path: ./node_modules/pulumi-calendly/bin
\`\`\`

## Configure

\`\`\`sh
read -rs CALENDLY_TOKEN && export CALENDLY_TOKEN            # paste the token, then Enter; or:
pulumi config set --secret calendly:token                    # it prompts; stored, encrypted, in the stack
pulumi config set calendly:apiUrl https://api.calendly.com   # the default
\`\`\`

An explicit \`calendly.Provider(token=..., api_url=...)\` manages another account's subscriptions.

## Example

\`\`\`python
import pulumi
import pulumi_calendly as calendly

config = pulumi.Config()
receiver_url = config.require("receiverUrl")
signing_key = config.require_secret("signingKey")

events = ["invitee.created", "invitee.canceled"]

# The receiver's URL marked with what forces a replacement: a change of events then creates the new
# subscription before it deletes the old one, so no event falls into a gap.
marked = calendly.marked_url_output(
    url=receiver_url, name="bookings", events=events, scope=calendly.Scope.USER
)

bookings = calendly.WebhookSubscription(
    "bookings",
    calendly.WebhookSubscriptionArgs(
        url=marked.url,
        events=events,
        scope=calendly.Scope.USER,
        signing_key=signing_key,  # left out: the provider generates one
    ),
)

pulumi.export("uri", bookings.uri)
pulumi.export("signingKey", bookings.signing_key)  # a secret
\`\`\`

Adopt a subscription made by hand with
\`pulumi import calendly:index:WebhookSubscription bookings <uuid>\`, then declare it with the
\`signing_key\` it was created with: Calendly never returns a key, and the first \`pulumi up\` records
the declared one without calling Calendly.

## Running it with Pulumi's Python language host v3.68.0

A Pulumi CLI of today starts its own Python host, which honours \`runtime.options.virtualenv\`. The
host that can be built from the Go module proxy (v3.68.0, \`npm run pulumi:install\` in the repository)
ignores that option when CLI v3.276.0 starts it: it runs the first \`python3\` on \`PATH\`. Activate
the environment before you run \`pulumi\`:

\`\`\`sh
python3 -m venv venv && venv/bin/pip install -r requirements.txt
source venv/bin/activate            # its bin first on PATH, VIRTUAL_ENV set
pulumi up
\`\`\`
`;
