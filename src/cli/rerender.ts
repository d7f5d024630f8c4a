import path from 'node:path';
import { acceptStored } from '../compare/accept-regressions.js';
import { applyBaseline } from '../compare/compare-runs.js';
import { acceptContext } from './accept-context.js';
import { ExitCode, UsageError } from '../model/errors.js';
import type { RunResult } from '../model/results.js';
import { mergeNotes } from '../report/report-text.js';
import { REPORTERS, type ReporterName } from '../report/write-reports.js';
import { mergeResults } from '../results/merge-results.js';
import { readBaselineFile, readResultsFiles } from '../results/read-results.js';
import { runSeconds, verdictOf } from '../results/verdict.js';
import { type CliIo, realPath, useColor, whyNotWritable } from './io.js';
import { DEFAULT_OUT_DIR } from './options.js';
import { publishResults } from './publish-results.js';
import { lockOut } from './out-dir.js';
import { plural } from '../model/words.js';

export interface ReportOptions {
  readonly out?: string | undefined;
  readonly reporters: readonly ReporterName[];
  /** Judge the results against this earlier run's results.json. */
  readonly baseline?: string | undefined;
  /** How messages name the baseline file: `--baseline ` for report, `baseline ` for compare's first argument. */
  readonly baselineRole?: string;
}

/** What joining the files found, for the console. */
function describeMerge(result: RunResult): string {
  const merge = result.merge;
  if (merge === undefined) return '';
  const cases = result.suites.reduce((n, s) => n + s.cases.length, 0);
  const notes = mergeNotes(result, '').map((note) => `  ! ${note}`);
  return `${[`joined ${plural(merge.sources.length, 'results file')}: ${plural(cases, 'case')}`, ...notes].join('\n')}\n`;
}

/** A run judged again against a baseline: the regressions found now may be ones its suites accept, as on the day it ran. */
async function acceptAgain(result: RunResult, cwd: string): Promise<RunResult> {
  const cases = result.suites.flatMap((s) => s.cases);
  const untils = cases.flatMap((c) => (c.accept ?? []).map((a) => a.until));
  if (untils.length === 0) return result;
  const context = await acceptContext(untils, { startedAt: result.startedAt, commit: result.provenance?.commit }, cwd);
  return { ...result, suites: result.suites.map((suite) => ({ ...suite, cases: suite.cases.map((c) => acceptStored(c, context)) })) };
}

/** `perfsuite report` and `compare`: re-renders the reports from results.json alone (judged against a baseline when given); exits as the run would have. */
export async function report(files: readonly string[], options: ReportOptions, io: CliIo): Promise<number> {
  const baseline = options.baseline === undefined ? undefined : readBaselineFile(options.baseline, io.cwd, options.baselineRole);
  const merged = mergeResults(readResultsFiles(files, io.cwd), files);
  const mergeNote = describeMerge(merged);
  if (mergeNote !== '') await io.stdout(mergeNote);
  const result =
    baseline === undefined || options.baseline === undefined ? merged : await acceptAgain(applyBaseline(merged, baseline, options.baseline), io.cwd);
  // re-rendering one file writes beside it; joining several makes a new run, which never goes over an input
  const outDir = path.resolve(io.cwd, options.out ?? (files.length > 1 ? DEFAULT_OUT_DIR : path.dirname(files[0] ?? '.')));
  const inputs = new Set([...files, ...(options.baseline === undefined ? [] : [options.baseline])].map((file) => realPath(path.resolve(io.cwd, file))));
  const overwritten = options.reporters.map((name) => path.join(outDir, REPORTERS[name].file)).filter((file) => inputs.has(realPath(file)));
  if (overwritten.length > 0) {
    throw new UsageError(`the reports would overwrite the input ${overwritten.join(', ')}; pass --out with another directory`);
  }
  const seconds = runSeconds(result) ?? 0;
  const planned = result.suites.reduce((sum, suite) => sum + suite.cases.length, 0);
  // the exit code says it (3, or 130), and so does this: the reports hold only the cases the run finished
  if (result.state === 'running' || result.state === 'crashed') {
    io.stderr(
      `perfsuite: warning: this run never finished (its results say '${result.state}': it was killed, it crashed, or it is still going); the reports hold the ${plural(planned, 'case')} it finished, and cases after those are missing\n`,
    );
  }
  // a directory a live run writes to is its own until it ends (cli/out-dir.ts)
  const lock = options.reporters.length === 0 ? undefined : lockOut(outDir, path.relative(io.cwd, outDir) || '.', io, 'reports');
  try {
    await publishResults(result, { outDir, reporters: options.reporters, seconds, planned, color: useColor(io) }, io);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new UsageError(`cannot write reports to ${outDir}: ${whyNotWritable(outDir, error as Error)}; pass a writable --out directory`);
  } finally {
    lock?.release();
  }
  // a shard that never reported is a case that could not be measured
  const incomplete = (result.merge?.missingCases.length ?? 0) > 0 || (result.merge?.missingShards.length ?? 0) > 0;
  return Math.max(verdictOf(result).exitCode, incomplete ? ExitCode.unmeasured : ExitCode.ok);
}
