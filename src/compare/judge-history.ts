import type { HistoryEntry } from '../model/history.js';
import { METRICS } from '../model/metrics.js';
import type { CaseResult, RegressionOutcome, RegressionTolerance } from '../model/results.js';
import { judgeTwoSample } from '../stats/judge-change.js';
import { learnedBand, MIN_LEARNING_ENTRIES } from '../stats/learned-tolerance.js';
import { statusOf } from './compare-runs.js';
import { isJudgedInPoints, judgedOutcome, notCompared, SIGNIFICANCE_LEVEL, type Sides, toleranceOf } from './judge-metric.js';

/** A case is judged against at most this many of the newest matching entries. */
export const HISTORY_WINDOW = 30;
/** Its tolerance is learned from at most this many (more changes make a steadier band). */
export const LEARNING_WINDOW = 100;

export interface HistoryJudgeOptions {
  /** The history file, as the user named it (results.json's `against`). */
  readonly file: string;
  /** This run's machine fingerprint: entries of the same machine are preferred (src/history/history-file.ts). */
  readonly fingerprint: string;
  readonly failOnInconclusive?: boolean;
}

/** Judges one finished case against the history (`run --history`): each `regression:` tolerance, beside any other source. */
export function judgeAgainstHistory(current: CaseResult, entries: readonly HistoryEntry[], options: HistoryJudgeOptions): CaseResult {
  if (current.status === 'error' || current.status === 'skipped' || (current.regression ?? []).length === 0) return current;
  const kept = (current.regressions ?? []).filter((r) => r.source !== 'history');
  const judged = { ...current, regressions: [...kept, ...(current.regression ?? []).map((tolerance) => judgeMetric(tolerance, current, entries, options))] };
  return { ...judged, status: statusOf(judged) };
}

/**
 * The current runs against the distribution of earlier medians of the same case and metric (DESIGN §8): entries of this
 * machine's fingerprint when there are at least MIN_LEARNING_ENTRIES, else all entries (said in the note); the newest
 * HISTORY_WINDOW of them, since what matters is what the software and the machines are like now. The test is
 * the same one-sided Mann–Whitney U and Hodges–Lehmann bound as against a baseline, with history medians as one side:
 * each is one earlier run's level, so the side's spread is the run-to-run (day-to-day, machine-to-machine) variation a
 * single stored baseline never shows. The tolerance is the larger of the written percentage and the band learned from
 * the same medians (src/stats/learned-tolerance.ts); `auto` is a floor of 0.
 */
function judgeMetric(tolerance: RegressionTolerance, current: CaseResult, entries: readonly HistoryEntry[], options: HistoryJudgeOptions): RegressionOutcome {
  const { metric } = tolerance;
  const currentRuns = current.runs.map((run) => run[metric]).filter((v): v is number => v !== undefined);
  const withCase = entries.filter((e) => e.cases[current.id]?.[metric] !== undefined);
  const same = withCase.filter((e) => e.fingerprint === options.fingerprint);
  const sameFingerprint = same.length >= MIN_LEARNING_ENTRIES;
  const eligible = sameFingerprint ? same : withCase;
  // the newest entries: what the software and machines are like now (and an exact test stays fast)
  const pool = eligible.slice(-HISTORY_WINDOW);
  const againstRuns = pool.map((e) => e.cases[current.id]?.[metric]?.median ?? NaN);
  const learningRuns = eligible.slice(-LEARNING_WINDOW).map((e) => e.cases[current.id]?.[metric]?.median ?? NaN);
  const sides: Sides = { source: 'history', against: options.file, againstRuns, currentRuns };
  const context = { historyEntries: pool.length, sameFingerprint };
  if (withCase.length === 0) return { ...notCompared(tolerance, sides, `the history has no entry with ${current.id} ${metric}; it is judged once runs that measured it are added (perfsuite history add)`), ...context };
  if (currentRuns.length === 0) return { ...notCompared(tolerance, sides, `this run has no ${metric}`), ...context };
  const inPoints = isJudgedInPoints(metric);
  if (!inPoints && [...againstRuns, ...currentRuns].some((v) => !(v > 0))) {
    const reason = `the ${againstRuns.some((v) => !(v > 0)) ? "history's" : "current run's"} ${metric} is 0 in some runs, so a change relative to it means nothing`;
    return { ...notCompared(tolerance, sides, reason, reason), ...context };
  }
  const learned = learnedBand(learningRuns.filter((v) => inPoints || v > 0), { inPoints });
  if (tolerance.auto === true && learned === undefined) {
    return { ...notCompared(tolerance, sides, `regression: auto learns from at least ${MIN_LEARNING_ENTRIES} history entries with this case, and there are ${pool.length}; add runs (perfsuite history add), or give a percentage meanwhile`), ...context };
  }
  const effective = Math.max(toleranceOf(tolerance), learned ?? 0);
  const judgedTolerance = { ...tolerance, tolerancePercent: inPoints ? effective : effective * 100 };
  const judgement = judgeTwoSample(againstRuns, currentRuns, { better: METRICS[metric].better, tolerance: effective, alpha: SIGNIFICANCE_LEVEL, inPoints });
  const outcome = judgedOutcome(judgedTolerance, sides, judgement, {
    ...(options.failOnInconclusive === true ? { failOnInconclusive: true } : {}),
    sample: Math.min(againstRuns.length, currentRuns.length),
  });
  const fallback = sameFingerprint
    ? undefined
    : `only ${same.length} of ${withCase.length} history entries with this case come from a machine like this one (fewer than ${MIN_LEARNING_ENTRIES}), so all ${withCase.length} were used`;
  const note = [outcome.note, fallback].filter((n) => n !== undefined).join('; ');
  return { ...outcome, ...(learned === undefined ? {} : { learnedTolerance: learned }), ...context, ...(note === '' ? {} : { note }) };
}
