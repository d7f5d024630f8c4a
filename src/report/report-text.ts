import { HISTORY_WINDOW, LEARNING_WINDOW, MIN_AUTO_BAND } from '../compare/judge-history.js';
import { SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { FENCE_IQRS, MIN_LEARNING_ENTRIES } from '../stats/learned-tolerance.js';
import type { HistoryComparison, RegressionOutcome, RunResult, ThresholdOutcome } from '../model/results.js';
import type { TestName } from '../model/test-types.js';
import { isCount, isJudgedInPoints, METRICS, pointsUnit } from '../model/metrics.js';
import { formatMetric, formatSignificant } from '../model/format-metric.js';
import type { CommonModeShift } from './comparison-view.js';
import type { Failure } from './failure-view.js';
import type { Dip } from './series-view.js';
import { plural } from '../model/words.js';

/** The sentences every report shares, so the console, Markdown, HTML, JUnit and annotations say the same thing. */

/** The observed value of a threshold outcome, for messages: "18.1 Gbit/s" or "nothing". */
export function formatActual(outcome: ThresholdOutcome, test?: TestName): string {
  return outcome.actual === null ? 'nothing (the case did not produce this metric)' : formatMetric(outcome.metric, outcome.actual, test);
}

/** One sentence for a failure, the same in every report; `footnotes` (from evidenceFootnotes) turns a regression's method into a mark. */
export function describeFailure(failure: Failure, footnotes?: ReadonlyMap<string, string>): string {
  if (failure.kind === 'error') return `could not be measured: ${failure.case.error?.kind ?? 'error'}: ${failure.case.error?.message ?? 'no detail recorded'}`;
  if (failure.kind === 'regression') return describeRegression(failure.regression, failure.case.params.test, footnotes);
  const t = failure.threshold;
  return `${t.aggregate === 'median' ? '' : `${t.aggregate} `}${t.metric} was ${formatActual(t, failure.case.params.test)}, expected ${t.expression.trim()}`;
}

/** The change a comparison was judged on: `+0.40 pp` for loss (percentage points), `+12 segments` for a count, `−12.3%` otherwise, `—` for none. */
export function formatOutcomeChange(outcome: Pick<RegressionOutcome, 'metric' | 'change'>): string {
  return formatJudged(outcome.metric, outcome.change);
}

/** A relative change (or points, for loss and counts) as reports print it. */
export function formatJudged(metric: string, value: number | null): string {
  if (value === null) return '—';
  if (isCount(metric)) return `${value < 0 ? '−' : '+'}${formatSignificant(Math.abs(value))} ${pointsUnit(metric)}`;
  if (isJudgedInPoints(metric)) return `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(2)} pp`;
  return formatChange(value * 100);
}

/** The one-sided bounds on the change, like `[−5.6%, −4.6%]`; '' when the sample gave none. */
export function formatBounds(outcome: RegressionOutcome): string {
  if (outcome.lower === undefined && outcome.upper === undefined) return '';
  const side = (x: number | undefined, infinite: string): string => (x === undefined ? infinite : formatJudged(outcome.metric, x));
  return `[${side(outcome.lower, '−∞')}, ${side(outcome.upper, '+∞')}]`;
}

/** The tolerance as it is judged: `1 pp` for loss, `10 segments` for a count, `5%` otherwise. */
export function formatTolerance(outcome: Pick<RegressionOutcome, 'metric' | 'tolerance' | 'learnedTolerance'>): string {
  const text = (x: number): string =>
    isJudgedInPoints(outcome.metric)
      ? `${Number(x.toPrecision(3))} ${pointsUnit(outcome.metric)}`
      : `${Number((x * 100).toPrecision(outcome.learnedTolerance === undefined ? 6 : 3))}%`;
  return outcome.learnedTolerance === undefined ? text(outcome.tolerance) : `${text(outcome.tolerance)}, learned ${text(outcome.learnedTolerance)}`;
}

/** A signed change in percent: +3.1%, −12.3% (a true minus sign, so columns line up). */
export function formatChange(changePercent: number | null): string {
  if (changePercent === null) return '—';
  if (!Number.isFinite(changePercent)) return changePercent > 0 ? '+∞%' : '−∞%';
  const text = Math.abs(changePercent).toFixed(Math.abs(changePercent) >= 10 ? 1 : 2);
  return `${changePercent < 0 ? '−' : '+'}${text}%`;
}

/**
 * What a load did to a metric, idle → loaded: a signed percentage within ±100% (+92.8%, −99.9%), beyond it how many
 * times the idle value the loaded one is (×2.3, ×14, ×1406), as +140550% reads as nothing.
 */
export function formatLoadChange(change: number): string {
  if (change <= 1) return formatChange(change * 100);
  const factor = 1 + change;
  const tenths = Math.round(factor * 10) / 10;
  return `×${tenths < 10 ? tenths.toFixed(1) : Math.round(factor)}`;
}

/** The sample a comparison was judged on: "9 rounds" (paired) or "5 vs 5 runs". */
export function formatSample(outcome: RegressionOutcome): string {
  if (outcome.source === 'control') {
    const rounds = outcome.rounds?.length ?? outcome.currentRuns.length;
    return plural(rounds, 'round');
  }
  if (outcome.source === 'history')
    return `this run's median of ${plural(outcome.currentRuns.length, 'run')} vs ${outcome.againstRuns.length === 1 ? "1 earlier run's median" : `${outcome.againstRuns.length} earlier runs' medians`}`;
  return `${outcome.againstRuns.length} vs ${plural(outcome.currentRuns.length, 'run')}`;
}

/** The test and level a comparison was judged by: "one-sided Mann–Whitney U, α = 0.01"; undefined when nothing was judged. */
export function evidenceMethod(outcome: RegressionOutcome): string | undefined {
  if (outcome.verdict === 'not-compared') return undefined;
  const test =
    outcome.method === 'signed-rank'
      ? 'Wilcoxon signed-rank test on per-round ratios'
      : outcome.method === 'sign-test'
        ? 'paired sign test on per-round ratios'
        : outcome.method === 'prediction-t'
          ? 'one-sided Student-t prediction test'
          : 'one-sided Mann–Whitney U';
  const alpha = outcome.alpha ?? SIGNIFICANCE_LEVEL;
  const level =
    alpha === SIGNIFICANCE_LEVEL
      ? `α = ${alpha}`
      : `α = ${SIGNIFICANCE_LEVEL} shared over the looks of repeat { min, max }: ${Number(alpha.toPrecision(2))} at this one`;
  return `${test}, ${level}`;
}

/**
 * The statistics behind a comparison, in one phrase: "p = 0.004, 5 vs 5 runs (one-sided Mann–Whitney U, α = 0.01)".
 * With `footnotes` (from evidenceFootnotes), the method is a mark instead ("p = 0.004, 5 vs 5 runs¹"), stated once under the table.
 * An inconclusive verdict's note (what would decide it) follows, unless `inconclusiveNote: false`: a report's tables leave
 * it to the list of inconclusive comparisons above them. An `accept:` entry that covered it follows instead, unless
 * `acceptance: false` (a table that puts it after the method's mark).
 */
export function formatEvidence(
  outcome: RegressionOutcome,
  footnotes?: ReadonlyMap<string, string>,
  options: { readonly inconclusiveNote?: boolean; readonly acceptance?: boolean } = {},
): string {
  const method = evidenceMethod(outcome);
  // every report shows the verdict beside this, so the reason alone
  if (method === undefined) return outcome.note ?? outcome.changeReason ?? 'no values';
  const mark = footnotes?.get(method);
  const stats = `p = ${outcome.p === undefined ? '—' : formatP(outcome.p)}, ${formatSample(outcome)}${mark === undefined ? ` (${method})` : mark}`;
  const accepted = options.acceptance === false ? undefined : acceptanceNote(outcome);
  if (accepted !== undefined) return `${stats}; ${accepted}`;
  return outcome.verdict === 'inconclusive' && outcome.note !== undefined && options.inconclusiveNote !== false ? `${stats}; ${outcome.note}` : stats;
}

/**
 * The `accept:` entry beside a regression, in words every report shares: "accepted until 2027-01-31: <reason>
 * (file:line)"; once expired, "the acceptance expired on 2027-01-31, so it fails again: <reason> (file:line)".
 * Undefined when no entry covered it.
 */
export function acceptanceNote(outcome: Pick<RegressionOutcome, 'acceptance'>): string | undefined {
  const a = outcome.acceptance;
  if (a === undefined) return undefined;
  const where = `${a.file}:${a.line}`;
  if (a.state === 'in-force')
    return `accepted until ${/^\d{4}-/.test(a.until) ? a.until : `commit ${a.until} lands`}: ${a.reason} (${where})${a.why === undefined ? '' : `; but ${a.why}`}`;
  if (a.state === 'expired')
    return `the acceptance ${a.why ?? `until ${a.until} expired`}, so it fails again: ${a.reason} (${where}); fix the regression, or extend until:`;
  return `not accepted: ${a.why ?? 'whether its commit landed cannot be told'} (accept: ${a.reason}, ${where})`;
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/**
 * The footnotes of a failures table: the marks the run's comparison table gives each method (`compared`: every compared
 * outcome, in its order), so one method has one mark in the whole report, kept for the methods its regressions use.
 */
export function failureFootnotes(failures: readonly Failure[], compared: readonly RegressionOutcome[]): Map<string, string> {
  const used = new Set(failures.flatMap((f) => (f.kind === 'regression' ? [evidenceMethod(f.regression)] : [])));
  return new Map([...evidenceFootnotes(compared)].filter(([method]) => used.has(method)));
}

/** A mark per distinct method of a table's comparisons, ¹ ² ³ … in order of first use, so a method repeated on every row is stated once. */
export function evidenceFootnotes(outcomes: readonly RegressionOutcome[]): Map<string, string> {
  const marks = new Map<string, string>();
  for (const outcome of outcomes) {
    const method = evidenceMethod(outcome);
    if (method !== undefined && !marks.has(method)) marks.set(method, [...String(marks.size + 1)].map((d) => SUPERSCRIPT_DIGITS[Number(d)] ?? d).join(''));
  }
  return marks;
}

/** The lines under a table that state each footnoted method once: "¹ one-sided Mann–Whitney U, α = 0.01". */
export function footnoteLines(footnotes: ReadonlyMap<string, string>): string[] {
  return [...footnotes].map(([method, mark]) => `${mark} ${method}`);
}

/** What the ± beside a case's value in the group tables is, said once per report. */
export const SPREAD_MEANING =
  "± is the run-to-run spread: the standard deviation of a case's runs over their mean, for its group's first metric (cases of 2 or more runs)";

/** A run-to-run spread as the group tables print it: `±9.2%`. */
export function formatSpread(cvPercent: number): string {
  return `±${cvPercent.toFixed(1)}%`;
}

export function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** Why a comparison is inconclusive; files of schemaVersion 1 ("not significant") carry no note of their own. */
export function inconclusiveNote(outcome: Pick<RegressionOutcome, 'note'>): string {
  return outcome.note ?? 'worse beyond the tolerance, but within the run-to-run noise';
}

/**
 * An `unchanged` verdict whose worsening is real all the same: significant (p ≤ α) but inside the tolerance, like
 * −3.79% at p = 0.004 against 5%. Reports call it "within tolerance (−3.79%)", as `unchanged` would say nothing moved;
 * results.json keeps the verdict `unchanged` (docs/judging.md, "The four verdicts").
 */
export function isWithinTolerance(
  outcome: Pick<RegressionOutcome, 'verdict' | 'improved'> & Partial<Pick<RegressionOutcome, 'metric' | 'change' | 'p' | 'alpha'>>,
): boolean {
  const { metric, change, p } = outcome;
  if (outcome.verdict !== 'unchanged' || outcome.improved === true || metric === undefined || change === undefined || change === null || p === undefined)
    return false;
  const worse = METRICS[metric].better === 'higher' ? change < 0 : change > 0;
  return worse && p <= (outcome.alpha ?? SIGNIFICANCE_LEVEL);
}

/**
 * The verdict in words: `improved` is an unchanged verdict with an improvement beyond the tolerance, `within tolerance
 * (−3.79%)` one with a significant worsening inside it (isWithinTolerance).
 */
export function verdictWords(
  outcome: Pick<RegressionOutcome, 'verdict' | 'improved'> & Partial<Pick<RegressionOutcome, 'metric' | 'change' | 'p' | 'alpha'>>,
): string {
  if (isWithinTolerance(outcome)) return `within tolerance (${formatJudged(outcome.metric ?? '', outcome.change ?? null)})`;
  if (outcome.verdict === 'unchanged') return outcome.improved === true ? 'improved' : 'unchanged';
  return outcome.verdict === 'not-compared' ? 'not compared' : outcome.verdict;
}

/**
 * The change and the verdict as a line says them: `−5.00% [−5.19%, −4.81%] regressed`; a significant worsening within
 * the tolerance names its change once, `within tolerance (−3.79%) [−4.12%, −3.41%]`. `verdict` dresses the words (colour).
 */
export function changeAndVerdict(
  outcome: RegressionOutcome,
  verdict: (words: string) => string = (words) => words,
  words: string = verdictWords(outcome),
): string {
  const bounds = formatBounds(outcome);
  const boundsText = bounds === '' ? '' : ` ${bounds}`;
  if (isWithinTolerance(outcome)) return `${verdict(words)}${boundsText}`;
  return `${formatOutcomeChange(outcome)}${boundsText} ${verdict(words)}`;
}

/** What the change is measured on, where it is not the ratio of the two medians reports show beside it. */
const CHANGE_MEASURE: Readonly<Record<RegressionOutcome['source'], string>> = {
  control: 'the change is the Hodges–Lehmann estimate over the per-round ratios; the medians of all runs move the other way',
  baseline: 'the change is the Hodges–Lehmann estimate over every pair of runs; the medians move the other way',
  history: 'the change is against the geometric mean of the earlier medians; their median moves the other way',
};

/**
 * Why a change reads the other way from the two medians shown beside it, where it does: the change (Hodges–Lehmann over the
 * per-round ratios for A/B, Hodges–Lehmann for a baseline, the earlier medians' geometric mean for a history) is not the ratio of
 * the medians. Undefined where they agree, where either shows no movement, or where a value is missing.
 */
export function oppositeChangeNote(outcome: Pick<RegressionOutcome, 'source' | 'metric' | 'change' | 'againstValue' | 'currentValue'>): string | undefined {
  const { metric, change, againstValue, currentValue } = outcome;
  if (change === null || againstValue === null || currentValue === null) return undefined;
  // a change that prints as ±0.00, or medians that print alike, show nothing moving the other way
  if (/^[+−]0(\.00)?(%| pp| [a-z]+)$/.test(formatJudged(metric, change)) || formatMetric(metric, againstValue) === formatMetric(metric, currentValue))
    return undefined;
  return Math.sign(currentValue - againstValue) === -Math.sign(change) ? CHANGE_MEASURE[outcome.source] : undefined;
}

/** What the other side of a comparison is called in sentences: "its control …", "the baseline", "the history". */
function againstWords(outcome: RegressionOutcome): string {
  return outcome.source === 'control' ? `control ${outcome.against}` : outcome.source;
}

/**
 * One sentence for a compared metric: "throughput regressed −12.3% [−14.0%, −10.1%] vs the baseline (94.1 Mbit/s → 82.5
 * Mbit/s, tolerance 10%; p = …)", and for a regression the reading of its evidence after it ("— loss: retransmissions
 * rose 0 → 12 segments per run").
 */
export function describeRegression(outcome: RegressionOutcome, test?: TestName, footnotes?: ReadonlyMap<string, string>): string {
  const values =
    outcome.againstValue === null || outcome.currentValue === null
      ? ''
      : `${formatMetric(outcome.metric, outcome.againstValue, test)} → ${formatMetric(outcome.metric, outcome.currentValue, test)}, `;
  const bounds = formatBounds(outcome);
  // "within tolerance (−3.79%)" names its change already
  const change = outcome.change === null ? '' : `${isWithinTolerance(outcome) ? '' : ` ${formatOutcomeChange(outcome)}`}${bounds === '' ? '' : ` ${bounds}`}`;
  const opposite = oppositeChangeNote(outcome);
  // a regression says why beside it, from the evidence's stated rules
  const why = (outcome.verdict === 'regressed' || outcome.verdict === 'accepted') && outcome.evidence !== undefined ? ` — ${outcome.evidence.reading}` : '';
  return `${outcome.metric} ${verdictWords(outcome)}${change} vs ${againstWords(outcome)} (${values}tolerance ${formatTolerance(outcome)}; ${formatEvidence(outcome, footnotes)}${opposite === undefined ? '' : `; ${opposite}`})${why}`;
}

/** How a same-run comparison is judged, in two sentences every report shares. */
export const AB_METHOD = `Each candidate was measured interleaved with its control: round after round, one run of every arm in a seeded random order, so a machine that slows down slows both alike. The verdict and the change are judged on the per-round paired ratios (the change is their Hodges–Lehmann estimate — the median of the averages of every pair of them — which can differ from the ratio of the two arms' medians): regressed = worse beyond the tolerance and a one-sided Wilcoxon signed-rank test p ≤ ${SIGNIFICANCE_LEVEL} (valid because the arms' order is random in every round); unchanged = the ${(1 - SIGNIFICANCE_LEVEL) * 100}% bound on the change is inside the tolerance; inconclusive = neither (its note says what would decide it). With repeat { min, max } the looks after each round share α, so measuring until decided raises no more false alarms than one look.`;

/** What a baseline comparison's change is, since it need not be the ratio of the two medians shown beside it. */
export const BASELINE_CHANGE =
  'The change is the Hodges–Lehmann estimate, the median of the ratios of every run here to every baseline run: with noisy runs it can differ from the ratio of the two medians shown.';

/** How a comparison with a stored baseline is judged. */
export function baselineMethod(alpha: number): string {
  return `Regressed = worse beyond the group's tolerance and a one-sided Mann–Whitney U test on the runs at α = ${alpha}; unchanged = the ${(1 - alpha) * 100}% bound on the change is inside the tolerance; inconclusive = neither. ${BASELINE_CHANGE}`;
}

/** How a comparison with the history is judged. */
export function historyMethod(alpha: number = SIGNIFICANCE_LEVEL): string {
  return `Each case's median is judged against the medians of the newest ${HISTORY_WINDOW} earlier runs (of a machine like this one when there are at least ${MIN_LEARNING_ENTRIES}, else of every machine): regressed = worse beyond the tolerance and a one-sided Student-t prediction test on log values at α = ${alpha}; the tolerance is the larger of the group's percentage and the band learned from the history's run-to-run changes (Q3 + ${FENCE_IQRS}·IQR of up to ${LEARNING_WINDOW} entries; \`auto\` at least ${MIN_AUTO_BAND * 100}%); unchanged = the ${(1 - alpha) * 100}% prediction bound on the change is inside it; inconclusive = neither.`;
}

/** The history a run was judged against, in one sentence. */
export function describeHistory(history: HistoryComparison): string {
  const newest =
    history.latestDate === undefined
      ? ''
      : `, newest from ${history.latestDate}${history.latestCommit === undefined ? '' : ` (commit ${history.latestCommit.slice(0, 8)})`}`;
  return `History ${history.file}: ${plural(history.entries, 'entry', 'entries')}, ${history.sameFingerprintEntries} from a machine like this one${newest}.`;
}

/** "The whole group pr/bulk moved −31.0% in throughput against the baseline (12 of 12 compared cases): …". */
export function describeShift(shift: CommonModeShift): string {
  return `the whole group ${shift.group} moved ${formatJudged(shift.metric, shift.change)} in ${shift.metric} against the ${shift.source} (${shift.ids.size} of ${plural(shift.cases, 'compared case')} together): one cause hit every case alike, most often the machine or the setup; check the differences listed with the ${shift.source} before the code`;
}

/** What each verdict means, in words (report.html shows verdicts as words, and needs no emoji font). */
export const VERDICT_MEANINGS =
  'unchanged: within the tolerance (improved: better beyond it) · within tolerance (its change): significantly worse, but by less than the tolerance · inconclusive: the noise is too large to tell at this tolerance · regressed: worse beyond the tolerance, and significant · not compared: a side has no value';

/** The legend under every comparison table of report.md. */
export const VERDICT_LEGEND =
  '✅ unchanged (within the tolerance; 🟢 improved beyond it) · ✅ within tolerance (its change): significantly worse, but by less than the tolerance · ❔ inconclusive (the noise is too large to tell at this tolerance) · ❌ regressed · ➖ not compared';

/** What `accepted` means, added to the legend and the meanings of a table that has one. */
export const ACCEPTED_MEANING = {
  legend: '☑️ accepted (regressed, but an accept: entry of the suite covers it for now: it passes, its reason beside it)',
  words: 'accepted: regressed, but an accept: entry of the suite covers it until its day or commit (it passes; its reason is shown)',
} as const;

/** A list of ids for prose, the first `max` of them and a count of the rest; `quote` is '`' for Markdown, '' for plain text. */
export function listIds(ids: readonly string[], max = 20, quote = '`'): string {
  const shown = ids.slice(0, max).map((id) => `${quote}${id}${quote}`);
  return ids.length > max ? `${shown.join(', ')} and ${ids.length - max} more` : shown.join(', ');
}

/** What joining shards got wrong, one sentence each (nothing when the join was clean or there was none). */
export function mergeNotes(result: RunResult, quote = '`'): string[] {
  const merge = result.merge;
  if (merge === undefined) return [];
  const notes: string[] = [];
  if (merge.missingShards.length > 0)
    notes.push(`${merge.missingShards.length === 1 ? 'Shard' : 'Shards'} ${merge.missingShards.join(', ')} sent no results; this run is incomplete.`);
  if (merge.missingCases.length > 0)
    notes.push(`${plural(merge.missingCases.length, 'planned case is', 'planned cases are')} missing: ${listIds(merge.missingCases, 20, quote)}.`);
  if (merge.duplicateCases.length > 0)
    notes.push(
      `${plural(merge.duplicateCases.length, 'case')} came from more than one file (the first copy is shown): ${listIds(merge.duplicateCases, 20, quote)}.`,
    );
  return notes;
}

/** A deepest dip, as the tables print it: `−38.2% at 1.8 s (run 3)`. */
export function formatDip(dip: Dip): string {
  return `${formatChange(dip.change * 100)} at ${formatSignificant(dip.t)} s (run ${dip.run})`;
}

/** The heading of the deepest-dip column, and what it means. */
export const DIP_HEADING = 'deepest interim dip';
export const DIP_MEANING = 'the lowest interim result (interval:) against the mean of its run, over all runs';

/** What a latency-under-load table shows, flent-style. */
export const LOAD_FLOWS_MEANING =
  "Who got the link: each loaded case's load flows, what each carried (its streams summed, the median of the runs) and its share of its direction (up: TCP_STREAM and UDP_STREAM, down: TCP_MAERTS). load_fairness is Jain's index over each direction's streams, the lower of the two: 1 is equal shares, 1/n one stream taking all.";

export const UNDER_LOAD_MEANING =
  'What the link does to latency when it is full: each row is one request/response case measured idle and again while bulk streams (the load) ran to the same server. Load throughput is what those streams carried over their whole run (from 1 s before the measured test to 1 s after it); a change for the worse is marked (a measurement, not a verdict: only thresholds and regressions fail a case), and one beyond +100% is given as a factor (×14: 14 times the idle value).';
