import { Chalk } from 'chalk';
import type { MetricName } from '../metrics.js';
import type { CaseResult } from '../results/results.js';
import { parseThreshold } from '../thresholds/parse-threshold.js';
import { formatDuration, formatMetric } from '../report/format.js';

/** The figures a person looks at first for a case. */
function headline(result: CaseResult): string {
  const parts: string[] = [];
  for (const metric of ['throughput', 'transaction_rate', 'latency_p99', 'loss'] as const) {
    const value = result.metrics[metric];
    if (value === undefined) continue;
    // run-to-run spread is shown for the rates; for loss and percentiles it says little
    const cv = metric === 'throughput' || metric === 'transaction_rate' ? result.spread[metric]?.cvPercent : undefined;
    parts.push(`${metric === 'latency_p99' ? 'p99' : metric} ${formatMetric(metric, value)}${cv !== undefined && result.runs.length > 1 ? ` ±${cv.toFixed(1)}%` : ''}`);
  }
  return parts.join('  ');
}

export interface ConsoleStyle {
  readonly color: boolean;
}

/** One line per finished case: status, id, key metrics, failed thresholds or the error, and its time. */
export function formatCaseLine(result: CaseResult, index: number, total: number, style: ConsoleStyle): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const mark = result.status === 'pass' ? chalk.green('✓') : result.status === 'fail' ? chalk.red('✗') : chalk.yellow('!');
  const width = String(total).length;
  const parts = [`${mark} [${String(index + 1).padStart(width)}/${total}] ${result.id}`];
  if (result.status === 'error') parts.push(chalk.yellow(`${result.error?.kind ?? 'error'}: ${result.error?.message ?? ''}`));
  else parts.push(headline(result));
  for (const t of result.thresholds.filter((t) => !t.passed)) {
    parts.push(chalk.red(`${t.metric} ${t.expression} (got ${t.actual === null ? 'nothing' : formatMetric(t.metric, t.actual)}, ${t.file}:${t.line})`));
  }
  parts.push(chalk.dim(`${result.durationSeconds.toFixed(1)}s`));
  return parts.join('  ');
}

/** The progress line shown on a terminal: done/total, percent, time left. */
export function formatProgress(done: number, total: number, remainingSeconds: number, current: string): string {
  return `[${done}/${total}] ${Math.floor((done / total) * 100)}%  eta ${formatDuration(remainingSeconds)}  ${current}`;
}

/** The closing summary: counts, time, and where the reports are. */
export function formatSummary(
  results: readonly CaseResult[],
  options: { readonly seconds: number; readonly outDir: string; readonly reports: readonly string[]; readonly interrupted: boolean; readonly planned: number },
  style: ConsoleStyle,
): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  const pieces = [chalk.green(`${count('pass')} passed`), chalk.red(`${count('fail')} failed`), chalk.yellow(`${count('error')} could not be measured`)];
  const head = options.interrupted ? `interrupted after ${results.length} of ${options.planned} cases` : `${results.length} case${results.length === 1 ? '' : 's'}`;
  return `${head}: ${pieces.join(', ')} in ${formatDuration(options.seconds)}\nreports in ${options.outDir}: ${options.reports.join(' ')}\n`;
}

/** One row of the threshold summary: a threshold line of a suite and how its cases fared. */
interface ThresholdRow {
  readonly metric: string;
  readonly expression: string;
  readonly where: string;
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
      const parsed = parseThreshold(t.expression, t.metric as MetricName);
      const op = parsed.ok ? parsed.value.op : '>=';
      const row = rows.get(key) ?? { metric: t.metric, expression: t.expression.trim(), where: `${t.file}:${t.line}`, passed: 0, total: 0, worst: null };
      row.total += 1;
      if (t.passed) row.passed += 1;
      if (t.actual !== null) row.worst = row.worst === null ? t.actual : op.startsWith('<') ? Math.max(row.worst, t.actual) : Math.min(row.worst, t.actual);
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
    const worst = row.worst === null ? 'nothing measured' : `${row.total === 1 ? 'got' : 'worst'} ${formatMetric(row.metric, row.worst)}`;
    const text = (texts[i] ?? '').padEnd(width);
    return `  ${mark} ${ok ? text : chalk.red(text)}  ${`${row.passed}/${row.total}`.padStart(countWidth)} cases  ${worst.padEnd(18)}  ${chalk.dim(row.where)}`;
  });
  return `thresholds\n${lines.join('\n')}\n`;
}
