import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { UsageError } from '../errors.js';
import { runSeconds, verdictOf } from '../report/report-model.js';
import type { ReporterName } from '../report/write-reports.js';
import { RESULTS_SCHEMA_VERSION, type RunResult, type SuiteResult } from '../results/results.js';
import type { CliIo } from './main.js';
import { publishResults, useColor } from './publish-results.js';

export interface ReportCommandOptions {
  readonly out?: string;
  readonly reporters: readonly ReporterName[];
}

const STATE_ORDER: readonly RunResult['state'][] = ['complete', 'running', 'interrupted', 'crashed'];

/** Reads and checks every results file, reporting every bad one at once. */
function readResultsFiles(files: readonly string[], cwd: string): RunResult[] {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/results.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv({ allowUnionTypes: true, validateFormats: false, allErrors: false }).compile<RunResult>(schema);
  const problems: string[] = [];
  const results: RunResult[] = [];
  for (const file of files) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path.resolve(cwd, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: cannot read it as JSON (${(error as Error).message}); pass a results.json written by perfsuite run`);
      continue;
    }
    const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (version !== RESULTS_SCHEMA_VERSION) {
      problems.push(`${file}: schemaVersion is ${JSON.stringify(version)}, this perfsuite reads ${RESULTS_SCHEMA_VERSION}; render it with the perfsuite version that wrote it`);
      continue;
    }
    if (!validate(data)) {
      const first = validate.errors?.[0];
      problems.push(`${file}: not a perfsuite results file: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'} (schemas/results.schema.json)`);
      continue;
    }
    results.push(data);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\nperfsuite: '));
  return results;
}

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

/** `perfsuite report`: re-renders every report from results.json alone; exits as the run it describes would have. */
export async function reportCommand(files: readonly string[], options: ReportCommandOptions, io: CliIo): Promise<number> {
  const result = mergeResults(readResultsFiles(files, io.cwd));
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
