/**
 * Reading a secret (the Calendly token) from stdin, never from the command line: arguments end up
 * in shell history and in every process listing. Piped in, it is read to the end; typed at a
 * terminal, it is read with the echo off. Either way it must be one word, and it is never shown,
 * not even in the message that refuses it.
 */
import { CliError } from "./args";
import type { SecretInput } from "./output";

/** SSM's standard tier holds at most 4 KB; a personal access token is a few hundred characters. */
const MAX_SECRET_CHARACTERS = 4096;

export interface SecretPrompt {
  /** What the secret is, for the prompt and the messages, e.g. "the Calendly token". */
  what: string;
  /** How to pipe it in, for the message when nothing came. */
  pipeExample: string;
  /** Writes the prompt (stderr). */
  write(text: string): void;
}

/** The secret from `input`, trimmed; a CliError (naming no part of it) when it is unusable. */
export async function readSecret(input: SecretInput | undefined, prompt: SecretPrompt): Promise<string> {
  if (input === undefined) throw new CliError(`${prompt.what} is read from stdin, and there is none here`);
  const text =
    input.isTTY === true && typeof input.setRawMode === "function"
      ? await readHidden(input, prompt)
      : await readToEnd(input, prompt);
  return checked(text, prompt);
}

function checked(text: string, prompt: SecretPrompt): string {
  const secret = text.trim();
  if (secret === "") {
    throw new CliError(
      `no ${prompt.what.replace(/^the /, "")} on stdin (it was empty): pipe it in, e.g. ${prompt.pipeExample}, ` +
        "or run the command in a terminal to type it (hidden)",
    );
  }
  if (/\s/.test(secret)) {
    const lines = secret.split(/\r?\n/).length;
    throw new CliError(
      `${prompt.what} on stdin is not one word (${lines > 1 ? `${lines} lines` : "it contains spaces"}): ` +
        "pass the token alone, nothing before or after it",
    );
  }
  if (secret.length > MAX_SECRET_CHARACTERS) {
    throw new CliError(
      `${prompt.what} on stdin is ${secret.length} characters, more than the ${MAX_SECRET_CHARACTERS} an SSM ` +
        "standard parameter holds: is it the token?",
    );
  }
  return secret;
}

async function readToEnd(input: SecretInput, prompt: SecretPrompt): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    // Far beyond any token: stop reading rather than hold whatever was piped by mistake.
    if (size > 16 * MAX_SECRET_CHARACTERS) {
      throw new CliError(`${prompt.what} on stdin is far longer than a token: pipe the token alone`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads one line at a terminal with the echo off; Ctrl-C cancels, Enter (or Ctrl-D) ends it. */
function readHidden(input: SecretInput, prompt: SecretPrompt): Promise<string> {
  return new Promise((resolve, reject) => {
    prompt.write(`Paste ${prompt.what} (input hidden), then Enter: `);
    let value = "";
    const finish = (then: () => void) => {
      input.removeListener("data", onData);
      input.setRawMode?.(false);
      input.pause();
      prompt.write("\n");
      then();
    };
    const onData = (chunk: string | Buffer) => {
      for (const character of String(chunk)) {
        if (character === "\r" || character === "\n" || character === "\u0004") {
          finish(() => resolve(value));
          return;
        }
        if (character === "\u0003") {
          finish(() => reject(new CliError("cancelled: nothing was written")));
          return;
        }
        if (character === "\u007f" || character === "\b") value = value.slice(0, -1);
        else value += character;
      }
    };
    input.setRawMode?.(true);
    input.setEncoding("utf8");
    input.on("data", onData);
    input.resume();
  });
}
