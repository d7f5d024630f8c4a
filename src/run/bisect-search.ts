import type { CaseResult, RegressionOutcome, RunResult } from '../model/results.js';

/**
 * What one bisect step found about its probe commit against the good commit: `regressed` (the probe is bad),
 * `unchanged` (it is good), `inconclusive` (the noise hid it), `skipped` (the probe's hooks failed: it does not build,
 * like `git bisect skip`), or `error` (something else could not be measured, the good arm included).
 */
export type StepVerdict = 'regressed' | 'unchanged' | 'inconclusive' | 'skipped' | 'error';

/** A step's A/B comparison, reduced to what decides the search. */
export interface StepMeasurement {
  readonly verdict: StepVerdict;
  /** The comparison that decided it: its case and metric (the worst regressed one, else the first undecided, else the worst unchanged). */
  readonly case?: string;
  readonly metric?: string;
  /** The candidate's relative change against the good arm (−0.5 = half), and its one-sided bounds. */
  readonly change: number | null;
  readonly lower?: number;
  readonly upper?: number;
  readonly p?: number;
  readonly tolerance?: number;
  /** Interleaved rounds the comparison was judged on. */
  readonly rounds: number;
  /** Why it is skipped, inconclusive or an error, in words. */
  readonly note?: string;
}

/** One step as bisect.json keeps it. */
export interface BisectStep extends StepMeasurement {
  /** The probe commit (full hash); the good commit is the control of every step. */
  readonly commit: string;
  /** `confirm`: the first step, bad against good; `probe`: a commit inside the range. */
  readonly kind: 'confirm' | 'probe';
  /** Wall time of the step (worktree, setup, every round, teardown), in seconds. */
  readonly seconds: number;
}

/** How far the search narrowed: the last commit known good, the first known bad, and the commits that may be the first bad one. */
export interface BisectRange {
  readonly good: string;
  readonly bad: string;
  /** The commits after `good` up to `bad` on the first-parent line, oldest first (`bad` last). */
  readonly commits: readonly string[];
}

/** How a bisect ended (docs/commands.md, "bisect"): each kind has its own exit code. */
export type BisectEnd =
  | { readonly kind: 'found'; readonly firstBad: string }
  | { readonly kind: 'not-worse' }
  | { readonly kind: 'undecided'; readonly range: BisectRange; readonly reason: string }
  | { readonly kind: 'interrupted'; readonly range: BisectRange };

export interface BisectSearchOptions {
  /** Measures `commit` against the good commit; 'interrupted' when the run was stopped. */
  readonly measure: (commit: string, step: number) => Promise<StepMeasurement | 'interrupted'>;
  /** Each step as it ends, with an estimate of the steps still to come. */
  readonly onStep?: (step: BisectStep, index: number, remaining: number) => void | Promise<void>;
  /** Told before each step: its index, commit, and the steps estimated after it. */
  readonly onStepStart?: (index: number, commit: string, remaining: number) => void | Promise<void>;
  /** Most A/B steps, the confirmation included. */
  readonly maxSteps: number;
  readonly now: () => number;
}

/**
 * Finds the first bad commit on the first-parent line from `good` to the last of `commits` (the bad one), like
 * `git bisect`: first confirms bad is worse than good, then halves the range, each probe measured against the good
 * commit. A skipped commit is stepped around; an inconclusive or failed step ends the search with the range so far.
 */
export async function bisectSearch(
  good: string,
  commits: readonly string[],
  options: BisectSearchOptions,
): Promise<{ readonly end: BisectEnd; readonly steps: readonly BisectStep[] }> {
  const steps: BisectStep[] = [];
  // positions: 0 is good, i is commits[i - 1]; the first bad commit is at a position in (lo, hi]
  let lo = 0;
  let hi = commits.length;
  const skipped = new Set<number>();
  const at = (position: number): string => (position === 0 ? good : (commits[position - 1] ?? good));
  const range = (): BisectRange => ({ good: at(lo), bad: at(hi), commits: commits.slice(lo, hi) });
  const run = async (position: number, kind: BisectStep['kind']): Promise<BisectStep | 'interrupted'> => {
    const commit = at(position);
    const remaining = kind === 'confirm' ? stepsToNarrow(hi - lo) : Math.max(0, stepsToNarrow(hi - lo) - 1);
    await options.onStepStart?.(steps.length, commit, remaining);
    const started = options.now();
    const measured = await options.measure(commit, steps.length);
    if (measured === 'interrupted') return 'interrupted';
    const step: BisectStep = { commit, kind, ...measured, seconds: Math.round(options.now() - started) / 1000 };
    steps.push(step);
    await options.onStep?.(step, steps.length - 1, remaining);
    return step;
  };

  const confirmed = await run(hi, 'confirm');
  if (confirmed === 'interrupted') return { end: { kind: 'interrupted', range: range() }, steps };
  if (confirmed.verdict === 'unchanged') return { end: { kind: 'not-worse' }, steps };
  if (confirmed.verdict !== 'regressed') return { end: { kind: 'undecided', range: range(), reason: whyUndecided(confirmed, 'the bad commit') }, steps };

  while (hi - lo > 1) {
    const position = nextProbe(lo, hi, skipped);
    if (position === undefined) return { end: { kind: 'undecided', range: range(), reason: 'only skipped commits are left to test' }, steps };
    if (steps.length >= options.maxSteps) return { end: { kind: 'undecided', range: range(), reason: `--max-steps ${options.maxSteps} was reached` }, steps };
    const step = await run(position, 'probe');
    if (step === 'interrupted') return { end: { kind: 'interrupted', range: range() }, steps };
    if (step.verdict === 'regressed') hi = position;
    else if (step.verdict === 'unchanged') lo = position;
    else if (step.verdict === 'skipped') skipped.add(position);
    else return { end: { kind: 'undecided', range: range(), reason: whyUndecided(step, `commit ${step.commit.slice(0, 12)}`) }, steps };
  }
  return { end: { kind: 'found', firstBad: at(hi) }, steps };
}

/** How many A/B probes narrow `width` possible first bad commits to one, none skipped: ⌈log2 width⌉. */
export function stepsToNarrow(width: number): number {
  return width <= 1 ? 0 : Math.ceil(Math.log2(width));
}

/** The position to measure next: the one nearest the middle of (lo, hi) that was not skipped, the lower on a tie; undefined when none is left. */
export function nextProbe(lo: number, hi: number, skipped: ReadonlySet<number>): number | undefined {
  const middle = Math.floor((lo + hi) / 2);
  for (let distance = 0; middle - distance > lo || middle + distance < hi; distance++) {
    for (const position of [middle - distance, middle + distance]) if (position > lo && position < hi && !skipped.has(position)) return position;
  }
  return undefined;
}

function whyUndecided(step: BisectStep, what: string): string {
  const detail = step.note === undefined ? '' : `: ${step.note}`;
  if (step.verdict === 'inconclusive') return `the step on ${what} was inconclusive${detail}`;
  if (step.verdict === 'skipped') return `${what} could not be set up${detail}`;
  return `the step on ${what} could not be measured${detail}`;
}

/** One step's run reduced to a verdict: every candidate arm's comparisons with the good arm taken together. */
export function stepMeasurement(result: RunResult): StepMeasurement {
  const cases = result.suites.flatMap((suite) => suite.cases);
  const candidates = cases.filter((c) => c.arm?.role === 'candidate');
  const failed = candidates.find((c) => c.status === 'error' || c.status === 'skipped');
  const rounds = (o: RegressionOutcome): number => o.rounds?.length ?? 0;
  if (failed !== undefined) {
    const control = cases.find((c) => c.id === failed.arm?.control);
    // the probe's own hooks failed (it does not build): skipped; the good arm failing, or netperf, ends the search
    const verdict = failed.error?.kind === 'setup-failed' && control?.error?.kind !== 'setup-failed' ? 'skipped' : 'error';
    const reason = control?.status === 'error' ? control : failed;
    return { verdict, change: null, rounds: 0, note: `${reason.id}: ${reason.error?.kind ?? 'error'}: ${reason.error?.message ?? 'not measured'}` };
  }
  const outcomes = candidates.flatMap((c) => (c.regressions ?? []).filter((o) => o.source === 'control').map((o) => ({ case: c, outcome: o })));
  const judged = outcomes.filter(({ outcome }) => outcome.verdict !== 'not-compared');
  const worst = (list: typeof judged) => [...list].sort((a, b) => (a.outcome.change ?? 0) - (b.outcome.change ?? 0))[0];
  const regressed = judged.filter(({ outcome }) => outcome.verdict === 'regressed');
  const undecided = judged.find(({ outcome }) => outcome.verdict === 'inconclusive');
  const pick = regressed.length > 0 ? worst(regressed) : (undecided ?? worst(judged));
  if (pick === undefined) {
    const note = outcomes[0]?.outcome.note ?? 'no regression: tolerance of a compare: group was judged';
    return { verdict: 'error', change: null, rounds: 0, note };
  }
  const verdict = regressed.length > 0 ? 'regressed' : undecided !== undefined ? 'inconclusive' : 'unchanged';
  return measurementOf(verdict, pick.case, pick.outcome, rounds(pick.outcome));
}

function measurementOf(verdict: StepVerdict, c: CaseResult, o: RegressionOutcome, rounds: number): StepMeasurement {
  return {
    verdict,
    case: c.id,
    metric: o.metric,
    change: o.change,
    ...(o.lower === undefined ? {} : { lower: o.lower }),
    ...(o.upper === undefined ? {} : { upper: o.upper }),
    ...(o.p === undefined ? {} : { p: o.p }),
    tolerance: o.tolerance,
    rounds,
    ...(verdict === 'inconclusive' && o.note !== undefined ? { note: o.note } : {}),
  };
}

/** A commit with its subject and author beside it. */
export interface DescribedCommit {
  readonly commit: string;
  readonly subject: string;
  readonly author: string;
}

/** bisect.json: the search as far as it went (written after every step, so an interrupted bisect keeps its steps). */
export interface BisectRecord {
  readonly bisectVersion: 1;
  /** `running` until the search ends; then how it ended (docs/commands.md, "bisect", for the exit codes). */
  readonly state: 'running' | BisectEnd['kind'] | 'crashed';
  /** Why the search could not name a commit, when it could not. */
  readonly reason?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** The suite files, as given. */
  readonly suites: readonly string[];
  readonly seed: number;
  /** Full hashes of the good and bad commits, their subjects beside them. */
  readonly good: string;
  readonly goodSubject: string;
  readonly bad: string;
  readonly badSubject: string;
  /** Commits on the first-parent line after good, up to and including bad. */
  readonly commitsInRange: number;
  /** The first bad commit, when the search found it. */
  readonly firstBad?: string;
  readonly firstBadSubject?: string;
  readonly firstBadAuthor?: string;
  /** When it could not decide (or was interrupted): how far it narrowed, each commit that may be the first bad one. */
  readonly range?: { readonly good: string; readonly bad: string; readonly commits: readonly DescribedCommit[] };
  readonly steps: readonly (BisectStep & {
    readonly subject: string;
    readonly author: string;
    /** The step's own results.json, relative to bisect.json. */
    readonly results: string;
  })[];
}
