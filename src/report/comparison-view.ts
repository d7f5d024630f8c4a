import type { MetricName } from '../model/metrics.js';
import type { CaseResult, Comparison, ComparisonSource, HistoryComparison, RegressionOutcome, RunResult, SetupDifference } from '../model/results.js';
import { explainedCases, type ExplainedCase, isRegression } from './evidence-view.js';
import { plural } from '../model/words.js';
import { allCases, nothingComparedOf } from '../results/verdict.js';
import { formatMetric } from '../model/format-metric.js';
import {
  AB_METHOD,
  acceptanceNote,
  baselineMethod,
  describeHistory,
  describeShift,
  evidenceFootnotes,
  evidenceMethod,
  formatBounds,
  formatEvidence,
  formatOutcomeChange,
  formatTolerance,
  historyMethod,
  inconclusiveNote,
  oppositeChangeNote,
  verdictWords,
} from './report-text.js';
import { defined } from '../model/defined.js';

/*
 * The comparison against a control, a baseline or a history, laid out once: the console, report.md and report.html
 * each only write it in their own markup (hyperfine's MarkupExporter: the table is laid out once, a format supplies
 * its rows and how it quotes code).
 */

/** A compared metric of a case. */
export interface ComparedMetric {
  readonly case: CaseResult;
  readonly outcome: RegressionOutcome;
}

/** Every compared metric of the run, in run order. */
export function comparedMetrics(result: RunResult): ComparedMetric[] {
  return allCases(result).flatMap((c) => (c.regressions ?? []).map((outcome) => ({ case: c, outcome })));
}

/** The inconclusive comparisons a report lists above its comparison table, each with what would decide it. */
const MAX_LISTED_INCONCLUSIVE = 20;

/** The inconclusive comparisons a report lists above its comparison table (the first 20). */
function listedInconclusive(compared: readonly ComparedMetric[]): ComparedMetric[] {
  return compared.filter(({ outcome }) => outcome.verdict === 'inconclusive').slice(0, MAX_LISTED_INCONCLUSIVE);
}

/** A whole group that moved together against a baseline or history: one sentence instead of a line per case. */
export interface CommonModeShift {
  readonly group: string;
  readonly source: 'baseline' | 'history';
  readonly metric: MetricName;
  /** The median change of the group's compared cases (relative, points for loss). */
  readonly change: number;
  readonly cases: number;
  /** The compared cases this sentence stands for. */
  readonly ids: ReadonlySet<string>;
  /** The `regression:` entry of the group, to point at. */
  readonly file: string;
  readonly line: number;
}

/** Fewest compared cases a group needs before "the whole group moved" can be said of it. */
const COMMON_MODE_MIN_CASES = 3;

/**
 * Groups (per suite) in which at least 80% of the cases compared on a metric moved the same way, by similar amounts
 * (every change within half the median change of it), beyond the tolerance: a machine or setup that changed, not a
 * code change per case (docs/judging.md, "History and provenance"). Same-run comparisons are never grouped: their
 * control shares the machine.
 */
export function commonModeShifts(result: RunResult): CommonModeShift[] {
  const byGroup = new Map<
    string,
    {
      group: string;
      source: 'baseline' | 'history';
      metric: MetricName;
      file: string;
      line: number;
      items: { id: string; change: number; tolerance: number }[];
    }
  >();
  for (const suite of result.suites) {
    for (const c of suite.cases) {
      for (const r of c.regressions ?? []) {
        if (r.source === 'control' || r.change === null) continue;
        const key = `${suite.name}\0${c.group}\0${r.source}\0${r.metric}`;
        const entry = byGroup.get(key) ?? { group: `${suite.name}/${c.group}`, source: r.source, metric: r.metric, file: r.file, line: r.line, items: [] };
        entry.items.push({ id: c.id, change: r.change, tolerance: r.tolerance });
        byGroup.set(key, entry);
      }
    }
  }
  const shifts: CommonModeShift[] = [];
  for (const { group, source, metric, file, line, items } of byGroup.values()) {
    if (items.length < COMMON_MODE_MIN_CASES) continue;
    const changes = items.map((i) => i.change).sort((a, b) => a - b);
    const middle = changes[Math.floor(changes.length / 2)] ?? 0;
    const tolerance = Math.min(...items.map((i) => i.tolerance));
    if (Math.abs(middle) <= tolerance) continue;
    const together = items.filter((i) => Math.sign(i.change) === Math.sign(middle) && Math.abs(i.change - middle) <= Math.abs(middle) / 2);
    if (together.length < 0.8 * items.length) continue;
    shifts.push({ group, source, metric, change: middle, cases: items.length, ids: new Set(together.map((i) => i.id)), file, line });
  }
  return shifts;
}

/** Text with code spans and lists of case ids, which each format quotes its own way (backticks, <code>, nothing). */
export type Inline = string | { readonly code: string } | { readonly ids: readonly string[] };
export type Prose = readonly Inline[];

/** How a format writes prose: how it quotes code, escapes the rest, and how many ids of a list it names. */
export interface ProseMarkup {
  readonly code: (text: string) => string;
  readonly text: (text: string) => string;
  readonly maxIds: number;
}

/** Prose in one format's markup; a list of ids past `maxIds` ends "and 3 more". */
export function writeProse(prose: Prose, markup: ProseMarkup): string {
  return prose
    .map((part) => {
      if (typeof part === 'string') return markup.text(part);
      if ('code' in part) return markup.code(part.code);
      const shown = part.ids.slice(0, markup.maxIds).map(markup.code).join(', ');
      return part.ids.length > markup.maxIds ? `${shown} and ${part.ids.length - markup.maxIds} more` : shown;
    })
    .join('');
}

/** A line about the comparison: a setup that differs, cases on one side only, a group that moved as one, nothing compared, the inconclusive ones. */
export interface ComparisonNote {
  /** `info` is said, a `warning` flagged, a `failure` is why the run fails. */
  readonly tone: 'info' | 'warning' | 'failure';
  /** What it is about, set in bold by the reports: "The machine or setup differs from the baseline's:". */
  readonly lead?: string;
  /** The rest of the line. */
  readonly text: Prose;
  /** A sentence after it the reports add; the console, one line per note, leaves it out. */
  readonly advice?: string;
  /** A list under the line (the inconclusive comparisons, each with what would decide it). */
  readonly items?: readonly Prose[];
}

/** What was compared against one source: its heading, what it was and how it was judged, and its notes. */
export interface ComparisonSection {
  readonly source: ComparisonSource;
  /** "Compared with the baseline", "Compared with the control, in the same run". */
  readonly heading: string;
  /** What was compared and how it was judged: "Baseline `results.json` from … . Regressed = …". */
  readonly about: Prose;
  /** Setup differences, baseline cases not run, cases without a baseline, nothing compared, groups that moved as one. */
  readonly notes: readonly ComparisonNote[];
}

/** One compared metric, as every format shows it. */
export interface ComparisonRow {
  readonly case: CaseResult;
  readonly outcome: RegressionOutcome;
  /** The verdict in words: `regressed`, `improved`, `within tolerance (−3.79%)`, `not compared`. */
  readonly verdict: string;
  /** What it was compared with: the control (its id), `baseline` or `history`. */
  readonly against: Prose;
  /** The medians of the two sides as the metric prints; undefined for a side without one. */
  readonly againstValue?: string;
  readonly currentValue?: string;
  /** The change judged (`−16.7%`, `+0.21 pp`, `—`) and its bounds (`[−19.0%, −14.3%]`, '' without). */
  readonly change: string;
  readonly bounds: string;
  /** Why the change reads the other way from the two medians beside it, where it does. */
  readonly opposite?: string;
  readonly tolerance: string;
  /** The statistics without the method (`p = 0.004, 5 vs 5 runs`), or why nothing was compared. */
  readonly stats: string;
  /** The footnote mark of the method (ComparisonView.footnotes); '' when nothing was judged. */
  readonly mark: string;
  /** What would decide an inconclusive comparison. */
  readonly decide?: string;
  /** The `accept:` entry that covered a regression: in force, or ended (acceptanceNote). */
  readonly acceptance?: string;
  /** Whether `decide` is said in the inconclusive note above the table, so the table leaves it out. */
  readonly decideAbove: boolean;
  /** Whether the case moved with its whole group, which a note says once. */
  readonly inShift: boolean;
  /** For a regressed (or accepted) metric: the reading of its evidence (`loss: retransmissions rose 0 → 12 segments per run`), shown beside the verdict. */
  readonly why?: string;
}

/** The comparison of a run: a section per source, notes on them all, and a row per compared metric. */
export interface ComparisonView {
  /** Control, baseline, history: those the run was compared with. */
  readonly sections: readonly ComparisonSection[];
  /** Notes on every source at once, after the sections: the inconclusive comparisons. */
  readonly notes: readonly ComparisonNote[];
  /** Every compared metric, in run order. */
  readonly rows: readonly ComparisonRow[];
  /** A mark per method the rows were judged by (`one-sided Mann–Whitney U, α = 0.01` → `¹`), stated once under the table. */
  readonly footnotes: ReadonlyMap<string, string>;
  /** Each regressed case with its evidence, once per source, but those that moved with their whole group (the first MAX_EXPLAINED_CASES). */
  readonly explained: readonly ExplainedCase[];
  /** Regressed cases with evidence beyond those. */
  readonly moreExplained: number;
}

const SECTION_HEADINGS: Readonly<Record<ComparisonSource, string>> = {
  control: 'Compared with the control, in the same run',
  baseline: 'Compared with the baseline',
  history: 'Compared with the history',
};

/** The comparison of a run, or undefined when it was compared with nothing. */
export function comparisonView(result: RunResult): ComparisonView | undefined {
  const compared = comparedMetrics(result);
  const { comparison, history } = result;
  if (compared.length === 0 && comparison === undefined && history === undefined) return undefined;
  const shifts = commonModeShifts(result);
  const footnotes = evidenceFootnotes(compared.map(({ outcome }) => outcome));
  const above = new Set(listedInconclusive(compared).map(({ outcome }) => outcome));
  const rows = compared.map(({ case: c, outcome }) =>
    comparisonRow(
      c,
      outcome,
      footnotes,
      above.has(outcome),
      shifts.some((s) => s.source === outcome.source && s.metric === outcome.metric && s.ids.has(c.id)),
    ),
  );
  const sourceNotes = (source: 'baseline' | 'history'): ComparisonNote[] => [
    ...nothingComparedNotes(result, source, compared),
    ...shifts.filter((s) => s.source === source).map(shiftNote),
  ];
  const sections: ComparisonSection[] = [];
  if (compared.some(({ outcome }) => outcome.source === 'control'))
    sections.push({ source: 'control', heading: SECTION_HEADINGS.control, about: controlAbout(result.seed), notes: [] });
  if (comparison !== undefined) {
    sections.push({
      source: 'baseline',
      heading: SECTION_HEADINGS.baseline,
      about: baselineAbout(comparison),
      notes: [...baselineNotes(comparison), ...sourceNotes('baseline')],
    });
  }
  if (history !== undefined) {
    sections.push({
      source: 'history',
      heading: SECTION_HEADINGS.history,
      about: [`${describeHistory(history)} ${historyMethod()}`],
      notes: [...historyNotes(history), ...sourceNotes('history')],
    });
  }
  // a case that moved with its whole group is said once, by the group's note (its differences are the run's)
  const explained = explainedCases(rows.filter((row) => !row.inShift));
  return {
    sections,
    notes: [...inconclusiveNotes(result, compared), ...acceptedNotes(compared)],
    rows,
    footnotes,
    explained: explained.slice(0, MAX_EXPLAINED_CASES),
    moreExplained: Math.max(0, explained.length - MAX_EXPLAINED_CASES),
  };
}

/** Past this many regressed cases, reports give no more evidence tables (results.json keeps every case's evidence). */
const MAX_EXPLAINED_CASES = 20;
function againstProse(outcome: RegressionOutcome): Prose {
  return outcome.source === 'control' ? ['control ', { code: outcome.against }] : [outcome.source];
}

function comparisonRow(c: CaseResult, r: RegressionOutcome, footnotes: ReadonlyMap<string, string>, decideAbove: boolean, inShift: boolean): ComparisonRow {
  const value = (v: number | null): string | undefined => (v === null ? undefined : formatMetric(r.metric, v, c.params.test));
  const method = evidenceMethod(r);
  const againstValue = value(r.againstValue);
  const currentValue = value(r.currentValue);
  const opposite = oppositeChangeNote(r);
  return {
    case: c,
    outcome: r,
    verdict: verdictWords(r),
    against: againstProse(r),
    ...defined({ againstValue, currentValue }),
    change: formatOutcomeChange(r),
    bounds: formatBounds(r),
    ...defined({ opposite }),
    tolerance: formatTolerance(r),
    // the method stands behind a mark, stated once under the table (or in the section's own words on the console)
    stats: formatEvidence(r, new Map(method === undefined ? [] : [[method, '']]), { inconclusiveNote: false, acceptance: false }),
    mark: (method === undefined ? undefined : footnotes.get(method)) ?? '',
    ...defined({ acceptance: acceptanceNote(r) }),
    ...(r.verdict === 'inconclusive' && r.note !== undefined ? { decide: r.note } : {}),
    decideAbove,
    inShift,
    ...(isRegression(r) && r.evidence !== undefined ? { why: r.evidence.reading } : {}),
  };
}

/** How a same-run comparison was judged, and the seed that reproduces its order. */
function controlAbout(seed: number | undefined): Prose {
  return [AB_METHOD, ...(seed === undefined ? [] : [` Order seed ${seed} (`, { code: `--seed ${seed}` }, ' reproduces it).'])];
}

function baselineAbout(comparison: Comparison): Prose {
  return ['Baseline ', { code: comparison.baselineFile }, ` from ${comparison.baselineStartedAt}. ${baselineMethod(comparison.alpha)}`];
}

/** The machine or setup fields that differ from the other side's: `kernel `6.1` → `6.18``, an empty side `(none)`. */
function differencesNote(differences: readonly SetupDifference[], whose: string): ComparisonNote[] {
  if (differences.length === 0) return [];
  const side = (value: string): Inline => (value === '' ? '(none)' : { code: value });
  const text = differences.flatMap((d, i): Inline[] => [i === 0 ? `${d.field} ` : `, ${d.field} `, side(d.baseline), ' → ', side(d.current)]);
  return [
    { tone: 'warning', lead: `The machine or setup differs from ${whose}:`, text, advice: 'The figures were compared anyway; read them with that in mind.' },
  ];
}

function baselineNotes(comparison: Comparison): ComparisonNote[] {
  const { missingCases, newCases } = comparison;
  return [
    ...differencesNote(comparison.environmentDifferences, "the baseline's"),
    ...(missingCases.length === 0
      ? []
      : [{ tone: 'warning' as const, text: [`${plural(missingCases.length, 'baseline case')} not run: `, { ids: missingCases }] }]),
    ...(newCases.length === 0 ? [] : [{ tone: 'info' as const, text: [`${plural(newCases.length, 'case')} without a baseline: `, { ids: newCases }] }]),
  ];
}

function historyNotes(history: HistoryComparison): ComparisonNote[] {
  return differencesNote(history.environmentDifferences, "the newest history entry's");
}

/** Why nothing was compared against a source: no `regression:` block at all, or a gate that judged no metric. */
function nothingComparedNotes(result: RunResult, source: 'baseline' | 'history', compared: readonly ComparedMetric[]): ComparisonNote[] {
  const notes: ComparisonNote[] = [];
  // said by the cases' tolerances, not their outcomes: a case that errored or never ran has its group's block, and no outcome
  const hasTolerances = allCases(result).some((c) => (c.regression ?? []).length > 0);
  if (!hasTolerances && !compared.some(({ outcome }) => outcome.source === source)) {
    notes.push({
      tone: 'warning',
      lead: 'Nothing was compared:',
      text: ['no group of these suites has a ', { code: 'regression:' }, ' block (like ', { code: 'regression: { throughput: 5% }' }, ')'],
    });
  }
  for (const n of nothingComparedOf(result).filter((n) => n.source === source)) {
    notes.push(
      n.warnOnly
        ? { tone: 'warning', lead: 'Nothing compared (a warning: --missing-baseline warn):', text: [n.reason] }
        : { tone: 'failure', lead: 'Nothing compared, so the run fails:', text: [`${n.reason} (--missing-baseline warn makes this a warning)`] },
    );
  }
  return notes;
}

function shiftNote(shift: CommonModeShift): ComparisonNote {
  const sentence = describeShift(shift);
  return { tone: 'warning', lead: `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`, text: [] };
}

/** The inconclusive comparisons, each with what would decide it and where its tolerance is (the first 20). */
function inconclusiveNotes(result: RunResult, compared: readonly ComparedMetric[]): ComparisonNote[] {
  const count = compared.filter(({ outcome }) => outcome.verdict === 'inconclusive').length;
  if (count === 0) return [];
  const listed = listedInconclusive(compared);
  const items: Prose[] = listed.map(({ case: c, outcome }) => [
    { code: c.id },
    ` ${outcome.metric}: ${inconclusiveNote(outcome)} (${outcome.file}:${outcome.line})`,
  ]);
  if (count > listed.length) items.push([`and ${count - listed.length} more`]);
  const failed = result.failOnInconclusive === true;
  return [
    {
      tone: failed ? 'failure' : 'warning',
      lead: `${plural(count, 'comparison is', 'comparisons are')} inconclusive`,
      text: [failed ? '(failed by --fail-on-inconclusive):' : '(a warning, not a failure):'],
      items,
    },
  ];
}

/** The regressions an `accept:` entry covers, listed apart from the unchanged ones with their reasons; then the ones whose acceptance ended. */
function acceptedNotes(compared: readonly ComparedMetric[]): ComparisonNote[] {
  const item = ({ case: c, outcome }: ComparedMetric): Prose => [{ code: c.id }, ` ${outcome.metric}: ${acceptanceNote(outcome) ?? ''}`];
  const accepted = compared.filter(({ outcome }) => outcome.verdict === 'accepted');
  const ended = compared.filter(({ outcome }) => outcome.verdict === 'regressed' && outcome.acceptance !== undefined);
  return [
    ...(accepted.length === 0
      ? []
      : [
          {
            tone: 'info' as const,
            lead: `${plural(accepted.length, 'regression is', 'regressions are')} accepted`,
            text: ['(they pass until the day or the commit each names):'],
            items: accepted.map(item),
          },
        ]),
    ...(ended.length === 0
      ? []
      : [
          {
            tone: 'failure' as const,
            lead: `${plural(ended.length, 'accepted regression fails', 'accepted regressions fail')} again`,
            text: ['(the acceptance ended):'],
            items: ended.map(item),
          },
        ]),
  ];
}

/** The columns of the comparison table, in order. */
export const COMPARISON_COLUMNS = ['verdict', 'case', 'metric', 'against', 'values', 'current', 'change', 'tolerance', 'evidence'] as const;
export type ComparisonColumn = (typeof COMPARISON_COLUMNS)[number];

/** Columns of figures, which formats align right; the rest are text. */
export const FIGURE_COLUMNS: ReadonlySet<ComparisonColumn> = new Set(['values', 'current', 'change', 'tolerance']);

/** A column's heading; the other side's values are headed by the sources the table holds (`baseline`, `control / history`). */
export function comparisonHeading(view: ComparisonView, column: ComparisonColumn): string {
  if (column === 'values')
    return (['control', 'baseline', 'history'] as const).filter((source) => view.rows.some((row) => row.outcome.source === source)).join(' / ');
  return column === 'change' ? 'change [bounds]' : column;
}

/** A cell of the comparison table: its prose and, for the change, why it reads the other way from the medians (beside or under it). */
export function comparisonCell(row: ComparisonRow, column: ComparisonColumn): { readonly text: Prose; readonly aside?: string } {
  switch (column) {
    case 'verdict':
      return { text: [row.verdict] };
    case 'case':
      return { text: [{ code: row.case.id }] };
    case 'metric':
      return { text: [row.outcome.metric] };
    case 'against':
      return { text: row.against };
    case 'values':
      return { text: [row.againstValue ?? '—'] };
    case 'current':
      return { text: [row.currentValue ?? '—'] };
    case 'change':
      return { text: [row.bounds === '' ? row.change : `${row.change} ${row.bounds}`], ...defined({ aside: row.opposite }) };
    case 'tolerance':
      return { text: [row.tolerance] };
    case 'evidence':
      // what would decide an inconclusive comparison is said once, in the note above the table where it is listed; a
      // regressed one says why beside its statistics
      return {
        text: [
          `${row.stats}${row.mark}${row.acceptance === undefined ? '' : `; ${row.acceptance}`}${row.decide === undefined || row.decideAbove ? '' : `; ${row.decide}`}${row.why === undefined ? '' : ` · ${row.why}`}`,
        ],
      };
  }
}
