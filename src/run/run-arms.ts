import { judgeAgainstControl } from '../compare/judge-arms.js';
import type { MeasuredCase, RegressionOutcome } from '../model/results.js';
import { type FailureKind, INFRASTRUCTURE_FAILURES } from '../model/netperf-outcome.js';
import { ServerUnavailable } from '../model/seams.js';
import { type RepeatRange, repeatRange } from '../model/suite-types.js';
import type { RoundPlan } from '../compare/arm-advice.js';
import type { PlannedCase } from '../plan/plan-cases.js';
import { MIN_COMPARE_ROUNDS } from '../model/significance.js';
import { shuffle } from '../stats/random.js';
import { type CaseProgress, finishCase, measureRun, type RunCasesOptions, startProgress } from './measure-run.js';
import { plural } from '../model/words.js';
import { defined } from '../model/defined.js';

/**
 * Measures a control and its candidates interleaved (docs/judging.md, "The same-run A/B gate"): each arm's warm-ups
 * first, then round after round one run of every arm, alone, in a seeded random order, so a machine that slows down
 * slows every arm alike.
 * From `repeat.min` rounds on, it stops as soon as every judged metric of every candidate is decided (not
 * inconclusive), or at `repeat.max`. A run that fails after its retries drops that round from the pairs; an arm that
 * fails for a reason retrying cannot fix stops being measured.
 */
export async function runArms(
  unit: readonly PlannedCase[],
  options: RunCasesOptions,
  random: () => number,
): Promise<{ readonly results: MeasuredCase[]; readonly interrupted: boolean }> {
  const unitStarted = options.now();
  const arms = unit.map((planned) => startProgress(planned, unitStarted));
  const control = arms.find((arm) => arm.planned.case.arm?.role === 'control');
  const { min, max, budget } = roundsOf(unit);
  const plan: { min: number; max: number; budget?: number; stoppedBy?: 'budget'; secondsPerRound?: number } = { min, max, ...defined({ budget }) };

  for (const arm of shuffle(arms, random)) {
    for (let w = 0; w < (arm.planned.case.params.warmup ?? 0) && arm.error === undefined; w++) {
      const attempt = await measureRun(arm, options, { keep: false });
      // nothing measured yet: the arms are listed as not run
      if (attempt.kind === 'interrupted') return { results: [], interrupted: true };
      if (attempt.kind === 'failed') arm.error = attempt.failure;
    }
  }
  const roundsStarted = options.now();
  for (let round = 1; round <= max; round++) {
    if (round > 1) plan.secondsPerRound = (options.now() - roundsStarted) / 1000 / (round - 1);
    // a budget: no round starts that would likely end after it (never fewer than min)
    if (budget !== undefined && round > min && (options.now() - unitStarted) / 1000 + (plan.secondsPerRound ?? 0) > budget) {
      plan.stoppedBy = 'budget';
      break;
    }
    for (const arm of shuffle(arms, random)) {
      if (arm.error !== undefined) continue;
      const attempt = await measureRun(arm, options, { keep: true, round });
      // the rounds measured so far are kept and judged (the one cut short pairs no arm): a stopped CI job still says what it saw
      if (attempt.kind === 'interrupted') return interruptedUnit(arms, control, options, plan, round - 1);
      // a run that failed for a passing reason (retries used up) only drops this round; any other failure ends the arm
      if (attempt.kind === 'failed' && !isTransient(attempt.failure.kind, arm)) arm.error = attempt.failure;
      else if (attempt.kind === 'failed') {
        // the case's retries are spent, but the rounds to come still need a live server
        try {
          await options.servers.recover(arm.planned.serverKey);
        } catch (error) {
          if (!(error instanceof ServerUnavailable)) throw error;
          arm.error = error.failure;
        }
      }
    }
    if (control === undefined || control.error !== undefined) break;
    if (round >= min && decided(judgeUnit(arms, control, options, plan, options.now()))) break;
  }
  return {
    results: control === undefined ? arms.map((arm) => finishCase(arm, options.now())) : judgeUnit(arms, control, options, plan, options.now()),
    interrupted: false,
  };
}

/**
 * A unit stopped after `rounds` whole rounds: each arm that measured a run keeps it; candidates are judged on the pairs
 * if they reach the paired test's minimum, else their comparisons are inconclusive, naming the interruption.
 */
function interruptedUnit(
  arms: readonly CaseProgress[],
  control: CaseProgress | undefined,
  options: RunCasesOptions,
  range: RoundPlan,
  rounds: number,
): { results: MeasuredCase[]; interrupted: true } {
  const now = options.now();
  const measured = arms.filter((arm) => arm.runs.length > 0);
  if (measured.length === 0) return { results: [], interrupted: true };
  if (control === undefined) return { results: measured.map((arm) => finishCase(arm, now)), interrupted: true };
  const judged = judgeUnit(arms, control, options, range, now, rounds).filter((_, i) => arms[i]?.runs.length !== 0);
  return { results: judged, interrupted: true };
}

/**
 * An infrastructure failure after the case's retries were spent drops only its round; one that came without a retry
 * (a server that cannot be brought up at all) ends the arm, like any other failure.
 */
function isTransient(kind: FailureKind, arm: CaseProgress): boolean {
  return INFRASTRUCTURE_FAILURES.has(kind) && arm.retries > 0;
}

/** The unit's rounds: at least the most any arm asks for as `min`, at most the most any asks for as `max`, within the largest budget. */
function roundsOf(unit: readonly PlannedCase[]): RepeatRange {
  const ranges = unit.map((planned) => repeatRange(planned.case.params));
  const budgets = ranges.flatMap((r) => (r.budget === undefined ? [] : [r.budget]));
  return {
    min: Math.max(...ranges.map((r) => r.min)),
    max: Math.max(...ranges.map((r) => r.max)),
    // an arm without a budget asks for none: the unit has one only when every arm does
    ...(budgets.length === ranges.length && budgets.length > 0 ? { budget: Math.max(...budgets) } : {}),
  };
}

function decided(results: readonly MeasuredCase[]): boolean {
  return results.every((r) => (r.regressions ?? []).every((outcome) => outcome.verdict !== 'inconclusive'));
}

/** Every arm's result, each candidate judged against the control on its per-round pairs. */
function judgeUnit(
  arms: readonly CaseProgress[],
  control: CaseProgress,
  options: RunCasesOptions,
  rounds: RoundPlan,
  now: number,
  interruptedAfter?: number,
): MeasuredCase[] {
  const controlResult = finishCase(control, now);
  return arms.map((arm) => {
    if (arm === control) return controlResult;
    const result = finishCase(arm, now);
    if (result.status === 'error') return result;
    if (controlResult.status === 'error') {
      return {
        ...result,
        status: 'error',
        error: { kind: 'control-failed', message: `its control ${controlResult.id} could not be measured: ${controlResult.error?.message ?? 'no runs'}` },
      };
    }
    const paired = Math.min(result.rounds?.length ?? 0, controlResult.rounds?.length ?? 0);
    const regressions = judgeAgainstControl(controlResult, result, {
      rounds,
      ...(options.failOnInconclusive === true ? { failOnInconclusive: true } : {}),
      ...defined({ run: options.describeRun?.() }),
    });
    const pairs = Math.max(0, ...regressions.map((r) => r.rounds?.length ?? 0));
    if (interruptedAfter !== undefined && (paired < MIN_COMPARE_ROUNDS || pairs < MIN_COMPARE_ROUNDS)) {
      const note = `the run was interrupted after ${plural(interruptedAfter, 'round')} (${plural(pairs, 'pair')} with the control ${controlResult.id}), and the paired test needs at least ${MIN_COMPARE_ROUNDS}: run it again to judge it`;
      return { ...result, regressions: regressions.map((r) => interruptedOutcome(r, note, options.failOnInconclusive === true)) };
    }
    if (paired < MIN_COMPARE_ROUNDS || pairs < MIN_COMPARE_ROUNDS) {
      return {
        ...result,
        regressions,
        status: 'error',
        error: {
          kind: 'too-few-rounds',
          message: `only ${plural(pairs, 'round')} measured both this case and its control ${controlResult.id}, and the paired test needs ${MIN_COMPARE_ROUNDS}; the failed runs' netperf output is in junit.xml (system-out) and results.json: fix the arm, or raise repeat max so more rounds remain`,
        },
      };
    }
    return { ...result, regressions };
  });
}

/** A comparison an interruption left with too few rounds: inconclusive (a metric with no pair stays not compared). */
function interruptedOutcome(outcome: RegressionOutcome, note: string, failOnInconclusive: boolean): RegressionOutcome {
  if (outcome.verdict === 'not-compared') return outcome;
  // bounds and an improvement claim belong to a decided comparison: an interrupted one keeps its estimate only
  const rest = Object.fromEntries(
    Object.entries(outcome).filter(([key]) => !['lower', 'upper', 'improved', 'sampleNeeded'].includes(key)),
  ) as RegressionOutcome;
  return { ...rest, verdict: 'inconclusive', passed: !failOnInconclusive, note };
}
