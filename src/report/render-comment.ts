import type { RegressionOutcome, RunResult } from '../model/results.js';
import { plural } from '../model/words.js';
import { verdictOf } from '../results/verdict.js';
import {
  COMPARISON_COLUMNS,
  comparisonCell,
  comparisonHeading,
  comparisonView,
  type ComparisonRow,
  type ComparisonView,
  writeProse,
} from './comparison-view.js';
import { failuresOf } from './failure-view.js';
import { isRegression } from './evidence-view.js';
import { cell, code, MARKDOWN_PROSE } from './markdown-text.js';
import { describeFailure, footnoteLines } from './report-text.js';
import { VERDICT_MARK } from './render-markdown.js';

/** GitHub refuses an issue comment longer than this many characters. */
export const MAX_COMMENT_CHARS = 65_536;

/** Where the comment links to: the workflow run (its job summary) and the uploaded reports. */
export interface CommentLinks {
  readonly summary?: string;
  readonly reports?: string;
}

/**
 * The hidden line that finds the comment again on the next push: one comment per set of suites, so two workflows that
 * run different suites on one pull request keep a comment each. `--` cannot stand inside an HTML comment.
 */
export function commentMarker(result: Pick<RunResult, 'suites'>): string {
  const names = [...new Set(result.suites.map((s) => s.name))].sort();
  return `<!-- perfsuite comment: ${names.join(' ').replaceAll('--', '- -')} -->`;
}

/** The order rows are listed in: what fails first, what is accepted last; unchanged ones are left to the reports. */
const LISTED: readonly RegressionOutcome['verdict'][] = ['regressed', 'inconclusive', 'not-compared', 'accepted'];

/**
 * The evidence of an entry in one line (`counters: retransmissions 0 → 12; differs: link rate 100mbit → 90mbit`), ''
 * without: the counters that moved and the settings that differ. A regressed row's reading is in its evidence cell
 * already (comparisonCell), so only the other verdicts lead with it here.
 */
export function evidenceLine(outcome: RegressionOutcome): string {
  const { evidence } = outcome;
  if (evidence === undefined) return '';
  const text = (value: number | string | null): string => (typeof value === 'number' ? String(Number(value.toPrecision(4))) : (value ?? '—'));
  const moved = evidence.counters
    .filter((c) => c.verdict === 'regressed' || c.against !== c.current)
    .map((c) => `${c.metric} ${text(c.against)} → ${text(c.current)}`);
  const differs = evidence.differences.map((d) => `${d.what} ${d.against || '(none)'} → ${d.current || '(none)'}`);
  return [
    ...(isRegression(outcome) || evidence.reading === '' ? [] : [evidence.reading]),
    ...(moved.length === 0 ? [] : [`counters: ${moved.join(', ')}`]),
    ...(differs.length === 0 ? [] : [`differs: ${differs.join(', ')}`]),
  ].join('; ');
}

/**
 * The pull-request comment (docs/ci.md, "A comment on the pull request"): the hidden marker, the verdict naming the
 * suites, the comparisons that are not plainly fine (regressed, inconclusive, not compared, accepted — with their
 * evidence where the results carry it), the failed thresholds and unmeasured cases, and links to the job summary and
 * the reports. Under `maxChars` (GitHub's limit), rows past it are left out with a note saying so.
 */
export function renderComment(result: RunResult, links: CommentLinks = {}, maxChars: number = MAX_COMMENT_CHARS): string {
  const verdict = verdictOf(result);
  const suites = [...new Set(result.suites.map((s) => s.name))];
  const view = comparisonView(result);
  const rows = LISTED.flatMap((v) => (view?.rows ?? []).filter((row) => row.outcome.verdict === v));
  const withEvidence = rows.some((row) => evidenceLine(row.outcome) !== '');
  const columns = COMPARISON_COLUMNS.filter((c) => c !== 'case');
  const header =
    view === undefined || rows.length === 0
      ? []
      : [
          `| case | ${columns.map((c) => comparisonHeading(view, c)).join(' | ')}${withEvidence ? ' | why' : ''} |`,
          `|${['case', ...columns, ...(withEvidence ? ['why'] : [])].map(() => '---').join('|')}|`,
        ];
  const tableRows = rows.map((row) => tableRow(row, columns, withEvidence));
  const failures = failuresOf(result)
    .filter((f) => f.kind !== 'regression')
    .map((f) => `- ${code(f.case.id)}: ${describeFailure(f)}`);
  const unchanged = (view?.rows ?? []).length - rows.length;
  const head = [commentMarker(result), `### ${VERDICT_MARK[verdict.outcome]} perfsuite (${suites.join(', ')}): ${verdict.headline}`, ''].join('\n');
  const foot = [
    '',
    ...(unchanged > 0 ? [`${plural(unchanged, 'more compared metric is', 'more compared metrics are')} unchanged.`, ''] : []),
    linksLine(links, result),
    '',
    `<sub>perfsuite ${result.environment.perfsuiteVersion}${result.provenance?.commit === undefined ? '' : ` · commit ${result.provenance.commit.slice(0, 12)}`} · started ${result.startedAt} · this comment is updated in place on every run</sub>`,
    '',
  ].join('\n');
  // the lines that may be left out, in order: the table's rows, then the failures
  const body: { readonly line: string; readonly kind: 'row' | 'failure' }[] = [
    ...tableRows.map((line) => ({ line, kind: 'row' as const })),
    ...failures.map((line) => ({ line, kind: 'failure' as const })),
  ];
  const noteReserve = 300;
  let used = head.length + foot.length + header.join('\n').length + noteReserve + 4;
  let kept = 0;
  for (const { line } of body) {
    if (used + line.length + 1 > maxChars) break;
    used += line.length + 1;
    kept += 1;
  }
  const shown = body.slice(0, kept);
  const shownRows = shown.filter((b) => b.kind === 'row').map((b) => b.line);
  const shownFailures = shown.filter((b) => b.kind === 'failure').map((b) => b.line);
  const cut = body.length - kept;
  const sections = [
    head,
    ...(shownRows.length === 0 ? [] : [[...header, ...shownRows].join('\n'), '', ...footnotesOf(view, rows)]),
    ...(shownFailures.length === 0 ? [] : ['**Failed thresholds and cases that could not be measured:**', '', ...shownFailures, '']),
    ...(cut === 0
      ? []
      : [
          `> ✂️ ${plural(cut, 'more line is', 'more lines are')} left out: a comment holds at most ${MAX_COMMENT_CHARS.toLocaleString('en-US')} characters. The job summary and report.md list every one.`,
          '',
        ]),
  ];
  const text = `${sections.join('\n')}${foot}`;
  // only a head or foot larger than the whole budget gets here: cut it, the note last
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 120)}\n\n> ✂️ cut at ${MAX_COMMENT_CHARS.toLocaleString('en-US')} characters\n`;
}

/** The lines stating the methods the listed rows are marked with, once each. */
function footnotesOf(view: ComparisonView | undefined, rows: readonly ComparisonRow[]): string[] {
  const marks = new Set(rows.map((row) => row.mark));
  const used = new Map([...(view?.footnotes ?? [])].filter(([, mark]) => marks.has(mark)));
  return used.size === 0 ? [] : [footnoteLines(used).join('  \n'), ''];
}

function tableRow(row: ComparisonRow, columns: readonly (typeof COMPARISON_COLUMNS)[number][], withEvidence: boolean): string {
  const prose = (column: (typeof COMPARISON_COLUMNS)[number]): string => {
    const { text, aside } = comparisonCell(row, column);
    return `${cell(writeProse(text, MARKDOWN_PROSE))}${aside === undefined ? '' : ` (${cell(aside)})`}`;
  };
  const mark =
    row.outcome.verdict === 'regressed' ? '❌ ' : row.outcome.verdict === 'inconclusive' ? '❔ ' : row.outcome.verdict === 'accepted' ? '☑️ ' : '➖ ';
  // no list of inconclusive comparisons stands above this table: what would decide one is said in its row
  const decide = row.decideAbove && row.decide !== undefined ? `; ${cell(row.decide)}` : '';
  const cells = [code(row.case.id), ...columns.map((c) => (c === 'verdict' ? `${mark}${prose(c)}` : c === 'evidence' ? `${prose(c)}${decide}` : prose(c)))];
  if (withEvidence) cells.push(cell(evidenceLine(row.outcome)) || '—');
  return `| ${cells.join(' | ')} |`;
}

/** The links under the comment: the run's job summary, and the reports uploaded with it. */
function linksLine(links: CommentLinks, result: RunResult): string {
  const parts = [
    ...(links.summary === undefined ? [] : [`[Job summary](${links.summary})`]),
    ...(links.reports === undefined ? [] : [`[Reports (report.html, junit.xml, results.json)](${links.reports})`]),
  ];
  return parts.length === 0 ? `Run ${result.provenance?.ciRunId ?? 'outside CI'}: the reports are beside its results.json.` : parts.join(' · ');
}
