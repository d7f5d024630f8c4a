import type { MeasuredCase, RunResult } from './results.js';

/**
 * A judge of finished cases against something outside the run (a baseline, a history), applied by the run engine
 * (src/run/run-plan.ts) in one place. Thresholds and the control of a `compare:` group are judged while the cases are
 * measured (the interleaved arms stop once decided); these come after, in order, and the case's status is then
 * computed once from all of it.
 */
export interface CaseJudge {
  /** The case with this judge's `regressions` entries added beside any other source's; its status is not this judge's to decide. */
  judge(result: MeasuredCase): MeasuredCase;
  /** What the judge says about the run as a whole (the baseline's comparison, the history's), given the result. */
  readonly describeRun?: (result: RunResult) => Partial<RunResult>;
}
