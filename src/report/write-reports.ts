import { appendFileSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../results/results.js';
import { renderHtml } from './render-html.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import { STEP_SUMMARY_LIMIT_BYTES } from './render-github.js';

/** Each report by name (`--reporter`): its file in the output directory and its pure renderer. */
export const REPORTERS = {
  json: { file: 'results.json', render: (result: RunResult) => `${JSON.stringify(result, null, 2)}\n` },
  junit: { file: 'junit.xml', render: renderJunit },
  markdown: { file: 'report.md', render: (result: RunResult) => renderMarkdown(result) },
  html: { file: 'report.html', render: renderHtml },
} as const;

export type ReporterName = keyof typeof REPORTERS;
export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];

/** Writes a file atomically (temporary file, then rename), so a crash never leaves half a report. */
function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** Writes results.json alone: after every case, so an interruption loses nothing finished. */
export function writeResults(outDir: string, result: RunResult): string {
  return writeReports(outDir, result, ['json'])[0] ?? path.join(outDir, REPORTERS.json.file);
}

/** Renders and writes the named reports into `outDir`; returns the paths written, in the order asked. */
export function writeReports(outDir: string, result: RunResult, names: readonly ReporterName[]): string[] {
  mkdirSync(outDir, { recursive: true });
  return names.map((name) => {
    const file = path.join(outDir, REPORTERS[name].file);
    writeFileAtomic(file, REPORTERS[name].render(result));
    return file;
  });
}

/**
 * Appends the Markdown report to GitHub's job summary file, within what is left of its 1 MiB limit (a step's
 * summary may already hold other text); what does not fit is left out with a note saying where the full report is.
 */
export function appendStepSummary(summaryFile: string, result: RunResult, fullReport: string): number {
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
