import type { BisectRecord, BisectStep } from '../run/bisect-search.js';
import { formatDuration } from '../model/format-metric.js';
import { cell, code } from './markdown-text.js';
import { formatJudged } from './report-text.js';
import { escapeHtml } from './svg-charts.js';
import { plural } from '../model/words.js';

/** The views of bisect.json (`perfsuite bisect`): a headline, a line per step, report.md and report.html. */

/** A commit as people read it: its first 12 hex digits. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}

/** The change a step was judged on with its one-sided bounds: `throughput −49.8% [−∞, −47.3%]`; `—` when nothing was compared. */
export function formatStepChange(step: Pick<BisectStep, 'metric' | 'change' | 'lower' | 'upper'>): string {
  if (step.metric === undefined || step.change === null) return '—';
  const metric = step.metric;
  const side = (x: number | undefined, infinite: string): string => (x === undefined ? infinite : formatJudged(metric, x));
  const bounds = step.lower === undefined && step.upper === undefined ? '' : ` [${side(step.lower, '−∞')}, ${side(step.upper, '+∞')}]`;
  return `${metric} ${formatJudged(metric, step.change)}${bounds}`;
}

/** What a step's verdict means for the search. */
function meaning(step: BisectStep): string {
  if (step.verdict === 'regressed') return step.kind === 'confirm' ? 'bad is worse than good' : 'bad';
  if (step.verdict === 'unchanged') return step.kind === 'confirm' ? 'bad is not worse than good' : 'good';
  if (step.verdict === 'skipped') return 'its setup failed';
  return step.verdict === 'inconclusive' ? 'undecided' : 'could not be measured';
}

/** One console line per step: number, commit, subject, verdict, change with bound, rounds, time. */
export function formatStepLine(step: BisectRecord['steps'][number], index: number): string {
  const rounds = step.rounds > 0 ? `  ${plural(step.rounds, 'round')}` : '';
  const note = step.verdict === 'skipped' || step.verdict === 'error' ? `  (${step.note ?? ''})` : '';
  return `step ${index + 1}${step.kind === 'confirm' ? ' (confirm bad)' : ''}  ${shortCommit(step.commit)}  ${step.subject}  ${step.verdict}: ${meaning(step)}  ${formatStepChange(step)}${rounds}  ${formatDuration(step.seconds)}${note}`;
}

/** The verdict of the whole search in one line, with its mark. */
export function bisectHeadline(record: BisectRecord): { readonly mark: string; readonly text: string } {
  switch (record.state) {
    case 'found':
      return { mark: '🎯', text: `first bad commit ${shortCommit(record.firstBad ?? '')}: ${record.firstBadSubject ?? ''}` };
    case 'not-worse':
      return { mark: '✅', text: `bad ${shortCommit(record.bad)} is not worse than good ${shortCommit(record.good)}: nothing to search` };
    case 'undecided':
      return { mark: '⚠️', text: `could not decide${record.reason === undefined ? '' : ` (${record.reason})`}${narrowed(record)}` };
    case 'interrupted':
      return { mark: '⏹️', text: `interrupted after ${plural(record.steps.length, 'step')}${narrowed(record)}` };
    default:
      return { mark: '⏳', text: `${record.state} after ${plural(record.steps.length, 'step')}${narrowed(record)}` };
  }
}

function narrowed(record: BisectRecord): string {
  const range = record.range;
  if (range === undefined) return '';
  return `; the first bad commit is one of ${plural(range.commits.length, 'commit')} after ${shortCommit(range.good)} up to ${shortCommit(range.bad)}`;
}

const COLUMNS = ['step', 'commit', 'subject', 'verdict', 'change [bounds]', 'rounds', 'time', 'results'] as const;

function rowOf(step: BisectRecord['steps'][number], index: number): string[] {
  return [
    `${index + 1}${step.kind === 'confirm' ? ' (confirm)' : ''}`,
    shortCommit(step.commit),
    step.subject,
    `${step.verdict}: ${meaning(step)}`,
    `${formatStepChange(step)}${step.note !== undefined && step.verdict !== 'regressed' && step.verdict !== 'unchanged' ? ` — ${step.note}` : ''}`,
    String(step.rounds),
    formatDuration(step.seconds),
    step.results,
  ];
}

function summaryOf(record: BisectRecord): string {
  const seconds = record.steps.reduce((sum, step) => sum + step.seconds, 0);
  return `good ${shortCommit(record.good)} (${record.goodSubject}) · bad ${shortCommit(record.bad)} (${record.badSubject}) · ${plural(record.commitsInRange, 'commit')} on the first-parent line · ${plural(record.steps.length, 'step')} in ${formatDuration(seconds)} · seed ${record.seed}`;
}

/** report.md of a bisect: the verdict, the culprit, and the step table. */
export function renderBisectMarkdown(record: BisectRecord): string {
  const { mark, text } = bisectHeadline(record);
  const lines = [`## ${mark} perfsuite bisect: ${text}`, '', summaryOf(record), ''];
  if (record.firstBad !== undefined) {
    lines.push(`**First bad commit:** ${code(record.firstBad)} ${record.firstBadSubject ?? ''}  `, `Author: ${record.firstBadAuthor ?? ''}`, '');
  }
  if (record.range !== undefined && record.state !== 'found') {
    lines.push('Commits that may be the first bad one:', '', ...record.range.commits.map((c) => `- ${code(c.commit)} ${c.subject}`), '');
  }
  lines.push(`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`);
  for (const [i, step] of record.steps.entries()) lines.push(`| ${rowOf(step, i).map(cell).join(' | ')} |`);
  lines.push('', 'Every step runs the good commit (control) against the commit named (candidate), interleaved, in the same job.');
  return `${lines.join('\n')}\n`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}table{border-collapse:collapse}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
tr.regressed td{background:#ffebe9}tr.unchanged td{background:#dafbe1}code{font-size:90%}`;

/** report.html of a bisect: one self-contained page with the verdict, the culprit and the step table. */
export function renderBisectHtml(record: BisectRecord): string {
  const { mark, text } = bisectHeadline(record);
  const culprit =
    record.firstBad === undefined
      ? ''
      : `<p><strong>First bad commit:</strong> <code>${escapeHtml(record.firstBad)}</code> ${escapeHtml(record.firstBadSubject ?? '')}<br>Author: ${escapeHtml(record.firstBadAuthor ?? '')}</p>`;
  const range =
    record.range === undefined || record.state === 'found'
      ? ''
      : `<p>Commits that may be the first bad one:</p><ul>${record.range.commits.map((c) => `<li><code>${escapeHtml(c.commit)}</code> ${escapeHtml(c.subject)}</li>`).join('')}</ul>`;
  const rows = record.steps
    .map(
      (step, i) =>
        `<tr class="${step.verdict}">${rowOf(step, i)
          .map((value) => `<td>${escapeHtml(value)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>perfsuite bisect</title><style>${STYLE}</style></head>
<body>
<h1>${mark} perfsuite bisect: ${escapeHtml(text)}</h1>
<p>${escapeHtml(summaryOf(record))}</p>
${culprit}${range}
<table><thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>
<p>Every step runs the good commit (control) against the commit named (candidate), interleaved, in the same job.</p>
</body></html>
`;
}
