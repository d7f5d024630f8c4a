import { Chalk } from 'chalk';
import type { CaseResult } from '../results/results.js';
import { formatDuration } from './format-plan.js';

/** A metric value with a readable unit: 35.2 Gbit/s, 48.1k/s, 2.31 ms. */
export function formatMetric(metric: string, value: number): string {
  if (metric === 'throughput' || metric === 'send_throughput') {
    const [unit, factor] = value >= 1e9 ? ['Gbit/s', 1e9] : value >= 1e6 ? ['Mbit/s', 1e6] : value >= 1e3 ? ['kbit/s', 1e3] : ['bit/s', 1];
    return `${(value / factor).toFixed(value / factor >= 100 ? 0 : 2)} ${unit}`;
  }
  if (metric === 'transaction_rate') return `${value >= 1e4 ? `${(value / 1e3).toFixed(1)}k` : value.toFixed(0)}/s`;
  if (metric.startsWith('latency_')) return value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(value >= 100 ? 0 : 1)} µs`;
  if (metric === 'loss' || metric.startsWith('cpu_')) return `${value.toFixed(2)}%`;
  return value.toFixed(3);
}

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

/** The closing summary: counts, time, and where the results are. */
export function formatSummary(results: readonly CaseResult[], options: { readonly seconds: number; readonly resultsFile: string; readonly interrupted: boolean; readonly planned: number }, style: ConsoleStyle): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  const pieces = [chalk.green(`${count('pass')} passed`), chalk.red(`${count('fail')} failed`), chalk.yellow(`${count('error')} could not be measured`)];
  const head = options.interrupted ? `interrupted after ${results.length} of ${options.planned} cases` : `${results.length} case${results.length === 1 ? '' : 's'}`;
  return `${head}: ${pieces.join(', ')} in ${formatDuration(options.seconds)}\nresults: ${options.resultsFile}\n`;
}
