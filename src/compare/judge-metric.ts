import { defined } from '../model/defined.js';
import { isJudgedInPoints, METRICS, pointsUnit } from '../model/metrics.js';
import type { ComparisonSource, RegressionOutcome, RegressionTolerance } from '../model/results.js';
import { MIN_COMPARE_ROUNDS, SIGNIFICANCE_LEVEL } from '../model/significance.js';
import type { ChangeJudgement } from '../stats/judge-change.js';
import { median } from '../stats/summary.js';

/** The tolerance as the statistics judge it: a fraction (5% → 0.05), or points for loss. */
export function toleranceOf(tolerance: RegressionTolerance): number {
  return isJudgedInPoints(tolerance.metric) ? tolerance.tolerancePercent : tolerance.tolerancePercent / 100;
}

export interface Sides {
  readonly source: ComparisonSource;
  readonly against: string;
  readonly againstRuns: readonly number[];
  readonly currentRuns: readonly number[];
  readonly rounds?: readonly number[];
}

function base(tolerance: RegressionTolerance, sides: Sides) {
  return {
    source: sides.source,
    against: sides.against,
    metric: tolerance.metric,
    againstValue: sides.againstRuns.length === 0 ? null : median(sides.againstRuns),
    currentValue: sides.currentRuns.length === 0 ? null : median(sides.currentRuns),
    againstRuns: sides.againstRuns,
    currentRuns: sides.currentRuns,
    ...defined({ rounds: sides.rounds }),
    tolerance: toleranceOf(tolerance),
    file: tolerance.file,
    line: tolerance.line,
  };
}

/** `regression: { metric: auto }` outside `--history`: nothing to learn the tolerance from. */
export const AUTO_NEEDS_HISTORY = 'regression: auto learns its tolerance from a history; run with --history FILE, or give a percentage';

/** A metric that could not be compared: a side has no value, or a relative change means nothing. */
export function notCompared(tolerance: RegressionTolerance, sides: Sides, note: string, changeReason?: string): RegressionOutcome {
  return { ...base(tolerance, sides), verdict: 'not-compared', passed: true, change: null, note, ...defined({ changeReason }) };
}

/** What a sample of this kind is called in sentences. */
const SAMPLE_WORDS = { control: 'rounds', baseline: 'runs per side', history: 'history entries' } as const;

/** The judged outcome, with the words every report shows for an inconclusive verdict. */
export function judgedOutcome(
  tolerance: RegressionTolerance,
  sides: Sides,
  judgement: ChangeJudgement,
  options: {
    readonly failOnInconclusive?: boolean;
    readonly sample: number;
    /** The level judged at, when not the full α (a look of a sequential plan). */ readonly alpha?: number;
  },
): RegressionOutcome {
  const { verdict } = judgement;
  const finite = (x: number): number | undefined => (Number.isFinite(x) ? x : undefined);
  const words = SAMPLE_WORDS[sides.source];
  const note = verdict === 'inconclusive' ? inconclusiveNote(tolerance, judgement, options.sample, words) : undefined;
  return {
    ...base(tolerance, sides),
    verdict,
    passed: verdict === 'regressed' ? false : verdict === 'inconclusive' ? options.failOnInconclusive !== true : true,
    change: judgement.change,
    ...defined({ lower: finite(judgement.lower), upper: finite(judgement.upper) }),
    p: judgement.p,
    alpha: options.alpha ?? SIGNIFICANCE_LEVEL,
    method: judgement.method,
    ...(judgement.improved ? { improved: true } : {}),
    ...defined({ note, sampleNeeded: verdict === 'inconclusive' ? judgement.sampleNeeded : undefined }),
  };
}

const PAIRED_TEST_NAMES: Partial<Record<ChangeJudgement['method'], string>> = { 'sign-test': 'paired sign test', 'signed-rank': 'signed-rank test' };

function inconclusiveNote(tolerance: RegressionTolerance, judgement: ChangeJudgement, sample: number, words: string): string {
  const history = judgement.method === 'prediction-t';
  // no bound on either side: this sample cannot reach α however the values fall
  if (!Number.isFinite(judgement.lower) && !Number.isFinite(judgement.upper)) {
    if (history)
      return `${sample} ${words} cannot reach α = ${SIGNIFICANCE_LEVEL} at all: the prediction test needs at least ${judgement.minimumSample}; add runs to the history (perfsuite history add)`;
    return `${sample} ${words} cannot reach α = ${SIGNIFICANCE_LEVEL} at all: the ${PAIRED_TEST_NAMES[judgement.method] ?? 'Mann–Whitney test'} needs at least ${judgement.minimumSample}; set repeat: ${judgement.minimumSample} or more`;
  }
  const needed = judgement.sampleNeeded;
  const repeat =
    words === 'rounds'
      ? `repeat: { min: ${MIN_COMPARE_ROUNDS}, max: ${needed} }`
      : history
        ? 'as runs are added to the history'
        : `repeat: ${needed} in both runs`;
  const advice =
    needed === undefined
      ? ''
      : needed > 100
        ? `; it would take about ${needed} ${words}: widen the tolerance, lengthen each run (duration), or quiet the machine instead`
        : `; about ${needed} ${words} would likely decide it (${repeat})`;
  return `${tooNoisy(tolerance, sample, words)}${advice}`;
}

/** "the noise is too large to tell a drop of more than 5% from none with 9 rounds": an inconclusive verdict, said. */
export function tooNoisy(tolerance: RegressionTolerance, sample: number, words: string): string {
  const unit = isJudgedInPoints(tolerance.metric) ? ` ${pointsUnit(tolerance.metric)}` : '%';
  const limit = `${Number(tolerance.tolerancePercent.toPrecision(3))}${unit}`;
  const direction = METRICS[tolerance.metric].better === 'higher' ? 'drop' : 'rise';
  return `the noise is too large to tell a ${direction} of more than ${limit} from none with ${sample} ${words}`;
}

/**
 * A current run that measured 0 (all traffic dropped, no transaction completed) is as bad as it gets: a ratio of
 * −100% against a level above 0, never "not compared" — a gate that let a dead link through would be silently green.
 */
export function positive(value: number): number {
  return value > 0 ? value : Number.MIN_VALUE;
}
