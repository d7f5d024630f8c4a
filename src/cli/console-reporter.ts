import { Chalk, type ChalkInstance } from 'chalk';
import type { TestName } from '../model/test-types.js';
import type { CaseResult, RegressionOutcome, RunResult } from '../model/results.js';
import { type ConsoleStyle, formatWhy } from './case-line.js';
import { explainedOf, isRegression } from '../report/evidence-view.js';
import { comparisonView, writeProse, type ComparisonNote, type ComparisonRow, type ProseMarkup } from '../report/comparison-view.js';
import { changeAndVerdict } from '../report/report-text.js';
import { formatDuration, formatMetric } from '../model/format-metric.js';
import { plural } from '../model/words.js';

/** The closing summary: counts, time, and where the reports are. */
export function formatSummary(
  results: readonly CaseResult[],
  options: {
    readonly seconds: number;
    readonly outDir: string;
    readonly reports: readonly string[];
    readonly interrupted: boolean;
    readonly planned: number;
    readonly nothingCompared?: boolean;
  },
  style: ConsoleStyle,
): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  const pieces = [chalk.green(`${count('pass')} passed`), chalk.red(`${count('fail')} failed`), chalk.yellow(`${count('error')} could not be measured`)];
  if (count('skipped') > 0) pieces.push(chalk.dim(`${count('skipped')} did not run`));
  const inconclusive = results.flatMap((r) => (r.regressions ?? []).filter((o) => o.verdict === 'inconclusive')).length;
  if (inconclusive > 0) pieces.push(chalk.yellow(`${plural(inconclusive, 'comparison')} inconclusive`));
  const notCompared = results.flatMap((r) => (r.regressions ?? []).filter((o) => o.verdict === 'not-compared')).length;
  if (notCompared > 0) pieces.push(chalk.yellow(`${plural(notCompared, 'metric')} not compared`));
  const accepted = results.flatMap((r) => (r.regressions ?? []).filter((o) => o.verdict === 'accepted')).length;
  if (accepted > 0) pieces.push(chalk.yellow(`${plural(accepted, 'regression')} accepted`));
  const ran = results.length - count('skipped');
  const head = options.interrupted ? `interrupted after ${ran} of ${plural(options.planned, 'case')}` : plural(results.length, 'case');
  const reports = options.reports.length === 0 ? '' : `reports in ${options.outDir}: ${options.reports.join(' ')}\n`;
  const gate = options.nothingCompared === true ? chalk.red('nothing compared: the regression gate judged no metric, so the run fails\n') : '';
  return `${gate}${head}: ${pieces.join(', ')} in ${formatDuration(options.seconds)}\n${reports}`;
}

/** One row of the threshold summary: a threshold line of a suite and how its cases fared. */
interface ThresholdRow {
  readonly metric: string;
  readonly expression: string;
  readonly where: string;
  /** The test types of the cases it judged (service demand's unit depends on them). */
  readonly tests: Set<TestName | undefined>;
  passed: number;
  total: number;
  /** The value closest to failing (or furthest past it), in the metric's unit. */
  worst: number | null;
}

/** k6-style: every threshold of the run with ✓/✗, its expression, how many cases met it and the worst value seen. */
export function formatThresholdSummary(results: readonly CaseResult[], style: ConsoleStyle): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const rows = new Map<string, ThresholdRow>();
  for (const result of results) {
    for (const t of result.thresholds) {
      const key = `${t.file}:${t.line}:${t.metric}:${t.expression}`;
      const row = rows.get(key) ?? {
        metric: t.metric,
        expression: t.expression.trim(),
        where: `${t.file}:${t.line}`,
        tests: new Set<TestName | undefined>(),
        passed: 0,
        total: 0,
        worst: null,
      };
      row.total += 1;
      row.tests.add(result.params.test);
      if (t.passed) row.passed += 1;
      if (t.actual !== null) row.worst = row.worst === null ? t.actual : t.op.startsWith('<') ? Math.max(row.worst, t.actual) : Math.min(row.worst, t.actual);
      rows.set(key, row);
    }
  }
  if (rows.size === 0) return '';
  const texts = [...rows.values()].map((row) => `${row.metric} ${row.expression}`);
  const width = Math.max(...texts.map((text) => text.length));
  const countWidth = Math.max(...[...rows.values()].map((row) => `${row.passed}/${row.total}`.length));
  const lines = [...rows.values()].map((row, i) => {
    const ok = row.passed === row.total;
    const mark = ok ? chalk.green('✓') : chalk.red('✗');
    const worst =
      row.worst === null
        ? 'nothing measured'
        : `${row.total === 1 ? 'got' : 'worst'} ${formatMetric(row.metric, row.worst, row.tests.size === 1 ? [...row.tests][0] : undefined)}`;
    const text = (texts[i] ?? '').padEnd(width);
    return `  ${mark} ${ok ? text : chalk.red(text)}  ${`${row.passed}/${row.total}`.padStart(countWidth)} ${row.total === 1 ? 'case ' : 'cases'}  ${worst.padEnd(18)}  ${chalk.dim(row.where)}`;
  });
  return `thresholds\n${lines.join('\n')}\n`;
}

const COMPARE_MARK: Readonly<Record<RegressionOutcome['verdict'], string>> = {
  regressed: '✗',
  inconclusive: '?',
  unchanged: '✓',
  'not-compared': '-',
  accepted: '~',
};
/** Past this many compared metrics only the ones that are not plainly fine are listed. */
const MAX_COMPARED_LINES = 30;

/** Prose on a terminal: code as it is, the first 5 ids of a list. */
const CONSOLE_PROSE: ProseMarkup = { code: (text) => text, text: (text) => text, maxIds: 5 };
const NOTE_MARK: Readonly<Record<ComparisonNote['tone'], string>> = { info: '-', warning: '!', failure: '✗' };

/** A note as one line, lower case after its mark like every line of the list, without the reports' advice. */
function formatNote(note: ComparisonNote, chalk: ChalkInstance): string {
  const text = writeProse(note.text, CONSOLE_PROSE);
  const said = [...(note.lead === undefined ? [] : [note.lead]), ...(text === '' ? [] : [text])].join(' ').replace(/\.$/, '');
  const line = `  ${NOTE_MARK[note.tone]} ${said.charAt(0).toLowerCase()}${said.slice(1)}`;
  return note.tone === 'failure' ? chalk.red(line) : note.tone === 'warning' ? chalk.yellow(line) : line;
}

/**
 * The comparisons with a baseline and a history: what each was and how it was judged, what differs, and each compared
 * metric with its evidence. A same-run comparison is said under each candidate's line as it finishes (formatArmLine).
 */
export function formatComparisonSummary(result: RunResult, style: ConsoleStyle): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const lines: string[] = [];
  const view = comparisonView(result);
  for (const section of view?.sections ?? []) {
    if (section.source === 'control') continue;
    lines.push(writeProse(section.about, CONSOLE_PROSE), ...section.notes.map((note) => formatNote(note, chalk)));
    listCompared(
      (view?.rows ?? []).filter((row) => row.outcome.source === section.source),
      lines,
      chalk,
    );
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function listCompared(rows: readonly ComparisonRow[], lines: string[], chalk: ChalkInstance): void {
  // a group that moved as one is said once; its cases stay in results.json, junit.xml and the reports' tables
  const listed = rows.filter((row) => !row.inShift);
  const shown = listed.length <= MAX_COMPARED_LINES ? listed : listed.filter((row) => row.outcome.verdict !== 'unchanged');
  /** Cases whose evidence was said: once per case, under its first regressed metric. */
  const explained = new Set<CaseResult>();
  for (const row of shown) {
    const r = row.outcome;
    const mark =
      r.verdict === 'regressed'
        ? chalk.red(COMPARE_MARK[r.verdict])
        : r.verdict === 'unchanged'
          ? chalk.green(COMPARE_MARK[r.verdict])
          : chalk.yellow(COMPARE_MARK[r.verdict]);
    const values = row.againstValue === undefined || row.currentValue === undefined ? '' : `${row.againstValue} → ${row.currentValue}  `;
    // the test is named in the section's line above the list, so a line leaves it out; an inconclusive one says what would decide it
    const evidence = [row.stats, ...(row.acceptance === undefined ? [] : [row.acceptance]), ...(row.decide === undefined ? [] : [row.decide])].join('; ');
    // the change beside medians that move the other way says why, in place
    lines.push(
      `  ${mark} ${row.case.id} ${r.metric}  ${values}${changeAndVerdict(r)} (tolerance ${row.tolerance})  ${chalk.dim(evidence)}${row.opposite === undefined ? '' : `  ${chalk.yellow(`(${row.opposite})`)}`}`,
    );
    if (isRegression(r) && !explained.has(row.case)) {
      explained.add(row.case);
      for (const why of explainedOf(row.case).filter((e) => e.source === r.source)) lines.push(...formatWhy(why, { color: chalk.level > 0 }, '      '));
    }
  }
  if (shown.length < listed.length) lines.push(`  ✓ ${plural(listed.length - shown.length, 'more compared metric', 'more compared metrics')} unchanged`);
}
