/**
 * `verify`: checks the signature of a captured delivery (header value + raw body file) and says
 * why it fails. Works offline: no token, no network.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, verifySignature } from "../../calendly";
import { required, seconds } from "../../tools/command-line";
import { CliError, parseOptions, UsageError } from "../args";
import type { Command } from "../command";
import { KEY_OPTIONS, readKeys } from "../signing-key-options";

const spec = {
  name: "verify",
  summary: "check a captured delivery's signature and say why it fails",
  usage:
    "calendly-webhooks verify --header <t=…,v1=…> --body <file> (--key <key> | --key-file <file>)… [--tolerance <s>] [--now <unix s>]",
};

export const verifyCommand: Command = {
  ...spec,
  help: `${spec.usage}

Checks a delivery's ${SIGNATURE_HEADER} header against its raw body, as a receiver must:
HMAC-SHA256 over "<t>." + the body bytes exactly as received, within a time tolerance.
Prints "ok" (exit 0), or why not (exit 1): missing, malformed, stale, future or mismatch.

Options:
  --header <value>      the header's value, t=<unix seconds>,v1=<hex> ("${SIGNATURE_HEADER}: " prefix allowed)
  --body <file>         the raw body as received (never re-serialized, not even pretty-printed)
  --key <key>           a signing key; repeat for several (rotation)
  --key-file <file>     a file holding a signing key (a final newline is ignored); repeatable;
                        keeps the key out of shell history
  --tolerance <s>       maximum age of the signature in seconds (default ${DEFAULT_TOLERANCE_SECONDS}, as Calendly's sample)
  --now <unix s>        check as if it were this time; for deliveries captured earlier`,

  async run(argv, context) {
    const values = parseOptions(argv, {
      ...KEY_OPTIONS,
      header: { type: "string" },
      body: { type: "string" },
      tolerance: { type: "string" },
      now: { type: "string" },
    });
    if (values.header === undefined) throw new UsageError("--header is required");
    const header = values.header.replace(/^\s*calendly-webhook-signature\s*:\s*/i, "");
    const bodyPath = required("body", values.body);
    const keys = readKeys(values);
    const tolerance = seconds("tolerance", values.tolerance) ?? DEFAULT_TOLERANCE_SECONDS;
    const now = seconds("now", values.now) ?? Math.floor((context.io.now ?? Date.now)() / 1000);
    let body: Buffer;
    try {
      body = readFileSync(bodyPath);
    } catch (error) {
      throw new UsageError(
        `cannot read --body ${bodyPath} (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path`,
      );
    }

    const check = verifySignature({ header, body, keys, now, toleranceSeconds: tolerance });
    if (check.ok) {
      const which = keys.length > 1 ? ` with key ${check.keyIndex + 1} of ${keys.length}` : "";
      context.io.stdout.write(
        `ok: the signature matches${which}; signed at t=${check.timestamp}, ${now - check.timestamp} s before ${values.now === undefined ? "now" : "--now"}, ${body.length} body bytes\n`,
      );
      return 0;
    }
    switch (check.reason) {
      case "missing":
        throw new CliError(
          `signature missing: the header value is empty; pass the ${SIGNATURE_HEADER} value (a receiver must reject a delivery without one)`,
        );
      case "malformed":
        throw new CliError(
          `signature malformed (${check.detail}): expected t=<unix seconds>,v1=<64 hex digits>`,
        );
      case "stale": {
        const t = /t=\s*(\d+)/.exec(header)?.[1];
        throw new CliError(
          `signature stale (${check.detail}): a receiver would reject it; to check only the HMAC of a captured delivery pass --now ${t}`,
        );
      }
      case "future":
        throw new CliError(
          `signature from the future (${check.detail}): check this machine's clock, or --now`,
        );
      case "mismatch":
        throw new CliError(
          `signature mismatch: no key matches; was the body re-serialized? was the key rotated?${mismatchHint(header, body, keys, now, tolerance)}`,
        );
      case "no_keys":
        throw new UsageError("a signing key is required: --key <key> or --key-file <file>");
    }
  },
};

/** Near misses worth naming: a newline added by whoever saved the body, a key with stray spaces. */
function mismatchHint(header: string, body: Buffer, keys: string[], now: number, tolerance: number): string {
  const matches = (candidateBody: Buffer, candidateKeys: string[]) =>
    verifySignature({ header, body: candidateBody, keys: candidateKeys, now, toleranceSeconds: tolerance })
      .ok;
  const trimmedBody = body.subarray(0, body.length - (body.subarray(-2).toString() === "\r\n" ? 2 : 1));
  if (/\n$/.test(body.subarray(-1).toString()) && matches(trimmedBody, keys)) {
    return " It matches without the body file's final newline: the capture added it; verify the bytes as received.";
  }
  const trimmedKeys = keys.map((k) => k.trim());
  if (trimmedKeys.some((k, i) => k !== keys[i]) && matches(body, trimmedKeys)) {
    return " It matches once spaces around the key are removed: the key has stray whitespace.";
  }
  return ` (${body.length} body bytes, ${keys.length} key(s) tried)`;
}
