import { isJudgedInPoints, type MeasureName, METRICS } from '../model/metrics.js';
import type { Evidence, MeasuredCase, RegressionOutcome, RegressionTolerance } from '../model/results.js';
import { type ChangeJudgement, judgePairedSymmetric } from '../stats/judge-change.js';
import { signedRankLevels } from '../stats/sequential.js';
import { MIN_COMPARE_ROUNDS, SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { AUTO_NEEDS_HISTORY, judgedOutcome, notCompared, toleranceOf, tooNoisy, type Sides, positive } from './judge-metric.js';
import { adviseArms, type RoundPlan } from './arm-advice.js';
import { plural } from '../model/words.js';
import { defined } from '../model/defined.js';
import { DEFAULT_DURATION_SECONDS } from '../model/test-types.js';
import type { RunSetupView } from '../model/judge.js';
import { caseFields, caseSetupFields, differencesBetween, evidenceOf, judgeCounters } from './evidence.js';

/** The runs of both arms measured in the same rounds, in round order: the pairs the A/B verdict is judged on. */
export function pairByRound(control: MeasuredCase, candidate: MeasuredCase, metric: MeasureName): Sides {
  const controlByRound = new Map<number, number>();
  (control.rounds ?? []).forEach((round, i) => {
    const value = control.runs[i]?.[metric];
    if (value !== undefined) controlByRound.set(round, value);
  });
  const rounds: number[] = [];
  const againstRuns: number[] = [];
  const currentRuns: number[] = [];
  (candidate.rounds ?? []).forEach((round, i) => {
    const value = candidate.runs[i]?.[metric];
    const paired = controlByRound.get(round);
    if (value === undefined || paired === undefined) return;
    rounds.push(round);
    againstRuns.push(paired);
    currentRuns.push(value);
  });
  return { source: 'control', against: control.id, againstRuns, currentRuns, rounds };
}

export interface ArmJudgeOptions {
  readonly failOnInconclusive?: boolean;
  /** The rounds the unit may measure (every look from `min` to `max` shares α: src/stats/sequential.ts), and how it went. */
  readonly rounds?: RoundPlan;
  /** The run the arms are measured in, so the evidence lists what differs between their servers; their parameters alone without it. */
  readonly run?: RunSetupView;
}

/**
 * Judges each `regression:` tolerance of a candidate on its per-round pairs with the control (docs/judging.md, "The
 * same-run A/B gate"), with the evidence beside each.
 */
export function judgeAgainstControl(control: MeasuredCase, candidate: MeasuredCase, options: ArmJudgeOptions = {}): RegressionOutcome[] {
  const outcomes = (candidate.regression ?? []).map((tolerance) => judgeOne(tolerance, control, candidate, options));
  if (outcomes.length === 0) return outcomes;
  const evidence = armEvidence(control, candidate, options.run);
  return outcomes.map((outcome) => ({ ...outcome, evidence }));
}

/**
 * Why a candidate differs from its control: what differs between the two arms (their parameters; with the run, their
 * servers' specs and the facts read of their paths) and each counter judged on the same per-round pairs.
 */
export function armEvidence(control: MeasuredCase, candidate: MeasuredCase, run?: RunSetupView): Evidence {
  const setup = (c: MeasuredCase) => (run === undefined ? { case: caseFields(c.params) } : caseSetupFields(run, c));
  const counters = judgeCounters(
    'paired',
    (metric) => {
      const pairs = pairByRound(control, candidate, metric);
      return { against: pairs.againstRuns, current: pairs.currentRuns };
    },
    candidate.regression,
  );
  return evidenceOf(differencesBetween(setup(control), setup(candidate)), counters, candidate.params.test);
}

function judgeOne(tolerance: RegressionTolerance, control: MeasuredCase, candidate: MeasuredCase, options: ArmJudgeOptions): RegressionOutcome {
  const sides = pairByRound(control, candidate, tolerance.metric);
  if (tolerance.auto === true) return notCompared(tolerance, sides, AUTO_NEEDS_HISTORY);
  if (sides.currentRuns.length === 0) {
    const missing = control.runs.length === 0 ? `the control ${control.id} has no ${tolerance.metric}` : `no round measured ${tolerance.metric} on both arms`;
    return notCompared(tolerance, sides, missing);
  }
  const inPoints = isJudgedInPoints(tolerance.metric);
  if (!inPoints && sides.againstRuns.some((v) => v <= 0)) {
    return notCompared(
      tolerance,
      sides,
      `the control measured ${tolerance.metric} as 0 in a round, so a ratio to it means nothing`,
      `a control ${tolerance.metric} of 0 has no ratio`,
    );
  }
  const n = sides.currentRuns.length;
  const { min, max } = options.rounds ?? { min: n, max: n };
  // the looks are counted in pairs: a round dropped for a failed run moves the plan's start down with it
  const level = signedRankLevels(SIGNIFICANCE_LEVEL, Math.min(min, n), Math.max(max, n))[n] ?? 0;
  // the arms ran in a random order in every round (run/run-arms.ts), so identical arms give symmetric differences
  const judge = (alpha: number) =>
    judgePairedSymmetric(sides.againstRuns, inPoints ? sides.currentRuns : sides.currentRuns.map(positive), {
      better: METRICS[tolerance.metric].better,
      tolerance: toleranceOf(tolerance),
      alpha,
      inPoints,
    });
  const flags = { ...(options.failOnInconclusive === true ? { failOnInconclusive: true } : {}), sample: n };
  // one look judges at α itself; a look of a longer plan records the share of α it was given
  const sequential = Math.min(min, n) < Math.max(max, n);
  if (level > 0) {
    const judgement = judge(level);
    const outcome = judgedOutcome(tolerance, sides, judgement, { ...flags, alpha: sequential ? level : SIGNIFICANCE_LEVEL });
    if (outcome.verdict !== 'inconclusive') return outcome;
    const advice = adviseArms({
      rounds: n,
      ...defined({ roundsNeeded: judgement.sampleNeeded }),
      ...defined({ resolvablePercent: inPoints ? undefined : 100 * Math.max(Math.abs(judgement.lower), Math.abs(judgement.upper)) }),
      plan: options.rounds ?? { min: Math.min(MIN_COMPARE_ROUNDS, n), max },
      pinned: control.params.cpu_affinity !== undefined && candidate.params.cpu_affinity !== undefined,
      duration: candidate.params.duration ?? DEFAULT_DURATION_SECONDS,
      against: sides.againstRuns,
      current: sides.currentRuns,
    });
    return { ...outcome, note: `${tooNoisy(tolerance, n, 'rounds')}${advice}` };
  }
  // α is spent over the looks from min to max; this many rounds is not one of the looks that may decide: the change
  // and p at the full α, but no bounds, no improvement and no rounds needed, as the plan's next look will tell
  const { change, p, minimumSample, method } = judge(SIGNIFICANCE_LEVEL);
  const undecided: ChangeJudgement = { verdict: 'inconclusive', change, lower: -Infinity, upper: Infinity, p, improved: false, minimumSample, method };
  const note = `${plural(n, 'round')} cannot decide under the sequential plan of ${min}–${max} rounds, which shares α = ${SIGNIFICANCE_LEVEL} between its looks; measure more rounds`;
  return { ...judgedOutcome(tolerance, sides, undecided, flags), note };
}
