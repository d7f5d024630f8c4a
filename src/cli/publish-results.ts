import path from 'node:path';
import { allCases, verdictOf } from '../results/verdict.js';
import { renderAnnotations } from '../report/render-github.js';
import { ExitCode, PerfsuiteError } from '../model/errors.js';
import { appendStepSummary, REPORTERS, ResultsWriteError, writeReports, type ReporterName } from '../report/write-reports.js';
import type { RunResult } from '../model/results.js';
import { formatComparisonSummary, formatSummary, formatThresholdSummary } from './console-reporter.js';
import type { CliIo } from './io.js';

/** Shows a path relative to the working directory when it is below it, else as it is. */
function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') ? file : relative;
}

export interface PublishOptions {
  readonly outDir: string;
  readonly reporters: readonly ReporterName[];
  /** Files already in `outDir` to name with the reports (results.json, which `run`'s sink wrote whole). */
  readonly alreadyWritten?: readonly string[];
  /** The run's wall time; `report` takes it from the results' timestamps. */
  readonly seconds: number;
  readonly planned: number;
  readonly color: boolean;
}

/**
 * Writes the reports, then tells the user: GitHub annotations and job summary when running in Actions, the
 * threshold table, the counts, and where the reports are.
 */
export async function publishResults(result: RunResult, options: PublishOptions, io: CliIo): Promise<void> {
  const written = await writeReports(options.outDir, result, options.reporters).catch((error: unknown) => {
    if (!(error instanceof ResultsWriteError)) throw error;
    const json = displayPath(io.cwd, path.join(options.outDir, REPORTERS.json.file));
    const { headline } = verdictOf(result);
    throw new PerfsuiteError(
      `${error.message}; the run itself finished (${headline}) and ${json} holds every case: free the path, then write the reports from it with perfsuite report ${json}`,
      ExitCode.unmeasured,
    );
  });
  if (io.env['GITHUB_ACTIONS'] === 'true') {
    await io.stdout(renderAnnotations(result, { workspace: io.env['GITHUB_WORKSPACE'] ?? io.cwd, cwd: io.cwd }));
    const summaryFile = io.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile !== undefined && summaryFile !== '') {
      const fullReport = `${displayPath(io.cwd, path.join(options.outDir, REPORTERS.markdown.file))} (upload the results directory as an artifact to keep it)`;
      await appendStepSummary(summaryFile, result, fullReport);
    }
  }
  const cases = allCases(result);
  const style = { color: options.color };
  await io.stdout(
    [
      formatThresholdSummary(cases, style),
      formatComparisonSummary(result, style),
      formatSummary(
        cases,
        {
          seconds: options.seconds,
          outDir: displayPath(io.cwd, options.outDir),
          reports: [...(options.alreadyWritten ?? []), ...written.map((file) => path.basename(file))],
          interrupted: result.state === 'interrupted',
          planned: options.planned,
          nothingCompared: verdictOf(result).outcome === 'nothing-compared',
        },
        style,
      ),
    ]
      .filter((text) => text !== '')
      .join('\n'),
  );
}
