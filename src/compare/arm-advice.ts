import { formatDuration } from '../model/format-metric.js';
import type { CpuAffinity } from '../model/suite-types.js';
import { plural } from '../model/words.js';

/** How a `compare:` unit measured its rounds, for the advice under an inconclusive verdict. */
export interface RoundPlan {
  readonly min: number;
  readonly max: number;
  /** `repeat: { budget }`, in seconds. */
  readonly budget?: number;
  /** Why the unit stopped measuring rounds: `budget` when the budget left no room for another round. */
  readonly stoppedBy?: 'budget';
  /** Seconds one round took, on average (all arms' runs). */
  readonly secondsPerRound?: number;
}

/** What is known of the arms of one inconclusive comparison. */
export interface ArmsAtHand {
  readonly rounds: number;
  /** The rounds the statistics estimate would decide it; undefined when they cannot say. */
  readonly roundsNeeded?: number;
  /** The tolerance, in percent, these rounds would have called unchanged: the farther bound's distance from no change. */
  readonly resolvablePercent?: number;
  readonly plan: RoundPlan;
  /** Whether both arms pin netperf and netserver to CPUs. */
  readonly pinned: boolean;
  /** The run length of the candidate, in seconds. */
  readonly duration: number;
  /** The control's and the candidate's values, round by round (positive). */
  readonly against: readonly number[];
  readonly current: readonly number[];
}

/** More rounds than this are not worth suggesting: the other levers, or a wider tolerance, are. */
const MOST_ROUNDS_WORTH_IT = 100;
/** The statistics estimate rounds up to this many (src/stats/judge-change.ts); it reads "more than" at the cap. */
const MOST_ROUNDS_ESTIMATED = 1000;
/** Below this correlation between the arms' runs of a round, each run's own noise dominates the spread. */
const LOW_CORRELATION = 0.5;
/** Runs this long or longer are long enough: longer runs are not suggested. */
const LONG_RUN_SECONDS = 10;

/** The pinning suggested to arms that have none: netperf and netserver on two CPUs of their own. */
export const SUGGESTED_AFFINITY: CpuAffinity = { local: 0, remote: 1 };

/**
 * What would decide an inconclusive same-run comparison (docs/judging.md, "When it stays inconclusive"): more rounds
 * (how many the spread suggests, and the time they take at this pace), pinning the arms to CPUs, or longer runs — the
 * last when the arms' runs of one round do not move together, so most of the spread is each run's own rather than the
 * machine's (which interleaving already cancels). Returns the advice after "; ", or '' when there is none.
 */
export function adviseArms(arms: ArmsAtHand): string {
  const levers: string[] = [];
  const { plan, roundsNeeded, rounds } = arms;
  if (roundsNeeded !== undefined && roundsNeeded <= MOST_ROUNDS_WORTH_IT) {
    const pace = plan.secondsPerRound;
    const time = pace === undefined ? undefined : roundsNeeded * pace;
    // a budget with room for the warm-ups and the start, which the rounds' pace leaves out
    const budget = plan.budget !== undefined && time !== undefined && time > plan.budget ? `, budget: ${formatBudget(time * 1.3)}` : '';
    // never a max below the one that already ran out of budget, or of rounds
    const max = Math.max(plan.max, roundsNeeded);
    levers.push(
      `about ${plural(roundsNeeded, 'round')} (repeat: { min: ${plan.min}, max: ${max}${budget} }${time === undefined ? '' : `, about ${formatDuration(time)} at ${formatPace(pace ?? 0)} a round`})`,
    );
  } else if (roundsNeeded !== undefined) {
    const many = roundsNeeded >= MOST_ROUNDS_ESTIMATED ? `more than ${MOST_ROUNDS_ESTIMATED}` : `about ${roundsNeeded}`;
    const wider =
      arms.resolvablePercent === undefined || !Number.isFinite(arms.resolvablePercent)
        ? 'a wider tolerance'
        : `a tolerance of about ${Math.ceil(arms.resolvablePercent)}% (what ${plural(rounds, 'round')} resolve here)`;
    levers.push(`${wider}, since more rounds would take ${many}`);
  }
  if (!arms.pinned) levers.push(`pinning both arms to CPUs (cpu_affinity: { local: ${SUGGESTED_AFFINITY.local}, remote: ${SUGGESTED_AFFINITY.remote} })`);
  const r = correlation(arms.against, arms.current);
  if (arms.duration < LONG_RUN_SECONDS && r !== undefined && r < LOW_CORRELATION) {
    levers.push(
      `longer runs (duration: ${Math.min(LONG_RUN_SECONDS, Math.max(3, arms.duration * 3))}s): the arms' runs of one round hardly move together (correlation ${r.toFixed(2)}), so most of the spread is each run's own`,
    );
  }
  const stopped =
    plan.stoppedBy === 'budget' && plan.budget !== undefined ? ` (the ${formatDuration(plan.budget)} budget ran out after ${plural(rounds, 'round')})` : '';
  if (levers.length === 0) return stopped;
  return `${stopped}; what would decide it: ${levers.join('; or ')}`;
}

/** Seconds a round takes, to a tenth below 10 s: 2.5s, 12s. */
function formatPace(seconds: number): string {
  return seconds < 10 ? `${Number(seconds.toFixed(1))}s` : formatDuration(seconds);
}

/** A budget people write: whole minutes from a minute up, else whole seconds. */
function formatBudget(seconds: number): string {
  return seconds >= 60 ? `${Math.ceil(seconds / 60)}m` : `${Math.ceil(seconds)}s`;
}

/** Pearson's correlation of the logs of two paired samples; undefined below 3 pairs or without spread. */
export function correlation(a: readonly number[], b: readonly number[]): number | undefined {
  const n = Math.min(a.length, b.length);
  if (n < 3 || a.some((v) => v <= 0) || b.some((v) => v <= 0)) return undefined;
  const x = a.slice(0, n).map(Math.log);
  const y = b.slice(0, n).map(Math.log);
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? undefined : sxy / Math.sqrt(sxx * syy);
}
