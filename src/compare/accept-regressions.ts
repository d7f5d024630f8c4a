import type { CaseJudge } from '../model/judge.js';
import { type AcceptanceRecord, type AcceptEntry, type CaseResult, type MeasuredCase, type RegressionOutcome, statusOf } from '../model/results.js';

/** Whether a commit named by an `accept:` entry's `until` is in the run's history, as git tells (src/exec/git-commits.ts). */
/** Whether an `until:` commit landed; `absent`: not in a full clone at all (mistyped, or rewritten by a squash merge), so it may never land. */
export type CommitLanding = { readonly landed: boolean; readonly absent?: boolean } | { readonly unknown: string };

/** What an acceptance is judged at: the run's day (UTC) and, for each commit an `until` names, whether it landed. */
export interface AcceptContext {
  /** `YYYY-MM-DD`, UTC: the day the run started. */
  readonly today: string;
  readonly commits: ReadonlyMap<string, CommitLanding>;
}

/** Whether an `until:` names a day (`2027-01-31`) rather than a commit. */
export function isDayUntil(until: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(until);
}

/** The commits among these `until:`s, each once: what git is asked before judging. */
export function acceptedCommits(untils: readonly string[]): string[] {
  return [...new Set(untils.filter((until) => !isDayUntil(until)))];
}

/** Where an entry stands on this run: in force, expired (and since when), or not to be told here. */
export function acceptanceState(entry: AcceptEntry, context: AcceptContext): Pick<AcceptanceRecord, 'state' | 'why'> {
  if (isDayUntil(entry.until)) {
    // accepted through the day written, UTC: ISO days compare as strings
    return context.today <= entry.until ? { state: 'in-force' } : { state: 'expired', why: `expired on ${entry.until}` };
  }
  const landing = context.commits.get(entry.until);
  if (landing === undefined) return { state: 'unverifiable', why: `whether commit ${entry.until} landed was not checked` };
  if ('unknown' in landing) return { state: 'unverifiable', why: landing.unknown };
  if (landing.landed) return { state: 'expired', why: `expired when commit ${entry.until} landed (it is an ancestor of this run's commit)` };
  return landing.absent === true
    ? {
        state: 'in-force',
        why: `commit ${entry.until} is not in this repository at all: a mistyped hash, or one a squash merge rewrote, never lands, so check until:`,
      }
    : { state: 'in-force' };
}

/**
 * A regressed metric covered by an `accept:` entry of its case (docs/judging.md, "Accepted regressions"): `accepted`,
 * passing, while the entry is in force; still `regressed` once it expired, or when whether its commit landed cannot be
 * told, with the acceptance and why beside it. The first entry of the metric in force wins. Other verdicts, and
 * outcomes already carrying an acceptance, are left as they are, so applying it twice changes nothing.
 */
export function acceptOutcome(outcome: RegressionOutcome, entries: readonly AcceptEntry[], context: AcceptContext): RegressionOutcome {
  if (outcome.verdict !== 'regressed' || outcome.acceptance !== undefined) return outcome;
  const judged = entries.filter((a) => a.metric === outcome.metric).map((entry) => ({ entry, ...acceptanceState(entry, context) }));
  const chosen = judged.find((j) => j.state === 'in-force') ?? judged[0];
  if (chosen === undefined) return outcome;
  const { entry, state, why } = chosen;
  const acceptance: AcceptanceRecord = {
    reason: entry.reason,
    until: entry.until,
    file: entry.file,
    line: entry.line,
    state,
    ...(why === undefined ? {} : { why }),
  };
  return state === 'in-force' ? { ...outcome, verdict: 'accepted', passed: true, acceptance } : { ...outcome, acceptance };
}

/** Every regressed metric of a case checked against its `accept:` entries (its status is decided after, by the run). */
export function acceptRegressions<C extends MeasuredCase>(c: C, context: AcceptContext): C {
  if (c.accept === undefined || c.accept.length === 0 || c.regressions === undefined) return c;
  const accept = c.accept;
  return { ...c, regressions: c.regressions.map((r) => acceptOutcome(r, accept, context)) };
}

/** A stored case whose regressions are accepted again (`compare`, `report --baseline`): its status follows. */
export function acceptStored(c: CaseResult, context: AcceptContext): CaseResult {
  const accepted = acceptRegressions(c, context);
  return accepted === c ? c : { ...accepted, status: statusOf(accepted) };
}

/** The last judge of a run: regressions its cases accept (after the control, the baseline and the history judged them). */
export function acceptJudge(context: AcceptContext): CaseJudge {
  return { judge: (c) => acceptRegressions(c, context) };
}
