import { ExitCode } from '../model/errors.js';
import type { CaseResult, CaseStatus, RegressionOutcome, RunResult } from '../model/results.js';
import { plural } from '../model/words.js';

/** What every report leads with: one word for the run, the counts, and the exit code it earns. */
export interface Verdict {
  /** `nothing-compared`: given a baseline or a history, the run compared no metric against it (docs/judging.md). */
  readonly outcome: 'passed' | 'failed' | 'nothing-compared' | 'unmeasured' | 'interrupted' | 'empty';
  readonly counts: Readonly<Record<CaseStatus, number>> & { readonly total: number };
  readonly exitCode: number;
  /** One sentence: "3 of 13 cases failed a threshold; 1 could not be measured". */
  readonly headline: string;
  /** Judged metrics with no value on one side (any source). */
  readonly notCompared: number;
  /** Each baseline or history the run was given and compared nothing against. */
  readonly nothingCompared: readonly NothingCompared[];
}

/** A baseline or history given to the run against which not one metric was compared: a gate that judged nothing. */
export interface NothingCompared {
  readonly source: 'baseline' | 'history';
  /** The baseline or history file. */
  readonly against: string;
  /** Why, in words, with what to do. */
  readonly reason: string;
  /** Where to point an annotation: the first `regression:` entry of the run. */
  readonly file?: string;
  readonly line?: number;
  /** `--missing-baseline warn`: said as a warning, and the run is not failed for it. */
  readonly warnOnly: boolean;
}

/**
 * "Never silently green": for the baseline (`--baseline`, `compare`) and the history (`--history`) a run was judged
 * against, whether any metric was compared at all. A history file that did not exist is the first run of a new
 * history: warned about when read, not failed here (an existing file with no usable entry is failed). A history too
 * young for `regression: auto` to learn from is a warning too: the bootstrap every history goes through.
 */
export function nothingComparedOf(result: RunResult): NothingCompared[] {
  const cases = allCases(result);
  // a case that could not be measured (or never ran) has nothing to compare: it fails, or not, on its own
  const measured = cases.filter((c) => c.status === 'pass' || c.status === 'fail');
  if (measured.length === 0) return [];
  const warnOnly = result.missingBaseline === 'warn';
  const firstTolerance = measured.flatMap((c) => c.regression ?? [])[0];
  const at = firstTolerance === undefined ? {} : { file: firstTolerance.file, line: firstTolerance.line };
  const found: NothingCompared[] = [];
  // suites with no regression: entry judge nothing by design: that is said beside the comparison, not failed
  if (firstTolerance === undefined) return [];
  const check = (
    source: 'baseline' | 'history',
    against: string,
    describe: (entries: readonly RegressionOutcome[]) => string,
    bootstrap?: (judged: readonly { readonly case: CaseResult; readonly outcome: RegressionOutcome }[]) => string | undefined,
  ): void => {
    const judged = measured.flatMap((c) => (c.regressions ?? []).filter((r) => r.source === source).map((outcome) => ({ case: c, outcome })));
    const entries = judged.map((j) => j.outcome);
    if (entries.some((r) => r.verdict !== 'not-compared')) return;
    const young = bootstrap?.(judged);
    found.push(
      young === undefined ? { source, against, reason: describe(entries), ...at, warnOnly } : { source, against, reason: young, ...at, warnOnly: true },
    );
  };
  const comparison = result.comparison;
  if (comparison !== undefined) {
    check('baseline', comparison.baselineFile, (entries) => {
      const without = measured.filter((c) => comparison.newCases.includes(c.id)).length;
      if (without === measured.length) {
        return `no case of this run is in the baseline ${comparison.baselineFile} (it holds another suite's results, the suite or its groups were renamed, or --filter/--shard chose other cases); pass the results.json of an earlier run of these suites`;
      }
      return `every compared metric lacks a value on one side (${entries[0]?.note ?? 'see the comparison table'}); pass a baseline that measured these cases`;
    });
  }
  const history = result.history;
  if (history !== undefined && history.missing !== true) {
    // every metric `auto` with too few entries to learn from: a young history, said but not failed; a case with no
    // entry at all (renamed, another suite's) still fails
    const young = (judged: readonly { readonly case: CaseResult; readonly outcome: RegressionOutcome }[]): string | undefined => {
      const learning = judged.filter(
        ({ case: c, outcome: r }) =>
          r.learnedTolerance === undefined && (r.historyEntries ?? 0) > 0 && (c.regression ?? []).some((t) => t.metric === r.metric && t.auto === true),
      );
      return history.entries > 0 && learning.length === judged.length && judged.length > 0
        ? `${learning[0]?.outcome.note ?? 'regression: auto has too few history entries to learn from'}; until then the run is judged on thresholds only`
        : undefined;
    };
    check(
      'history',
      history.file,
      (entries) =>
        history.entries === 0
          ? `${history.file} exists but has no entry perfsuite can use (it is empty, or every line was skipped: see the warnings above); add runs with perfsuite history add, or point --history at the right file`
          : `none of the ${plural(history.entries, 'entry', 'entries')} in ${history.file} has a value for a judged metric of this run (${entries[0]?.note ?? 'another suite, or renamed cases'}); add runs of these suites with perfsuite history add`,
      young,
    );
  }
  return found;
}

/** The run's wall time from its timestamps, or undefined while it has not finished. */
export function runSeconds(result: RunResult): number | undefined {
  return result.finishedAt === undefined ? undefined : (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
}

export function allCases(result: RunResult): CaseResult[] {
  return result.suites.flatMap((suite) => suite.cases);
}

/** The verdict on a whole run, in the exit-code order of docs/ci.md (interrupted, then unmeasured, then failed). */
export function verdictOf(result: RunResult): Verdict {
  const cases = allCases(result);
  const counts = { pass: 0, fail: 0, error: 0, skipped: 0, total: cases.length };
  for (const c of cases) counts[c.status] += 1;
  const parts: string[] = [];
  const missed = cases.filter((c) => c.thresholds.some((t) => !t.passed)).length;
  const regressed = cases.filter((c) => (c.regressions ?? []).some((r) => r.verdict === 'regressed')).length;
  const undecided = cases.filter((c) => (c.regressions ?? []).some((r) => r.verdict === 'inconclusive' && !r.passed)).length;
  const inconclusive = cases.flatMap((c) => (c.regressions ?? []).filter((r) => r.verdict === 'inconclusive')).length;
  const of = (n: number): string => `${n} of ${plural(counts.total, 'case')}`;
  const notCompared = cases.flatMap((c) => (c.regressions ?? []).filter((r) => r.verdict === 'not-compared')).length;
  const nothingCompared = nothingComparedOf(result);
  const gateless = nothingCompared.filter((n) => !n.warnOnly);
  if (missed > 0) parts.push(`${of(missed)} failed a threshold`);
  if (regressed > 0) parts.push(`${of(regressed)} regressed`);
  if (undecided > 0) parts.push(`${of(undecided)} stayed inconclusive (--fail-on-inconclusive)`);
  if (counts.error > 0) parts.push(`${of(counts.error)} could not be measured`);
  if (counts.skipped > 0) parts.push(`${of(counts.skipped)} did not run`);
  // a file still saying 'running' after its run is gone: the run was killed (or its disk filled) part-way
  const unfinished = result.state === 'crashed' || result.state === 'running';
  // an interrupted run passed only the cases it finished: never "all passed"; a run that compared nothing passed only
  // its thresholds
  const thresholdsOnly = (n: number): string => (nothingCompared.length === 0 ? '' : n === 1 ? ' its thresholds' : ' their thresholds');
  if (parts.length === 0 && result.state === 'complete')
    parts.push(
      counts.total === 0
        ? 'no case was run'
        : counts.total === 1
          ? `1 case passed${thresholdsOnly(1)}`
          : `all ${counts.total} cases passed${thresholdsOnly(counts.total)}`,
    );
  else if (counts.pass > 0 && missed + regressed + undecided + counts.error === 0) parts.unshift(`${of(counts.pass)} passed${thresholdsOnly(counts.pass)}`);
  // the gate that judged nothing leads: it is why a run whose every case passed still fails
  parts.unshift(...nothingCompared.map((n) => `nothing compared against the ${n.source} ${n.against}${n.warnOnly ? ' (--missing-baseline warn)' : ''}`));
  if (notCompared > 0) parts.push(`${plural(notCompared, 'metric')} not compared`);
  // an accepted regression passes, but is never counted among the unchanged: the headline says how many there are
  const accepted = cases.flatMap((c) => (c.regressions ?? []).filter((r) => r.verdict === 'accepted')).length;
  if (accepted > 0) parts.push(`${plural(accepted, 'regression')} accepted (accept: in the suite)`);
  if (inconclusive > undecided && undecided === 0) parts.push(`${plural(inconclusive, 'comparison')} inconclusive (a warning: see the notes)`);
  if (result.state === 'interrupted' || result.state === 'crashed') parts.push(`the run was ${result.state} before every case finished`);
  if (result.state === 'running') parts.push('the run never finished (it was killed, or could not write its results): cases after these are missing');
  const verdict = { counts, headline: parts.join('; '), notCompared, nothingCompared };
  if (result.state === 'interrupted') return { ...verdict, outcome: 'interrupted', exitCode: ExitCode.interrupted };
  if (counts.error > 0 || unfinished) return { ...verdict, outcome: 'unmeasured', exitCode: ExitCode.unmeasured };
  if (counts.fail > 0) return { ...verdict, outcome: 'failed', exitCode: ExitCode.failed };
  if (gateless.length > 0) return { ...verdict, outcome: 'nothing-compared', exitCode: ExitCode.failed };
  if (counts.total === 0) return { ...verdict, outcome: 'empty', exitCode: ExitCode.ok };
  return { ...verdict, outcome: 'passed', exitCode: ExitCode.ok };
}
