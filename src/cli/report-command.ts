import path from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import { mergeNotes, runSeconds, verdictOf } from '../report/report-model.js';
import type { ReporterName } from '../report/write-reports.js';
import { readBaselineFile, readResultsFiles } from '../results/read-results.js';
import { applyBaseline } from '../compare/compare-runs.js';
import type { CaseResult, RunResult, SuiteResult } from '../results/results.js';
import type { CliIo } from './main.js';
import { publishResults, useColor } from './publish-results.js';

export interface ReportCommandOptions {
  readonly out?: string;
  readonly reporters: readonly ReporterName[];
  /** Judge the results against this earlier run's results.json. */
  readonly baseline?: string;
}

const STATE_ORDER: readonly RunResult['state'][] = ['complete', 'running', 'interrupted', 'crashed'];

/**
 * Several results files (shards of one run, usually) as one run: suites joined by name and file, each case once (the
 * first copy wins; the others are reported), cases a file set out to measure but no file has, and shards of an N-way
 * split with no file. A single unsharded file comes back unchanged.
 */
export function mergeResults(results: readonly RunResult[], sources: readonly string[]): RunResult {
  const [first] = results;
  if (first === undefined) throw new UsageError('no results files given');
  const sharded = results.filter((r) => r.selection?.shard !== undefined);
  if (results.length === 1 && sharded.length === 0) return first;
  const suites = new Map<string, { suite: SuiteResult; cases: CaseResult[] }>();
  const seen = new Set<string>();
  const duplicateCases: string[] = [];
  for (const suite of results.flatMap((r) => r.suites)) {
    const key = `${suite.name}\0${suite.file}`;
    const entry = suites.get(key) ?? { suite, cases: [] };
    suites.set(key, entry);
    for (const c of suite.cases) {
      if (seen.has(c.id)) duplicateCases.push(c.id);
      else entry.cases.push(c);
      seen.add(c.id);
    }
  }
  const planned = [...new Set(results.flatMap((r) => r.selection?.plannedCases ?? []))];
  const totals = [...new Set(sharded.map((r) => r.selection?.shard?.total ?? 0))];
  const present = new Set(sharded.map((r) => r.selection?.shard?.index ?? 0));
  const total = Math.max(0, ...totals);
  const finished = results.map((r) => r.finishedAt).filter((t): t is string => t !== undefined);
  // shards finish in any order; YAML order (then id) makes the joined run the same whatever the file order
  const byPlace = (a: CaseResult, b: CaseResult): number => a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  // the joined run is the whole run: it has no selection of its own
  const whole: { -readonly [K in keyof RunResult]?: RunResult[K] } = { ...first };
  delete whole.selection;
  return {
    ...(whole as RunResult),
    state: results.map((r) => r.state).reduce((a, b) => (STATE_ORDER.indexOf(b) > STATE_ORDER.indexOf(a) ? b : a)),
    startedAt: results.map((r) => r.startedAt).reduce((a, b) => (b < a ? b : a)),
    ...(finished.length === results.length ? { finishedAt: finished.reduce((a, b) => (b > a ? b : a)) } : {}),
    servers: results.flatMap((r) => r.servers),
    suites: [...suites.values()].map(({ suite, cases }) => ({ ...suite, cases: [...cases].sort(byPlace) })),
    merge: {
      sources,
      duplicateCases: [...new Set(duplicateCases)],
      missingCases: planned.filter((id) => !seen.has(id)),
      missingShards: Array.from({ length: total }, (_, i) => i + 1).filter((index) => !present.has(index)),
    },
  };
}

/** What joining the files found, for the console. */
function describeMerge(result: RunResult): string {
  const merge = result.merge;
  if (merge === undefined) return '';
  const cases = result.suites.reduce((n, s) => n + s.cases.length, 0);
  const notes = mergeNotes(result, '').map((note) => `  ! ${note}`);
  return `${[`joined ${merge.sources.length} results file${merge.sources.length === 1 ? '' : 's'}: ${cases} cases`, ...notes].join('\n')}\n`;
}

/** `perfsuite report` and `compare`: re-renders the reports from results.json alone (judged against a baseline when given); exits as the run would have. */
export async function reportCommand(files: readonly string[], options: ReportCommandOptions, io: CliIo): Promise<number> {
  const baseline = options.baseline === undefined ? undefined : readBaselineFile(options.baseline, io.cwd);
  const merged = mergeResults(readResultsFiles(files, io.cwd), files);
  const mergeNote = describeMerge(merged);
  if (mergeNote !== '') await io.stdout(mergeNote);
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
  // a shard that never reported is a case that could not be measured
  const incomplete = (result.merge?.missingCases.length ?? 0) > 0 || (result.merge?.missingShards.length ?? 0) > 0;
  return Math.max(verdictOf(result).exitCode, incomplete ? ExitCode.unmeasured : ExitCode.ok);
}
