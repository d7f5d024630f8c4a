import type { Provenance } from './history.js';
import type { Environment, MeasuredCase, RunResult, ServerDescription } from './results.js';

/** What a run records of where it was measured, as a judge needs it for the evidence: results.json, or a run while it runs. */
export interface RunSetupView {
  readonly environment: Environment;
  readonly provenance?: Provenance;
  /** The servers used so far, with the facts read of their paths. */
  readonly servers?: readonly Pick<ServerDescription, 'key' | 'facts'>[];
}

/**
 * A judge of finished cases against something outside the run (a baseline, a history), applied by the run engine
 * (src/run/run-plan.ts) in one place. Thresholds and the control of a `compare:` group are judged while the cases are
 * measured (the interleaved arms stop once decided); these come after, in order, and the case's status is then
 * computed once from all of it.
 */
export interface CaseJudge {
  /**
   * The case with this judge's `regressions` entries added beside any other source's; its status is not this judge's to
   * decide. `run` is the run it was measured in, as it stands (for the evidence).
   */
  judge(result: MeasuredCase, run: RunSetupView): MeasuredCase;
  /** What the judge says about the run as a whole (the baseline's comparison, the history's), given the result. */
  readonly describeRun?: (result: RunResult) => Partial<RunResult>;
}
