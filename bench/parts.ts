/**
 * What each library costs the receiver's cold start, measured rather than assumed: one bundle per
 * part, built with the receiver's esbuild settings, each the EventBridge client (what the minimal
 * peer needs anyway) plus one part; its bytes, and the median time to `require` it in a fresh Node
 * process, minus the EventBridge client alone. The parts are those the receiver used before it was
 * slimmed (the S3 and SSM clients, Powertools, zod's chained API) and what replaced them.
 *
 *   npm run bench -- --only parts
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { LAMBDA_BUNDLE_OPTIONS, PROJECT_ROOT } from "../lambda/build";
import { type Spread, spread } from "./stats";

/** Module text per part; each keeps what it imports alive by exporting it. */
export const PARTS: Record<string, string> = {
  "EventBridge client (the base)": "",
  "+ S3 client (PutObject)": `export { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";`,
  "+ SSM client (GetParameter)": `export { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";`,
  "+ Powertools Parameters (SSMProvider) with the SSM client": `export { SSMProvider } from "@aws-lambda-powertools/parameters/ssm"; export { SSMClient } from "@aws-sdk/client-ssm";`,
  "+ Powertools Logger and Metrics": `export { Logger } from "@aws-lambda-powertools/logger"; export { Metrics } from "@aws-lambda-powertools/metrics";`,
  "+ zod, chained API (the receiver's schemas' kinds)": `import * as z from "zod"; export const s = z.looseObject({ u: z.url(), t: z.iso.datetime({ offset: true }), e: z.enum(["a"]), r: z.record(z.string(), z.unknown()), a: z.array(z.string().regex(/x/).max(9)).optional() });`,
  "+ zod/mini (the same schemas)": `import * as z from "zod/mini"; export const s = z.looseObject({ u: z.url(), t: z.iso.datetime({ offset: true }), e: z.enum(["a"]), r: z.record(z.string(), z.unknown()), a: z.optional(z.array(z.string().check(z.regex(/x/), z.maxLength(9)))) });`,
  "+ SigV4 signer and HttpRequest (the receiver's SSM/S3 path)": `export { SignatureV4 } from "@smithy/signature-v4"; export { HttpRequest } from "@smithy/core/protocols";`,
};

const BASE = `export { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";\n`;

export interface PartFigure {
  part: string;
  bytes: number;
  requireMs: Spread;
  /** Bytes and median require time above the base. */
  addedBytes: number;
  addedMs: number;
}

function requireTime(file: string): Promise<number> {
  const script = `const s=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-s))`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.once("error", fail);
    child.once("close", (code) =>
      code === 0 ? done(Number(out)) : fail(new Error(`require exited ${code}`)),
    );
  });
}

export async function measureParts(runs: number): Promise<PartFigure[]> {
  const dir = await mkdtemp(join(tmpdir(), "receiver-parts-"));
  try {
    const files: string[] = [];
    const bytes: number[] = [];
    for (const [index, text] of Object.values(PARTS).entries()) {
      const file = join(dir, `part-${index}.js`);
      const result = await build({
        stdin: { contents: BASE + text, resolveDir: PROJECT_ROOT, loader: "ts" },
        // As the receiver is bundled, without the source map: only the code's size counts here.
        ...LAMBDA_BUNDLE_OPTIONS,
        sourcemap: false,
        outfile: file,
        metafile: true,
      });
      files.push(file);
      bytes.push(Object.values(result.metafile.outputs)[0]!.bytes);
    }
    for (const file of files) await requireTime(file); // file cache
    const times: number[][] = files.map(() => []);
    for (let run = 0; run < runs; run++) {
      // Rotate, so no part always follows another.
      for (let k = 0; k < files.length; k++) {
        const i = (k + run) % files.length;
        times[i]!.push(await requireTime(files[i]!));
      }
    }
    const base = spread(times[0]!).median;
    return Object.keys(PARTS).map((part, i) => ({
      part,
      bytes: bytes[i]!,
      requireMs: spread(times[i]!),
      addedBytes: bytes[i]! - bytes[0]!,
      addedMs: spread(times[i]!).median - base,
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
