import { appendFileSync, closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CaseResult, JOURNAL_FILE, type RunResult } from '../model/results.js';
import type { RunSink } from '../run/run-plan.js';
import { STEP_SUMMARY_LIMIT_BYTES } from './render-github.js';

/** A report's text, whole or in pieces: a large run's results.json or report.html is written piece by piece, never held whole. */
export type ReportText = string | Iterable<string>;

type Render = (result: RunResult) => ReportText;

/**
 * results.json, exactly as `JSON.stringify(result, null, 2)` would print it, but case by case: a 10,000-case run's
 * 30 MB file is never one string (each rewrite would otherwise leave one for the garbage collector, and grow the heap).
 */
function* renderJson(result: RunResult): Iterable<string> {
  yield* withStreamed(
    result,
    'suites',
    0,
    itemsOf(result.suites, 1, (suite, depth) => withStreamed(suite, 'cases', depth, itemsOf(suite.cases, depth + 1, indented))),
  );
  yield '\n';
}

/** Stands for a streamed member while the rest of its object is stringified (checked: a run's own text could hold it). */
const STREAMED = '\u0000streamed\u0000';

/** A value as JSON.stringify(…, null, 2) prints it `depth` levels down. */
function* indented(value: unknown, depth: number): Iterable<string> {
  yield JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/** An object `depth` levels down with its member `key` given as pieces, in its place among the others. */
function* withStreamed(value: object, key: string, depth: number, member: Iterable<string>): Iterable<string> {
  const parts = [...indented({ ...value, [key]: STREAMED }, depth)].join('').split(JSON.stringify(STREAMED));
  // a string of the run that holds the marker itself (it would need NULs): then this object goes whole
  if (parts.length !== 2) {
    yield* indented(value, depth);
    return;
  }
  yield parts[0] ?? '';
  yield* member;
  yield parts[1] ?? '';
}

/** An array `depth` levels down, item by item. */
function* itemsOf<T>(items: readonly T[], depth: number, item: (value: T, depth: number) => Iterable<string>): Iterable<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  const pad = '  '.repeat(depth + 1);
  for (const [i, value] of items.entries()) {
    yield `${i === 0 ? '[' : ','}\n${pad}`;
    yield* item(value, depth + 1);
  }
  yield `\n${'  '.repeat(depth)}]`;
}

/**
 * Each report by name (`--reporter`): its file in the output directory and its pure renderer, loaded on first use
 * (together ~50 ms to load, which `run` spends while netperf measures instead of before its first case).
 */
export const REPORTERS = {
  json: { file: 'results.json', load: () => Promise.resolve(renderJson) },
  junit: { file: 'junit.xml', load: async (): Promise<Render> => (await import('./render-junit.js')).junitPieces },
  markdown: {
    file: 'report.md',
    load: async (): Promise<Render> => {
      const { renderMarkdown } = await import('./render-markdown.js');
      return (result) => renderMarkdown(result);
    },
  },
  html: { file: 'report.html', load: async (): Promise<Render> => (await import('./render-html.js')).htmlPieces },
} as const;

export type ReporterName = keyof typeof REPORTERS;
export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];

/** Starts loading the renderers now, so that writing the reports later does not wait for them. */
export function preloadReporters(names: readonly ReporterName[]): void {
  for (const name of names) REPORTERS[name].load().catch(() => undefined);
}

/** The file operations an atomic write needs; tests put a fault between them. */
export interface AtomicWriteOps {
  readonly writeFileSync: (file: string, text: ReportText) => void;
  readonly renameSync: (from: string, to: string) => void;
  readonly rmSync: (file: string, options: { force: boolean }) => void;
}

const FS_OPS: AtomicWriteOps = { writeFileSync: writeText, renameSync, rmSync };

/** Writes a text given whole or in pieces; pieces are gathered into writes of about 1 MiB. */
function writeText(file: string, text: ReportText): void {
  if (typeof text === 'string') {
    writeFileSync(file, text);
    return;
  }
  const fd = openSync(file, 'w');
  try {
    let pending = '';
    for (const piece of text) {
      pending += piece;
      if (pending.length >= 1 << 20) {
        // writeFileSync on a descriptor writes until all is out (writeSync may write part of it and say nothing)
        writeFileSync(fd, pending);
        pending = '';
      }
    }
    if (pending !== '') writeFileSync(fd, pending);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a file atomically (temporary file, then rename), so a crash or a full disk never leaves half a file: the
 * old file stays whole until the new one is, and a failed attempt removes its temporary file.
 */
export function writeFileAtomic(file: string, text: ReportText, ops: AtomicWriteOps = FS_OPS): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    ops.writeFileSync(temporary, text);
    ops.renameSync(temporary, file);
  } catch (error) {
    ops.rmSync(temporary, { force: true });
    throw error;
  }
}

/** The journal of one run (JOURNAL_FILE): started empty, appended case by case, removed once results.json holds everything. */
export interface ResultsJournal {
  readonly append: (result: CaseResult) => void;
  readonly remove: () => void;
}

export function startJournal(outDir: string): ResultsJournal {
  const file = path.join(outDir, JOURNAL_FILE);
  rmSync(file, { force: true });
  return {
    append: (result) => appendFileSync(file, `${JSON.stringify(result)}\n`),
    remove: () => rmSync(file, { force: true }),
  };
}

/** A write the sink could not make: which file, and why. */
export class ResultsWriteError extends Error {
  constructor(
    readonly file: string,
    readonly reason: Error,
  ) {
    super(`cannot write ${file} (${reason.message})`);
  }
}

/**
 * The run's results on disk (run/run-plan.ts's RunSink): results.json at the start, every finished case appended to
 * the journal, results.json rewritten between cases only while that costs under 1/20 of the time since its last
 * rewrite (every case in a short run, now and then in a 10,000-case one), and whole at the end, when the journal goes.
 */
export function resultsSink(outDir: string): RunSink {
  let journal: ResultsJournal | undefined;
  let saved = 0;
  const snapshots = { last: 0, costMs: 0 };
  const attempt = (file: string, write: () => void): void => {
    try {
      write();
    } catch (error) {
      throw new ResultsWriteError(path.join(outDir, file), error as Error);
    }
  };
  return {
    start: (result) => {
      // the journal of a killed run goes first: beside the new results.json, `report` would read it as this run's
      attempt(JOURNAL_FILE, () => (journal = startJournal(outDir)));
      attempt(REPORTERS.json.file, () => writeResults(outDir, result));
      snapshots.last = performance.now();
    },
    caseFinished: (result, snapshot) => {
      attempt(JOURNAL_FILE, () => journal?.append(result));
      saved += 1;
      const now = performance.now();
      if (now - snapshots.last < 20 * snapshots.costMs) return;
      attempt(REPORTERS.json.file, () => writeResults(outDir, snapshot()));
      snapshots.last = performance.now();
      snapshots.costMs = snapshots.last - now;
    },
    finish: (result) => {
      attempt(REPORTERS.json.file, () => writeResults(outDir, result));
      journal?.remove();
    },
    savedCases: () => saved,
  };
}

/** Writes results.json alone: at the start and end of a run, and now and then between (the journal holds every case). */
export function writeResults(outDir: string, result: RunResult): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, REPORTERS.json.file);
  writeFileAtomic(file, renderJson(result));
  return file;
}

/** Renders and writes the named reports into `outDir`; returns the paths written, in the order asked. */
export async function writeReports(outDir: string, result: RunResult, names: readonly ReporterName[]): Promise<string[]> {
  const renderers = await Promise.all(names.map((name) => REPORTERS[name].load()));
  mkdirSync(outDir, { recursive: true });
  return names.map((name, i) => {
    const file = path.join(outDir, REPORTERS[name].file);
    try {
      writeFileAtomic(file, renderers[i]?.(result) ?? '');
    } catch (error) {
      // the file system's refusals (they have a code) are about the path; anything else is a renderer's bug
      if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
      throw new ResultsWriteError(file, error as Error);
    }
    return file;
  });
}

/**
 * Appends the Markdown report to GitHub's job summary file, within what is left of its 1 MiB limit (a step's
 * summary may already hold other text); what does not fit is left out with a note saying where the full report is.
 */
export async function appendStepSummary(summaryFile: string, result: RunResult, fullReport: string): Promise<number> {
  const { renderMarkdown } = await import('./render-markdown.js');
  let existing = 0;
  try {
    existing = statSync(summaryFile).size;
  } catch {
    // GitHub creates the file; a missing one simply starts empty
  }
  const markdown = renderMarkdown(result, { maxBytes: Math.max(0, STEP_SUMMARY_LIMIT_BYTES - existing - 1), fullReport });
  appendFileSync(summaryFile, `${markdown}\n`);
  return Buffer.byteLength(markdown) + 1;
}
