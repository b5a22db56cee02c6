/**
 * Where the CLI writes, and how: results on stdout (nothing else, so `--json` stays parseable),
 * notes, progress and errors on stderr. Commands receive a `CliIO` instead of touching `process`
 * so tests can run them in-process and read what they wrote.
 */

export interface TextSink {
  write(text: string): unknown;
}

/** Where a secret is typed or piped in: process.stdin, a terminal when `isTTY` (it then has setRawMode). */
export type SecretInput = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

export interface CliIO {
  stdout: TextSink;
  stderr: TextSink & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Where a command reads a secret from (`token put`); default none: such a command refuses. */
  stdin?: SecretInput;
  /** The folder the command runs in (default process.cwd()): where `--stack` finds the Pulumi project. */
  cwd?: string;
  /** Current time in milliseconds (a test seam for relative times). */
  now?: () => number;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin };
}

const SPINNER_FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR_LINE = "\r\x1b[K";

/**
 * Progress for slow (network) steps and notes about them. A spinner is drawn only when stderr is a
 * terminal: in a pipe or a CI log the frames would be noise. Notes (retries, warnings) always go to
 * stderr, clearing the spinner's line first so the two never interleave.
 */
export interface Reporter {
  /** Runs `work` with a spinner labelled `label` (terminal only). */
  progress<T>(label: string, work: () => Promise<T>): Promise<T>;
  /** One line on stderr. */
  note(line: string): void;
}

export function createReporter(io: CliIO): Reporter {
  const animate = io.stderr.isTTY === true && io.env.TERM !== "dumb";
  let label: string | null = null;
  let frame = 0;

  const draw = () => {
    if (label === null) return;
    io.stderr.write(`${CLEAR_LINE}${SPINNER_FRAMES[frame++ % SPINNER_FRAMES.length]} ${label}… `);
  };

  return {
    async progress(text, work) {
      if (!animate) return work();
      const previous = label;
      label = text;
      draw();
      const timer = setInterval(draw, 80);
      // The spinner must never keep the process alive on its own.
      timer.unref();
      try {
        return await work();
      } finally {
        clearInterval(timer);
        label = previous;
        io.stderr.write(CLEAR_LINE);
        if (previous !== null) draw();
      }
    },
    note(line) {
      if (animate && label !== null) io.stderr.write(CLEAR_LINE);
      io.stderr.write(`${line}\n`);
      if (animate) draw();
    },
  };
}

/** Rows of text in columns padded to their widest cell, the last column left ragged. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(0, ...rows.map((row) => (row[column] ?? "").length)),
  );
  return rows
    .map((cells) =>
      cells
        .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A plain text table with a header row. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return formatColumns([headers, ...rows]);
}

/** "42 s", "7 min", "3 h", "2 d": how long ago an ISO time was, for flags people read. */
export function ago(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "an unknown time";
  const seconds = Math.max(0, Math.round((nowMs - then) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}
