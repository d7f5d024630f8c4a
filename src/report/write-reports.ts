import { appendFileSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CaseResult, JOURNAL_FILE, type RunResult } from '../model/results.js';
import type { RunSink } from '../run/run-plan.js';
import { STEP_SUMMARY_LIMIT_BYTES } from './render-github.js';

type Render = (result: RunResult) => string;

const renderJson: Render = (result) => `${JSON.stringify(result, null, 2)}\n`;

/**
 * Each report by name (`--reporter`): its file in the output directory and its pure renderer, loaded on first use
 * (together ~50 ms to load, which `run` spends while netperf measures instead of before its first case).
 */
export const REPORTERS = {
  json: { file: 'results.json', load: () => Promise.resolve(renderJson) },
  junit: { file: 'junit.xml', load: async (): Promise<Render> => (await import('./render-junit.js')).renderJunit },
  markdown: {
    file: 'report.md',
    load: async (): Promise<Render> => {
      const { renderMarkdown } = await import('./render-markdown.js');
      return (result) => renderMarkdown(result);
    },
  },
  html: { file: 'report.html', load: async (): Promise<Render> => (await import('./render-html.js')).renderHtml },
} as const;

export type ReporterName = keyof typeof REPORTERS;
export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];

/** Starts loading the renderers now, so that writing the reports later does not wait for them. */
export function preloadReporters(names: readonly ReporterName[]): void {
  for (const name of names) REPORTERS[name].load().catch(() => undefined);
}

/** The file operations an atomic write needs; tests put a fault between them. */
export interface AtomicWriteOps {
  readonly writeFileSync: (file: string, text: string) => void;
  readonly renameSync: (from: string, to: string) => void;
  readonly rmSync: (file: string, options: { force: boolean }) => void;
}

const FS_OPS: AtomicWriteOps = { writeFileSync, renameSync, rmSync };

/**
 * Writes a file atomically (temporary file, then rename), so a crash or a full disk never leaves half a file: the
 * old file stays whole until the new one is, and a failed attempt removes its temporary file.
 */
export function writeFileAtomic(file: string, text: string, ops: AtomicWriteOps = FS_OPS): void {
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
