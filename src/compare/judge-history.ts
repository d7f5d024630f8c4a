import type { HistoryEntry } from '../model/history.js';
import { isJudgedInPoints, METRICS } from '../model/metrics.js';
import type { Evidence, HistoryComparison, MeasuredCase, RegressionOutcome, RegressionTolerance } from '../model/results.js';
import type { CaseJudge, RunSetupView } from '../model/judge.js';
import { defined } from '../model/defined.js';
import { type RunSetup, setupDifferences } from '../model/provenance.js';
import { SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { judgeAgainstLevels } from '../stats/judge-change.js';
import { learnedBand, MIN_LEARNING_ENTRIES } from '../stats/learned-tolerance.js';
import { detectChangePoints } from '../stats/change-points.js';
import { judgedOutcome, notCompared, type Sides, toleranceOf, positive } from './judge-metric.js';
import { differencesBetween, evidenceOf, judgeCounters, runSetupFields, valuesOf } from './evidence.js';

/** `auto` never learns a tolerance below 1% (0.01; 1 percentage point for loss): a history that never moved says nothing about how far a real run may. */
export const MIN_AUTO_BAND = 0.01;

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
  /** For the evidence: this run, and the history entry its setup is compared with (the newest of this machine's fingerprint). */
  readonly runs?: { readonly latest: HistoryEntry | undefined; readonly current: RunSetupView };
}

/**
 * Where the newest level of a series of medians began: the index of its newest change point (src/stats/change-points.ts,
 * at 2% — smaller shifts than a tolerance are noise here), or 0 when it never shifted. Series under 6 entries have none.
 */
function levelSince(medians: readonly number[], inPoints: boolean): number {
  if (medians.length < 6 || (!inPoints && medians.some((m) => !(m > 0)))) return 0;
  const changes = detectChangePoints(medians, { inPoints, minChange: inPoints ? 1 : 0.02 });
  return changes.at(-1)?.index ?? 0;
}

/** Judges one finished case against the history (`run --history`): each `regression:` tolerance, beside any other source. */
export function judgeAgainstHistory<C extends MeasuredCase>(current: C, entries: readonly HistoryEntry[], options: HistoryJudgeOptions): C {
  if (current.status === 'error' || current.status === 'skipped' || (current.regression ?? []).length === 0) return current;
  const kept = (current.regressions ?? []).filter((r) => r.source !== 'history');
  const outcomes = (current.regression ?? []).map((tolerance) => judgeMetric(tolerance, current, entries, options));
  const evidence = options.runs === undefined ? undefined : historyEvidence(current, entries, options.fingerprint, options.runs);
  return { ...current, regressions: [...kept, ...(evidence === undefined ? outcomes : outcomes.map((outcome) => ({ ...outcome, evidence })))] };
}

/** Entries of this machine's fingerprint when there are at least MIN_LEARNING_ENTRIES of them, else all of `entries`. */
function ofThisMachine(
  entries: readonly HistoryEntry[],
  fingerprint: string,
): { readonly entries: readonly HistoryEntry[]; readonly same: readonly HistoryEntry[]; readonly sameFingerprint: boolean } {
  const same = entries.filter((e) => e.fingerprint === fingerprint);
  const sameFingerprint = same.length >= MIN_LEARNING_ENTRIES;
  return { entries: sameFingerprint ? same : entries, same, sameFingerprint };
}

/**
 * Why a case differs from its history: what differs between this run's setup for it and the newest entry of this
 * machine's fingerprint (the machine, its suite's variables, its server's spec, the facts read of its path where the
 * entry has them), and each counter's median against the medians of the entries judged against (this machine's when
 * there are at least MIN_LEARNING_ENTRIES, the newest HISTORY_WINDOW), by the same prediction test as the metrics.
 */
export function historyEvidence(
  current: MeasuredCase,
  entries: readonly HistoryEntry[],
  fingerprint: string,
  runs: { readonly latest: HistoryEntry | undefined; readonly current: RunSetupView },
): Evidence {
  const { latest } = runs;
  const pool = ofThisMachine(
    entries.filter((e) => e.cases[current.id] !== undefined),
    fingerprint,
  ).entries.slice(-HISTORY_WINDOW);
  const counters = judgeCounters(
    'levels',
    (metric) => ({
      against: pool.map((e) => e.cases[current.id]?.[metric]?.median).filter((v): v is number => v !== undefined),
      current: valuesOf(current.runs, metric),
    }),
    current.regression,
  );
  // a history keeps no parameters: its entries are matched by the case's id, which names the ones that vary
  const differences =
    latest === undefined
      ? []
      : differencesBetween(
          runSetupFields({ environment: latest.environment, provenance: latest.provenance, ...defined({ servers: latest.servers }) }, current),
          runSetupFields(runs.current, current),
        );
  return evidenceOf(differences, counters, current.params.test);
}

/**
 * The current runs against the distribution of earlier medians of the same case and metric (docs/judging.md, "History
 * and provenance"): entries of this machine's fingerprint when there are at least MIN_LEARNING_ENTRIES, else all
 * entries (said in the note); the newest HISTORY_WINDOW of them, since what matters is what the software and the
 * machines are like now. The test is a Student-t prediction test of this run's median against those medians
 * (src/stats/judge-change.ts judgeAgainstLevels): the unit is one run, whose level carries the run-to-run (day-to-day,
 * machine-to-machine) variation a single stored baseline never shows. The tolerance is the larger of the written
 * percentage and the band learned from the same medians (src/stats/learned-tolerance.ts), at least MIN_AUTO_BAND with
 * `auto`.
 */
function judgeMetric(tolerance: RegressionTolerance, current: MeasuredCase, entries: readonly HistoryEntry[], options: HistoryJudgeOptions): RegressionOutcome {
  const { metric } = tolerance;
  const currentRuns = valuesOf(current.runs, metric);
  const withCase = entries.filter((e) => e.cases[current.id]?.[metric] !== undefined);
  const { same, sameFingerprint } = ofThisMachine(withCase, options.fingerprint);
  const inPoints = isJudgedInPoints(metric);
  // a run that measured 0 (nothing got through) says nothing about the level as a ratio: left out, not fatal
  const usable = (e: HistoryEntry): boolean => inPoints || (e.cases[current.id]?.[metric]?.median ?? 0) > 0;
  const eligible = (sameFingerprint ? same : withCase).filter(usable);
  // a lasting shift the history already holds (a change merged on purpose, a new runner image) is the new normal:
  // only the entries since the newest change point count, when there are enough of them to judge against
  const since = levelSince(
    eligible.map((e) => e.cases[current.id]?.[metric]?.median ?? NaN),
    inPoints,
  );
  const sinceShift = eligible.slice(since);
  // the newest entries: what the software and machines are like now (and an exact test stays fast)
  const pool = sinceShift.slice(-HISTORY_WINDOW);
  const againstRuns = pool.map((e) => e.cases[current.id]?.[metric]?.median ?? NaN);
  const learningRuns = eligible.slice(-LEARNING_WINDOW).map((e) => e.cases[current.id]?.[metric]?.median ?? NaN);
  const sides: Sides = { source: 'history', against: options.file, againstRuns, currentRuns };
  const context = { historyEntries: pool.length, sameFingerprint };
  if (withCase.length === 0)
    return {
      ...notCompared(
        tolerance,
        sides,
        `the history has no entry with ${current.id} ${metric}; it is judged once runs that measured it are added (perfsuite history add)`,
      ),
      ...context,
    };
  if (currentRuns.length === 0) return { ...notCompared(tolerance, sides, `this run has no ${metric}`), ...context };
  if (againstRuns.length === 0)
    return {
      ...notCompared(tolerance, sides, `every history entry with ${current.id} measured ${metric} as 0, so a change relative to it means nothing`),
      ...context,
    };
  const learned = learnedBand(learningRuns, { inPoints });
  if (tolerance.auto === true && learned === undefined) {
    return {
      ...notCompared(
        tolerance,
        sides,
        `regression: auto learns from at least ${MIN_LEARNING_ENTRIES} history entries with this case, and there are ${pool.length}; add runs (perfsuite history add), or give a percentage meanwhile`,
      ),
      ...context,
    };
  }
  // a history whose levels never moved (a shaped link, whole-µs latencies) learns a band of 0: auto keeps a floor
  const effective = Math.max(toleranceOf(tolerance), learned ?? 0, tolerance.auto === true ? (inPoints ? MIN_AUTO_BAND * 100 : MIN_AUTO_BAND) : 0);
  const judgedTolerance = { ...tolerance, tolerancePercent: inPoints ? effective : effective * 100 };
  // a current run that measured 0 is the worst change there is, judged as such (compare/judge-metric.ts positive)
  const judgement = judgeAgainstLevels(againstRuns, inPoints ? currentRuns : currentRuns.map(positive), {
    better: METRICS[metric].better,
    tolerance: effective,
    alpha: SIGNIFICANCE_LEVEL,
    inPoints,
  });
  const outcome = judgedOutcome(judgedTolerance, sides, judgement, {
    ...(options.failOnInconclusive === true ? { failOnInconclusive: true } : {}),
    sample: againstRuns.length,
  });
  const fallback = sameFingerprint
    ? undefined
    : `only ${same.length} of ${withCase.length} history entries with this case come from a machine like this one (fewer than ${MIN_LEARNING_ENTRIES}), so entries of every machine were used (the newest ${pool.length})`;
  const shifted =
    since > 0 ? `the history's level of ${metric} shifted ${eligible.length - since} entries ago; only the entries since then were judged against` : undefined;
  const note = [outcome.note, fallback, shifted].filter((n) => n !== undefined).join('; ');
  return { ...outcome, ...defined({ learnedTolerance: learned }), ...context, ...(note === '' ? {} : { note }) };
}

/**
 * `run --history`: each finished case judged against the history, and how the run relates to it — the machine and
 * setup differences against its newest entry of this machine's fingerprint (what the verdicts mostly rest on), else
 * the newest.
 */
export function historyJudge(
  history: { readonly file: string; readonly entries: readonly HistoryEntry[]; readonly missing?: true },
  current: RunSetup,
  options: { readonly fingerprint: string; readonly failOnInconclusive?: boolean },
): CaseJudge {
  const { fingerprint } = options;
  const latest = history.entries.findLast((e) => e.fingerprint === fingerprint) ?? history.entries.at(-1);
  // GitHub gives every job a new host name: between machines of one fingerprint it is no difference worth a warning
  const differences = latest === undefined ? [] : setupDifferences(latest, current).filter((d) => d.field !== 'hostname' || latest.fingerprint !== fingerprint);
  const comparison: HistoryComparison = {
    file: history.file,
    entries: history.entries.length,
    ...(history.missing === true ? { missing: true as const } : {}),
    sameFingerprintEntries: history.entries.filter((e) => e.fingerprint === fingerprint).length,
    ...defined({ latestDate: latest?.date, latestCommit: latest?.provenance.commit }),
    environmentDifferences: differences,
  };
  return {
    judge: (c, run) =>
      judgeAgainstHistory(c, history.entries, {
        file: history.file,
        fingerprint,
        runs: { latest, current: run },
        ...defined({ failOnInconclusive: options.failOnInconclusive }),
      }),
    describeRun: () => ({ history: comparison }),
  };
}
