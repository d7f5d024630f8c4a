import path from 'node:path';
import { UsageError } from '../errors.js';
import { runSeconds, verdictOf } from '../report/report-model.js';
import type { ReporterName } from '../report/write-reports.js';
import { readBaselineFile, readResultsFiles } from '../results/read-results.js';
import { applyBaseline } from '../compare/compare-runs.js';
import type { RunResult, SuiteResult } from '../results/results.js';
import type { CliIo } from './main.js';
import { publishResults, useColor } from './publish-results.js';

export interface ReportCommandOptions {
  readonly out?: string;
  readonly reporters: readonly ReporterName[];
  /** Judge the results against this earlier run's results.json. */
  readonly baseline?: string;
}

const STATE_ORDER: readonly RunResult['state'][] = ['complete', 'running', 'interrupted', 'crashed'];

/** Several results files as one run: suites of the same name and file are joined; the worst state wins. */
export function mergeResults(results: readonly RunResult[]): RunResult {
  const [first, ...rest] = results;
  if (first === undefined) throw new UsageError('no results files given');
  if (rest.length === 0) return first;
  const suites = new Map<string, SuiteResult>();
  for (const suite of results.flatMap((r) => r.suites)) {
    const key = `${suite.name}\0${suite.file}`;
    const known = suites.get(key);
    suites.set(key, known === undefined ? suite : { ...known, cases: [...known.cases, ...suite.cases] });
  }
  const finished = results.map((r) => r.finishedAt).filter((t): t is string => t !== undefined);
  return {
    ...first,
    state: results.map((r) => r.state).reduce((a, b) => (STATE_ORDER.indexOf(b) > STATE_ORDER.indexOf(a) ? b : a)),
    startedAt: results.map((r) => r.startedAt).reduce((a, b) => (b < a ? b : a)),
    ...(finished.length === results.length ? { finishedAt: finished.reduce((a, b) => (b > a ? b : a)) } : {}),
    servers: results.flatMap((r) => r.servers),
    suites: [...suites.values()],
  };
}

/** `perfsuite report` and `compare`: re-renders the reports from results.json alone (judged against a baseline when given); exits as the run would have. */
export async function reportCommand(files: readonly string[], options: ReportCommandOptions, io: CliIo): Promise<number> {
  const baseline = options.baseline === undefined ? undefined : readBaselineFile(options.baseline, io.cwd);
  const merged = mergeResults(readResultsFiles(files, io.cwd));
  const result = baseline === undefined || options.baseline === undefined ? merged : applyBaseline(merged, baseline, options.baseline);
  const outDir = path.resolve(io.cwd, options.out ?? path.dirname(files[0] ?? '.'));
  const seconds = runSeconds(result) ?? 0;
  const planned = result.suites.reduce((sum, suite) => sum + suite.cases.length, 0);
  try {
    await publishResults(result, { outDir, reporters: options.reporters, seconds, planned, color: useColor(io) }, io);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new UsageError(`cannot write reports to ${outDir}: ${(error as Error).message}; pass a writable --out directory`);
  }
  return verdictOf(result).exitCode;
}
