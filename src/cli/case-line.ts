import { Chalk } from 'chalk';
import type { CaseResult, RegressionOutcome } from '../model/results.js';
import { formatDuration, formatMetric } from '../model/format-metric.js';
import { noiseTag, noisyMetrics } from '../report/noise.js';
import {
  acceptanceNote,
  changeAndVerdict,
  formatOutcomeChange,
  formatP,
  formatSample,
  formatSpread,
  formatTolerance,
  verdictWords,
} from '../report/report-text.js';
import { retryNote } from '../report/retry-note.js';
import { differencesLine, explainedOf, type ExplainedCase } from '../report/evidence-view.js';

// what `run` prints while it measures: a line per case (its arms' lines under it) and the progress line; the closing
// summary is console-reporter.ts, loaded while the first case runs

/** The figures a person looks at first for a case. */
function headline(result: CaseResult): string {
  const parts: string[] = [];
  for (const metric of ['throughput', 'transaction_rate', 'latency_p99', 'loss'] as const) {
    const value = result.metrics[metric];
    if (value === undefined) continue;
    // run-to-run spread is shown for the rates; for loss and percentiles it says little
    const cv = metric === 'throughput' || metric === 'transaction_rate' ? result.spread[metric]?.cvPercent : undefined;
    parts.push(
      `${metric === 'latency_p99' ? 'p99' : metric} ${formatMetric(metric, value)}${cv !== undefined && result.runs.length > 1 ? ` ${formatSpread(cv)}` : ''}`,
    );
  }
  // both directions loaded: each on its own (their sum would read as twice the link's rate)
  const { load_throughput: load, load_throughput_up: up, load_throughput_down: down } = result.metrics;
  if (up !== undefined && down !== undefined && up > 0 && down > 0) {
    const [upText, downText] = [formatMetric('load_throughput', up), formatMetric('load_throughput', down)];
    const unit = / (\S+)$/.exec(upText)?.[1];
    parts.push(`load carried ${upText} up, ${unit !== undefined && downText.endsWith(` ${unit}`) ? downText.slice(0, -unit.length - 1) : downText} down`);
  } else if (load !== undefined) parts.push(`load carried ${formatMetric('load_throughput', load)}`);
  return parts.join('  ');
}

export interface ConsoleStyle {
  readonly color: boolean;
}

/** One line per finished case: status, id, key metrics, failed thresholds or the error, its retries, and its time. */
export function formatCaseLine(result: CaseResult, index: number, total: number, style: ConsoleStyle): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const mark = result.status === 'pass' ? chalk.green('✓') : result.status === 'fail' ? chalk.red('✗') : chalk.yellow('!');
  const width = String(total).length;
  const parts = [`${mark} [${String(index + 1).padStart(width)}/${total}] ${result.id}`];
  // one line whatever the message holds (a hook's output can run over several): its lines joined by ' / '
  if (result.status === 'error')
    parts.push(chalk.yellow(`${result.error?.kind ?? 'error'}: ${(result.error?.message ?? '').trim().split(/\r?\n/).join(' / ')}`));
  else parts.push(headline(result));
  for (const t of result.thresholds.filter((t) => !t.passed)) {
    parts.push(
      chalk.red(
        `${t.metric} ${t.expression} (got ${t.actual === null ? 'nothing' : formatMetric(t.metric, t.actual, result.params.test)}, ${t.file}:${t.line})`,
      ),
    );
  }
  for (const r of (result.regressions ?? []).filter((r) => !r.passed && r.source !== 'control')) {
    parts.push(
      chalk.red(
        `${r.metric} ${formatOutcomeChange(r)} vs ${r.source}, beyond ${formatTolerance(r)} (p = ${r.p === undefined ? '—' : formatP(r.p)}, ${r.file}:${r.line})${r.acceptance === undefined ? '' : `; ${acceptanceNote(r) ?? ''}`}`,
      ),
    );
  }
  for (const flag of result.status === 'error' ? [] : noisyMetrics(result)) parts.push(chalk.yellow(noiseTag(flag)));
  const retried = retryNote(result);
  if (retried !== undefined) parts.push(chalk.yellow(retried));
  parts.push(chalk.dim(`${result.durationSeconds.toFixed(1)}s`));
  const armLines = (result.regressions ?? []).filter((r) => r.source === 'control').map((r) => `    ${formatArmLine(result, r, style)}`);
  const why = explainedOf(result)
    .filter((explained) => explained.source === 'control')
    .flatMap((explained) => formatWhy(explained, style, '      '));
  return [parts.join('  '), ...armLines, ...why].join('\n');
}

/** Why a case regressed, under its verdicts: the reading, and the settings that differ (the first four). */
export function formatWhy(explained: ExplainedCase, style: ConsoleStyle, indent: string): string[] {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const differs = explained.evidence.rows.some((row) => row.kind === 'setting')
    ? [`${indent}${chalk.dim(`differs: ${differencesLine(explained.evidence)}`)}`]
    : [];
  return [`${indent}why: ${explained.evidence.reading}`, ...differs];
}

/** A candidate against its control: `server=head vs server=base: throughput −5.1% [−5.6%, −4.6%] regressed, p = 0.002, 9 rounds`. */
export function formatArmLine(result: CaseResult, r: RegressionOutcome, style: ConsoleStyle): string {
  const chalk = new Chalk({ level: style.color ? 1 : 0 });
  const arms = result.arm === undefined ? `vs ${r.against}` : `${result.arm.axis}=${result.arm.value} vs ${result.arm.axis}=${result.arm.controlValue}`;
  const verdict = r.verdict === 'inconclusive' && !r.passed ? 'inconclusive (a failure under --fail-on-inconclusive)' : verdictWords(r);
  const colour = (words: string): string =>
    r.verdict === 'regressed' ? chalk.red(words) : r.verdict === 'unchanged' ? chalk.green(words) : chalk.yellow(words);
  const stats = r.verdict === 'not-compared' ? chalk.dim(r.note ?? '') : `p = ${r.p === undefined ? '—' : formatP(r.p)}, ${formatSample(r)}`;
  const accepted = acceptanceNote(r);
  const note =
    accepted !== undefined
      ? `\n      ${r.verdict === 'accepted' ? chalk.yellow(`~ ${accepted}`) : chalk.red(`✗ ${accepted}`)}`
      : r.verdict === 'inconclusive' && r.note !== undefined
        ? `\n      ${chalk.yellow(`! ${r.note}`)}`
        : '';
  return `${arms}: ${r.metric} ${changeAndVerdict(r, colour, verdict)} (tolerance ${formatTolerance(r)}), ${stats}${note}`;
}

/** The progress line shown on a terminal: done/total, percent, time left. */
export function formatProgress(done: number, total: number, remainingSeconds: number, current: string): string {
  return `[${done}/${total}] ${Math.floor((done / total) * 100)}%  eta ${formatDuration(remainingSeconds)}  ${current}`;
}
