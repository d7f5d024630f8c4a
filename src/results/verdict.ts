import { ExitCode } from '../model/errors.js';
import type { CaseResult, CaseStatus, RunResult } from '../model/results.js';
import { plural } from '../model/words.js';

/** What every report leads with: one word for the run, the counts, and the exit code it earns. */
export interface Verdict {
  readonly outcome: 'passed' | 'failed' | 'unmeasured' | 'interrupted' | 'empty';
  readonly counts: Readonly<Record<CaseStatus, number>> & { readonly total: number };
  readonly exitCode: number;
  /** One sentence: "3 of 13 cases failed a threshold; 1 could not be measured". */
  readonly headline: string;
}

/** The run's wall time from its timestamps, or undefined while it has not finished. */
export function runSeconds(result: RunResult): number | undefined {
  return result.finishedAt === undefined ? undefined : (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
}

export function allCases(result: RunResult): CaseResult[] {
  return result.suites.flatMap((suite) => suite.cases);
}

/** The verdict on a whole run, by DESIGN §4's exit-code order (interrupted, then unmeasured, then failed). */
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
  if (missed > 0) parts.push(`${of(missed)} failed a threshold`);
  if (regressed > 0) parts.push(`${of(regressed)} regressed`);
  if (undecided > 0) parts.push(`${of(undecided)} stayed inconclusive (--fail-on-inconclusive)`);
  if (counts.error > 0) parts.push(`${of(counts.error)} could not be measured`);
  if (counts.skipped > 0) parts.push(`${of(counts.skipped)} did not run`);
  // a file still saying 'running' after its run is gone: the run was killed (or its disk filled) part-way
  const unfinished = result.state === 'crashed' || result.state === 'running';
  // an interrupted run passed only the cases it finished: never "all passed"
  if (parts.length === 0 && result.state === 'complete') parts.push(counts.total === 0 ? 'no case was run' : counts.total === 1 ? '1 case passed' : `all ${counts.total} cases passed`);
  else if (counts.pass > 0 && missed + regressed + undecided + counts.error === 0) parts.unshift(`${of(counts.pass)} passed`);
  if (inconclusive > undecided && undecided === 0) parts.push(`${plural(inconclusive, 'comparison')} inconclusive (a warning: see the notes)`);
  if (result.state === 'interrupted' || result.state === 'crashed') parts.push(`the run was ${result.state} before every case finished`);
  if (result.state === 'running') parts.push('the run never finished (it was killed, or could not write its results): cases after these are missing');
  const headline = parts.join('; ');
  if (result.state === 'interrupted') return { outcome: 'interrupted', counts, exitCode: ExitCode.interrupted, headline };
  if (counts.error > 0 || unfinished) return { outcome: 'unmeasured', counts, exitCode: ExitCode.unmeasured, headline };
  if (counts.fail > 0) return { outcome: 'failed', counts, exitCode: ExitCode.failed, headline };
  if (counts.total === 0) return { outcome: 'empty', counts, exitCode: ExitCode.ok, headline };
  return { outcome: 'passed', counts, exitCode: ExitCode.ok, headline };
}
