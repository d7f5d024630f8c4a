import { formatMetric } from '../model/format-metric.js';
import { type MetricName, measureInfo } from '../model/metrics.js';
import type { CaseResult, ComparisonSource, CounterOutcome, Evidence, RegressionOutcome } from '../model/results.js';
import type { TestName } from '../model/test-types.js';
import { formatJudged } from './report-text.js';

/*
 * The evidence beside a regression (docs/judging.md, "Evidence: why it regressed"), laid out once for the console,
 * report.md, report.html and JUnit: the reading, a row per counter and per setting that differs.
 */

/** A regressed case of one source with its evidence: the small table reports show under the comparison table. */
export interface ExplainedCase {
  readonly case: CaseResult;
  readonly source: ComparisonSource;
  /** What it was compared with: the control's id, the baseline file, the history file. */
  readonly against: string;
  /** The metrics that regressed. */
  readonly metrics: readonly MetricName[];
  readonly evidence: EvidenceView;
}

/** A comparison's evidence as every format shows it: the reading, then a row per counter and per setting that differs. */
export interface EvidenceView {
  readonly reading: string;
  readonly cause: Evidence['cause'];
  readonly rows: readonly EvidenceRow[];
  /** Settings that differ beyond the rows shown (MAX_EVIDENCE_SETTINGS). */
  readonly moreSettings: number;
}

/** One row of an evidence table: a counter (its two medians, change and verdict) or a setting that differs. */
export interface EvidenceRow {
  readonly kind: 'counter' | 'setting';
  /** The counter's name, or the setting (`link`, `net.ipv4.tcp_rmem (server side)`). */
  readonly what: string;
  /** The other side's value and this side's, as they print; `(none)` for a side without one. */
  readonly against: string;
  readonly current: string;
  /** A counter's change (`+12 segments`, `−3.45%`); '' for a setting. */
  readonly change: string;
  /** `rose`, `fell`, `unchanged`, `inconclusive`, `not compared`; `differs` for a setting. */
  readonly verdict: string;
  /** A counter that moved the bad way (verdict regressed), which reports mark. */
  readonly worse: boolean;
}

/** An evidence table lists at most this many settings that differ, and counts the rest. */
const MAX_EVIDENCE_SETTINGS = 12;

/** A case's regressions with their evidence, once per source. */
export function explainedOf(c: CaseResult): ExplainedCase[] {
  return explainedCases((c.regressions ?? []).map((outcome) => ({ case: c, outcome })));
}

/** Each regressed case with evidence (an accepted regression too: accepted, it is still one), once per source, in run order. */
export function explainedCases(compared: readonly { readonly case: CaseResult; readonly outcome: RegressionOutcome }[]): ExplainedCase[] {
  const byKey = new Map<string, { case: CaseResult; outcome: RegressionOutcome; evidence: Evidence; metrics: MetricName[] }>();
  for (const { case: c, outcome } of compared) {
    if (!isRegression(outcome) || outcome.evidence === undefined) continue;
    const key = `${c.id}\0${outcome.source}`;
    const entry = byKey.get(key) ?? { case: c, outcome, evidence: outcome.evidence, metrics: [] };
    entry.metrics.push(outcome.metric);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ case: c, outcome, evidence, metrics }) => ({
    case: c,
    source: outcome.source,
    against: outcome.against,
    metrics,
    evidence: evidenceView(evidence, c.params.test),
  }));
}

/** A metric that regressed, whether or not an `accept:` entry lets it pass: what the evidence explains. */
export function isRegression(outcome: Pick<RegressionOutcome, 'verdict'>): boolean {
  return outcome.verdict === 'regressed' || outcome.verdict === 'accepted';
}

/** How a counter moved, in words: a count or service demand `rose`, the MSS `fell` (its bad direction), or the good way. */
function counterWords(c: CounterOutcome): string {
  const badWay = measureInfo(c.metric).better === 'lower' ? 'rose' : 'fell';
  const goodWay = badWay === 'rose' ? 'fell' : 'rose';
  if (c.verdict === 'regressed') return badWay;
  if (c.improved === true) return goodWay;
  return c.verdict === 'not-compared' ? 'not compared' : c.verdict;
}

/** A comparison's evidence laid out for every format: the reading, each counter, each setting that differs (the first 12). */
export function evidenceView(evidence: Evidence, test?: TestName): EvidenceView {
  const value = (metric: CounterOutcome['metric'], v: number | null): string => (v === null ? '(none)' : formatMetric(metric, v, test));
  const counters: EvidenceRow[] = evidence.counters.map((c) => ({
    kind: 'counter',
    what: c.metric,
    against: value(c.metric, c.against),
    current: value(c.metric, c.current),
    change: formatJudged(c.metric, c.change),
    verdict: counterWords(c),
    worse: c.verdict === 'regressed',
  }));
  const settings: EvidenceRow[] = evidence.differences.slice(0, MAX_EVIDENCE_SETTINGS).map((d) => ({
    kind: 'setting',
    what: d.what,
    against: d.against === '' ? '(none)' : d.against,
    current: d.current === '' ? '(none)' : d.current,
    change: '',
    verdict: 'differs',
    worse: false,
  }));
  return {
    reading: evidence.reading,
    cause: evidence.cause,
    rows: [...counters, ...settings],
    moreSettings: Math.max(0, evidence.differences.length - MAX_EVIDENCE_SETTINGS),
  };
}

/**
 * A regressed case's evidence as plain text (JUnit's system-out): the reading, then a line per counter and per setting,
 * in aligned columns.
 */
export function evidenceText(explained: ExplainedCase): string {
  const { evidence } = explained;
  const against = explained.source === 'control' ? `control ${explained.against}` : explained.source;
  // the counters in aligned columns; a setting's values (a whole setup command) run as long as they are
  const counters = evidence.rows.filter((row) => row.kind === 'counter');
  const width = (pick: (row: EvidenceRow) => string): number => Math.max(0, ...counters.map((row) => pick(row).length));
  const [before, after, change] = [width((r) => r.against), width((r) => r.current), width((r) => r.change)];
  const what = Math.max(0, ...evidence.rows.map((row) => row.what.length));
  const lines = evidence.rows.map((row) =>
    row.kind === 'counter'
      ? `  ${row.what.padEnd(what)}  ${row.against.padEnd(before)} → ${row.current.padEnd(after)}  ${row.change.padEnd(change)}  ${row.verdict}`
      : `  ${row.what.padEnd(what)}  ${row.against} → ${row.current}  ${row.verdict}`,
  );
  return [
    `why ${explained.metrics.join(', ')} regressed vs ${against}: ${evidence.reading}`,
    ...lines,
    ...(evidence.moreSettings > 0 ? [`  and ${evidence.moreSettings} more settings differ (results.json)`] : []),
  ].join('\n');
}

/** The settings that differ in one line, the first `max`: `link rate 100mbit → rate 90mbit; setup (none) → tc …`. */
export function differencesLine(evidence: EvidenceView, max = 4): string {
  const settings = evidence.rows.filter((row) => row.kind === 'setting');
  const shown = settings.slice(0, max).map((row) => `${row.what} ${row.against} → ${row.current}`);
  const more = settings.length - shown.length + evidence.moreSettings;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
