import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass } from 'ajv';
import { UsageError } from '../model/errors.js';
import { isMetricName, type MetricName } from '../model/metrics.js';
import { defined } from '../model/defined.js';
import { closestMatch } from '../model/did-you-mean.js';
import { type CaseResult, JOURNAL_FILE, RESULTS_SCHEMA_VERSION, type RegressionOutcome, type RunResult, type ThresholdOutcome } from '../model/results.js';
import { parseThreshold } from '../thresholds/parse-threshold.js';

/** " (did you mean base/results.json?)" for a misspelt file name or directory, naming only a file that exists. */
function nearbyFile(absolute: string, written: string): string {
  const isFile = (candidate: string): boolean => existsSync(candidate) && statSync(candidate).isFile();
  const closest = (dir: string, name: string): string | undefined => {
    try {
      return closestMatch(
        name,
        readdirSync(dir).filter((entry) => entry !== name),
      );
    } catch {
      return undefined;
    }
  };
  const inDir = closest(path.dirname(absolute), path.basename(absolute));
  if (inDir !== undefined && isFile(path.join(path.dirname(absolute), inDir))) return ` (did you mean ${path.join(path.dirname(written), inDir)}?)`;
  const parent = path.dirname(absolute);
  const dir = existsSync(parent) ? undefined : closest(path.dirname(parent), path.basename(parent));
  if (dir !== undefined && isFile(path.join(path.dirname(parent), dir, path.basename(absolute))))
    return ` (did you mean ${path.join(path.dirname(path.dirname(written)), dir, path.basename(written))}?)`;
  return '';
}

/** Reads and checks every results file, reporting every bad one at once. */
export function readResultsFiles(files: readonly string[], cwd: string, role = ''): RunResult[] {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/results.schema.json', import.meta.url), 'utf8')) as object;
  // required when a results file is read, not when `run` starts: ajv costs ~50 ms to load
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
  const validate = new Ajv({ allowUnionTypes: true, validateFormats: false, allErrors: false }).compile<RunResult>(schema);
  const problems: string[] = [];
  const results: RunResult[] = [];
  for (const file of files) {
    const absolute = path.resolve(cwd, file);
    if (!existsSync(absolute)) {
      problems.push(`${role}${file} does not exist${nearbyFile(absolute, file)}; pass a results.json written by perfsuite run`);
      continue;
    }
    if (statSync(absolute).isDirectory()) {
      const inside = path.join(file, 'results.json');
      problems.push(
        `${role}${file} is a directory; pass the results.json in it${existsSync(path.join(absolute, 'results.json')) ? ` (${inside})` : ', written by perfsuite run'}`,
      );
      continue;
    }
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(absolute, 'utf8'));
    } catch (error) {
      problems.push(`${role}${file}: cannot read it as JSON (${(error as Error).message}); pass a results.json written by perfsuite run`);
      continue;
    }
    data = withJournal(data, absolute);
    const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (version === undefined) {
      problems.push(`${role}${file}: not a perfsuite results.json (it has no schemaVersion); pass a results.json written by perfsuite run`);
      continue;
    }
    if (version !== 1 && version !== RESULTS_SCHEMA_VERSION) {
      problems.push(
        `${role}${file}: schemaVersion is ${JSON.stringify(version)}, this perfsuite reads 1 and ${RESULTS_SCHEMA_VERSION}; render it with the perfsuite version that wrote it`,
      );
      continue;
    }
    if (!validate(data)) {
      const first = validate.errors?.[0];
      problems.push(
        `${role}${file}: not a perfsuite results file: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'} (schemas/results.schema.json)`,
      );
      continue;
    }
    const completed = withParsedThresholds(upgradeVersion1(data));
    if (typeof completed === 'string') problems.push(`${role}${file}: ${completed}`);
    else results.push(completed);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\nperfsuite: '));
  return results;
}

/** Why a run that did not complete can be neither a baseline nor a history entry, and what to pass instead. */
function unfinishedRun(state: Exclude<RunResult['state'], 'complete'>): string {
  const what =
    state === 'running'
      ? "has not finished (its state is still 'running': it was killed, or is still going)"
      : state === 'crashed'
        ? "crashed (state 'crashed')"
        : "was interrupted (state 'interrupted')";
  return `is from a run that ${what}; only a complete run can be a baseline or go into a history (its missing cases would look like changes): pass the results.json of a run that completed, or run it again`;
}

/**
 * A results.json still saying 'running' (a killed run, or one still going) with the journal beside it holds every case
 * that run finished: the journal's cases are added to their suites (a torn last line, cut by the kill, is left out).
 */
function withJournal(data: unknown, resultsFile: string): unknown {
  const result = data as Partial<RunResult> | null;
  const journalFile = path.join(path.dirname(resultsFile), JOURNAL_FILE);
  if (result?.state !== 'running' || !Array.isArray(result.suites) || !existsSync(journalFile)) return data;
  const journaled: CaseResult[] = [];
  for (const line of readFileSync(journalFile, 'utf8').split('\n')) {
    try {
      if (line.trim() !== '') journaled.push(JSON.parse(line) as CaseResult);
    } catch {
      // the line a kill cut short
    }
  }
  const order = new Map((result.selection?.plannedCases ?? []).map((id, i) => [id, i]));
  const suites = (result.suites as RunResult['suites']).map((suite) => {
    const known = new Set(suite.cases.map((c) => c.id));
    const added = journaled.filter((c) => c.id.startsWith(`${suite.name}/`) && !known.has(c.id));
    const cases = [...suite.cases, ...added];
    return { ...suite, cases: order.size === 0 ? cases : cases.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)) };
  });
  return { ...result, suites };
}

/** The baseline results file, checked before anything runs: a missing, invalid or unfinished one is a usage error (exit 2). */
export function readBaselineFile(file: string, cwd: string, role = '--baseline '): RunResult {
  const [result] = readResultsFiles([file], cwd, role);
  if (result === undefined) throw new UsageError(`${role}${file}: no results in it`);
  if (result.state !== 'complete') throw new UsageError(`${role}${file} ${unfinishedRun(result.state)}`);
  return result;
}

/**
 * Files of perfsuite 0.1.0 keep only the expression of a threshold: its operator and limit are parsed from it.
 * Returns what is wrong instead when an expression cannot be parsed (a hand-edited file).
 */
function withParsedThresholds(result: RunResult): RunResult | string {
  let problem: string | undefined;
  const complete = (c: RunResult['suites'][number]['cases'][number], t: ThresholdOutcome): ThresholdOutcome => {
    if ((t as Partial<ThresholdOutcome>).op !== undefined && (t as Partial<ThresholdOutcome>).limit !== undefined) return t;
    const parsed = isMetricName(t.metric) ? parseThreshold(t.expression, t.metric, { bareNumberInMetricUnit: true }) : undefined;
    if (parsed?.ok === true) return { ...t, op: parsed.value.op, limit: parsed.value.value };
    problem ??= `case ${c.id}: threshold ${t.metric}: '${t.expression}' cannot be read (${parsed?.ok === false ? parsed.message : 'unknown metric'}); was the file edited by hand?`;
    return t;
  };
  const completed = {
    ...result,
    suites: result.suites.map((suite) => ({ ...suite, cases: suite.cases.map((c) => ({ ...c, thresholds: c.thresholds.map((t) => complete(c, t)) })) })),
  };
  return problem ?? completed;
}

/** A regressions entry as schemaVersion 1 wrote it. */
interface RegressionOutcomeV1 {
  readonly metric: MetricName;
  readonly tolerancePercent: number;
  readonly file: string;
  readonly line: number;
  readonly verdict: 'regressed' | 'not-significant' | 'within-tolerance' | 'not-compared';
  readonly passed: boolean;
  readonly baseline: number | null;
  readonly current: number | null;
  readonly changePercent: number | null;
  readonly changePoints?: number;
  readonly changeReason?: string;
  readonly baselineRuns: readonly number[];
  readonly currentRuns: readonly number[];
  readonly evidence: { readonly test: string; readonly pValue?: number; readonly alpha?: number; readonly reason?: string };
}

const V1_VERDICTS = { regressed: 'regressed', 'not-significant': 'inconclusive', 'within-tolerance': 'unchanged', 'not-compared': 'not-compared' } as const;

/**
 * A schemaVersion 1 file in today's shape: its baseline verdicts in the three-way words (worse beyond the tolerance
 * but not significant was inconclusive all along). Its runs are untouched, so a baseline made of it is re-judged.
 */
function upgradeVersion1(result: RunResult): RunResult {
  if ((result.schemaVersion as number) !== 1) return result;
  const against = result.comparison?.baselineFile ?? 'baseline';
  const upgrade = (r: RegressionOutcome | RegressionOutcomeV1): RegressionOutcome => {
    if ('source' in r) return r;
    const inPoints = r.changePoints !== undefined || r.metric === 'loss';
    const change = r.changePoints ?? (r.changePercent === null ? null : r.changePercent / 100);
    return {
      source: 'baseline',
      against,
      metric: r.metric,
      verdict: V1_VERDICTS[r.verdict],
      passed: r.passed,
      change,
      ...defined({ changeReason: r.changeReason, p: r.evidence.pValue, alpha: r.evidence.alpha, note: r.evidence.reason }),
      ...(r.evidence.test === 'mann-whitney-u' ? { method: 'mann-whitney-u' as const } : {}),
      againstValue: r.baseline,
      currentValue: r.current,
      againstRuns: r.baselineRuns,
      currentRuns: r.currentRuns,
      tolerance: inPoints ? r.tolerancePercent : r.tolerancePercent / 100,
      file: r.file,
      line: r.line,
    };
  };
  return {
    ...result,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    suites: result.suites.map((suite) => ({
      ...suite,
      cases: suite.cases.map((c) =>
        c.regressions === undefined ? c : { ...c, regressions: (c.regressions as readonly (RegressionOutcome | RegressionOutcomeV1)[]).map(upgrade) },
      ),
    })),
  };
}
