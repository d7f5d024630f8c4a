import type { MetricName } from '../model/metrics.js';
import type { CaseResult, CaseStatus, RunResult, RegressionOutcome } from '../model/results.js';
import { displayUnit, formatDuration, formatMetric, formatNumber, type DisplayUnit } from '../model/format-metric.js';
import {
  COMPARISON_COLUMNS,
  comparedMetrics,
  comparisonCell,
  comparisonHeading,
  comparisonView,
  writeProse,
  type ComparisonNote,
  type ComparisonView,
} from './comparison-view.js';
import type { ExplainedCase } from './evidence-view.js';
import { failureLocation, failuresOf } from './failure-view.js';
import { caseName, caseSpread, columnUnits, deltaMetrics, groupsOf, paramText, showsSpread, spreadMetric, type GroupView } from './group-view.js';
import { type FlowTable, loadEffect, loadFlowTables, type LoadPair, UNDER_LOAD_METRICS, underLoadPairs, type UnderLoad } from './load-view.js';
import { caseTimeline } from './timeline-view.js';
import { renderTimelineMermaid } from './timeline-markdown.js';
import { caseSeries, deepestDip } from './series-view.js';
import { sweepAxisName, sweepCharts, sweepXLabel, type SweepChart } from './sweep-view.js';
import { cell, code, MARKDOWN_PROSE } from './markdown-text.js';
import {
  describeFailure,
  failureFootnotes,
  DIP_HEADING,
  DIP_MEANING,
  footnoteLines,
  formatDip,
  formatLoadChange,
  formatSpread,
  formatOutcomeChange,
  mergeNotes,
  oppositeChangeNote,
  SPREAD_MEANING,
  LOAD_FLOWS_MEANING,
  UNDER_LOAD_MEANING,
  VERDICT_LEGEND,
  ACCEPTED_MEANING,
} from './report-text.js';
import { runSeconds, verdictOf, type Verdict } from '../results/verdict.js';
import { coincidingSets, colourName, niceScale, PALETTE } from './svg-charts.js';
import { noiseTag, noisyMetrics } from './noise.js';
import { retryNote } from './retry-note.js';
import { plural } from '../model/words.js';

export interface MarkdownOptions {
  /** Leave out whole group sections, with a note saying so, to stay within this many UTF-8 bytes. */
  readonly maxBytes?: number;
  /** Where the complete reports are, named in the truncation note. */
  readonly fullReport?: string;
}

const STATUS_MARK: Readonly<Record<CaseStatus, string>> = { pass: '✅', fail: '❌', error: '⚠️', skipped: '⏭️' };
/** The mark before the headline of report.md and the pull-request comment. */
export const VERDICT_MARK: Readonly<Record<Verdict['outcome'], string>> = {
  passed: '✅',
  failed: '❌',
  'nothing-compared': '❌',
  unmeasured: '⚠️',
  interrupted: '⏹️',
  empty: '➖',
};
/** More failure rows than this help nobody; the rest are counted. */
const MAX_FAILURE_ROWS = 50;
/** A group table longer than this folds away, so a 500-case report still reads top to bottom. */
const FOLD_ROWS = 25;
const MAX_CHARTS_PER_GROUP = 3;

/** The verdict, the counts and the machine, in two lines. */
function renderHead(result: RunResult, verdict: Verdict): string {
  const { counts } = verdict;
  const env = result.environment;
  const seconds = runSeconds(result);
  const facts = [
    plural(counts.total, 'case'),
    `${counts.pass} passed`,
    `${counts.fail} failed`,
    `${counts.error} could not be measured`,
    ...(counts.skipped > 0 ? [`${counts.skipped} skipped`] : []),
    ...(seconds === undefined ? [] : [formatDuration(seconds)]),
  ];
  return [
    `## ${VERDICT_MARK[verdict.outcome]} perfsuite: ${verdict.headline}`,
    '',
    `${facts.join(' · ')}  `,
    `netperf ${env.netperfVersion} on ${env.hostname} (${env.platform} ${env.kernel}, ${env.cpuCount} × ${env.cpuModel}) · started ${result.startedAt}`,
    '',
    ...mergeNotes(result).map((note) => `> ⚠️ ${note}\n`),
  ].join('\n');
}

function renderFailures(result: RunResult): string {
  const failures = failuresOf(result);
  if (failures.length === 0) return '';
  const shown = failures.slice(0, MAX_FAILURE_ROWS);
  const footnotes = failureFootnotes(
    shown,
    comparedMetrics(result).map(({ outcome }) => outcome),
  );
  const rows = shown.map((f) => {
    const where = failureLocation(f);
    return `| ${STATUS_MARK[f.case.status]} | ${code(f.case.id)} | ${cell(describeFailure(f, footnotes))} | ${code(`${where.file}:${where.line}`)} |`;
  });
  const more = failures.length - rows.length;
  return [
    `### Failures (${failures.length})`,
    '',
    '| | case | observed vs expected | where |',
    '|---|---|---|---|',
    ...rows,
    ...(footnotes.size > 0 ? ['', footnoteLines(footnotes).join('  \n')] : []),
    ...(more > 0 ? ['', `…and ${more} more, each in the tables below and in junit.xml.`] : []),
    '',
  ].join('\n');
}

/**
 * A Mermaid `xychart-beta` (GitHub renders it). Mermaid draws no legend, so the lines are named below it by colour,
 * with the palette set explicitly (the default one starts near-white); the y axis starts at zero, so a 2% difference
 * looks like one. Mermaid cannot leave a gap, so a line missing a size (an excluded combination) is left out rather
 * than drawn through zero; cases at netperf's default size are the `default` category before the sizes.
 */
function renderChart(chart: SweepChart): string | undefined {
  const complete = chart.series.filter((series) => series.points.length === chart.xValues.length);
  if (complete.length === 0) return undefined;
  const top = Math.max(...complete.flatMap((s) => s.points.map((p) => p.y)));
  const unit = displayUnit(chart.metric, top);
  const labels = chart.xValues.map((x) => `"${sweepXLabel(chart, x)}"`);
  const axisName = sweepAxisName(chart);
  const colours = complete.map((_, i) => PALETTE[i % PALETTE.length] ?? '#000000');
  const out = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${colours.join(', ')}"}}}}%%`,
    'xychart-beta',
    `  title "${chart.metric} vs ${axisName}"`,
    `  x-axis "${axisName}" [${labels.join(', ')}]`,
    `  y-axis "${chart.metric}${unit.label === '' ? '' : ` (${unit.label})`}" 0 --> ${Number(niceScale(top / unit.factor).top.toPrecision(6))}`,
    ...complete.map((series) => `  line [${series.points.map((p) => Number((p.y / unit.factor).toPrecision(4))).join(', ')}]`),
    '```',
  ];
  // a line by its colour and label: blue `socket_buffer=default`
  const name = (i: number): string => `${colourName(colours[i] ?? '')} ${code(complete[i]?.label || chart.metric)}`;
  const notes = [`Lines: ${complete.map((_, i) => `■ ${name(i)}`).join(' · ')}`];
  const partial = chart.series.length - complete.length;
  if (partial > 0) notes.push(`${plural(partial, 'line')} without every ${axisName} left out (see the table)`);
  // Mermaid draws no markers: lines within 1% of each other hide one another, so the legend says which
  for (const set of coincidingSets({ ...chart, series: complete }))
    notes.push(`${set.length} lines coincide (within 1%), drawn over each other: ${set.map(name).join(', ')}`);
  out.push(notes.join('; '));
  return out.join('\n');
}

function renderRow(view: GroupView, c: CaseResult, unitOf: (metric: MetricName) => DisplayUnit, hasSeries: boolean): string {
  const failed = new Set(c.thresholds.filter((t) => !t.passed).map((t) => t.metric));
  const params = view.swept.map((p) => cell(paramText(c, p)) || '—');
  const spreadOf = spreadMetric(view);
  const metrics = view.metrics.map((metric) => {
    const value = c.metrics[metric];
    if (value === undefined) return failed.has(metric) ? '**missing**' : '—';
    const text = formatNumber(value / unitOf(metric).factor);
    const spread = metric === spreadOf ? caseSpread(view, c) : undefined;
    const shown = spread === undefined ? text : `${text} ${formatSpread(spread)}`;
    return failed.has(metric) ? `**${shown}** ❌` : shown;
  });
  const deltas = deltaMetrics(view).map((metric) => {
    const outcome = (c.regressions ?? []).find((r) => r.metric === metric);
    if (outcome === undefined || outcome.change === null) return '—';
    const text = formatOutcomeChange(outcome);
    const shown =
      outcome.verdict === 'regressed'
        ? `**${text}** ❌`
        : outcome.verdict === 'inconclusive'
          ? `${text} ❔`
          : outcome.verdict === 'accepted'
            ? `${text} ☑️`
            : outcome.improved === true
              ? `${text} 🟢`
              : text;
    // a change against medians that move the other way says why, in its cell
    const opposite = oppositeChangeNote(outcome);
    return opposite === undefined ? shown : `${shown} (${opposite})`;
  });
  const name = view.swept.length === 0 ? [code(caseName(view.suite, c))] : [];
  const dip = deepestDip(c);
  const dips = hasSeries ? [dip === undefined ? '—' : formatDip(dip)] : [];
  const retried = retryNote(c);
  const notes = c.status === 'error' ? [c.error?.kind ?? 'error'] : noisyMetrics(c).map((flag) => `⚠️ ${cell(noiseTag(flag))}`);
  const note = [...notes, ...(retried === undefined ? [] : [`🔁 ${cell(retried)}`])].join('; ');
  return `| ${[STATUS_MARK[c.status], ...name, ...params, ...metrics, ...deltas, ...dips, note].join(' | ')} |`;
}

function renderGroup(view: GroupView): string {
  const unitOf = columnUnits(view);
  const hasSeries = view.cases.some((c) => caseSeries(c) !== undefined);
  const failed = view.cases.filter((c) => c.status !== 'pass').length;
  const header = [
    '',
    ...(view.swept.length === 0 ? ['case'] : view.swept),
    ...view.metrics.map((m) => (unitOf(m).label === '' ? m : `${m} (${unitOf(m).label})`)),
    ...deltaMetrics(view).map((m) => `Δ ${m}`),
    ...(hasSeries ? [DIP_HEADING] : []),
    'note',
  ];
  const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...view.cases.map((c) => renderRow(view, c, unitOf, hasSeries))].join(
    '\n',
  );
  const charts = sweepCharts(view)
    .map(renderChart)
    .filter((chart): chart is string => chart !== undefined)
    .slice(0, MAX_CHARTS_PER_GROUP);
  const title = `#### ${view.name} — ${plural(view.cases.length, 'case')}${failed > 0 ? `, ${failed} not passed` : ''}`;
  const body = view.cases.length > FOLD_ROWS ? `<details><summary>${view.cases.length} rows</summary>\n\n${table}\n\n</details>` : table;
  const dipNote = hasSeries ? [`_${DIP_HEADING}_: ${DIP_MEANING}; report.html charts the interim results.`, ''] : [];
  return [title, '', ...charts.flatMap((chart) => [chart, '']), body, '', ...dipNote].join('\n');
}

/** Each loaded case's flows: what each carried (median of the runs) and its share of its direction, with the case's load_fairness. */
function renderLoadFlows(tables: readonly FlowTable[], pairs: readonly LoadPair[]): string {
  const lines = ['#### Load flows', '', LOAD_FLOWS_MEANING, ''];
  for (const { case: c, rows } of tables) {
    const fairness = c.metrics.load_fairness;
    lines.push(`${code(c.id)}${fairness === undefined ? '' : ` — load_fairness ${formatMetric('load_fairness', fairness)}`}`, '');
    lines.push('| flow | test | direction | DSCP | streams | throughput | share of its direction |', '|---|---|---|---|---|---|---|');
    for (const r of rows)
      lines.push(
        `| ${r.flow} | ${r.test} | ${r.direction} | ${r.dscp ?? '—'} | ${r.streams} | ${formatMetric('load_throughput', r.throughput)} | ${Math.round(r.share * 100)}% |`,
      );
    lines.push('');
    const timeline = caseTimeline(c, pairs.find((p) => p.loaded === c)?.idle);
    if (timeline !== undefined) for (const chart of renderTimelineMermaid(timeline)) lines.push(chart, '');
  }
  return lines.join('\n');
}

/** Each case idle → loaded in one table: the three metrics with their change (worse in bold, marked), then the load's throughput. */
function renderUnderLoad({ pairs }: UnderLoad): string {
  const header = ['case', 'load', ...UNDER_LOAD_METRICS.map((m) => `${m} idle → loaded`), 'load throughput'];
  const rows = pairs.map((pair) => {
    const effects = UNDER_LOAD_METRICS.map((m) => {
      const e = loadEffect(pair, m);
      const value = (v: number | undefined): string => (v === undefined ? '—' : formatMetric(m, v));
      const change = e.change === undefined ? '' : e.isWorse ? ` (**${formatLoadChange(e.change)}** worse)` : ` (${formatLoadChange(e.change)})`;
      return `${value(e.idle)} → ${value(e.loaded)}${change}`;
    });
    const load = pair.loaded.metrics.load_throughput;
    return `| ${[cell(pair.label), cell(pair.load), ...effects, load === undefined ? '—' : formatMetric('load_throughput', load)].join(' | ')} |`;
  });
  return ['#### Latency under load', '', UNDER_LOAD_MEANING, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows, ''].join('\n');
}

const COMPARE_MARK: Readonly<Record<RegressionOutcome['verdict'], string>> = {
  regressed: '❌',
  inconclusive: '❔',
  unchanged: '✅',
  'not-compared': '➖',
  accepted: '☑️',
};
const NOTE_MARK: Readonly<Record<ComparisonNote['tone'], string>> = { info: '', warning: '⚠️ ', failure: '❌ ' };

/** A note as a quote: its lead in bold, the advice after it, a list under it. */
function renderNote(note: ComparisonNote): string {
  const text = writeProse(note.text, MARKDOWN_PROSE);
  const said = [...(note.lead === undefined ? [] : [`**${note.lead}**`]), ...(text === '' ? [] : [text])].join(' ');
  const line = `> ${NOTE_MARK[note.tone]}${said}${note.advice === undefined ? '' : `. ${note.advice}`}`;
  return note.items === undefined ? `${line}\n` : [line, '>', ...note.items.map((item) => `> - ${writeProse(item, MARKDOWN_PROSE)}`), ''].join('\n');
}

/** What the run was compared with, how each was judged, what differs, and which comparisons stayed inconclusive. */
function renderComparison(view: ComparisonView): string {
  const out: string[] = [];
  for (const section of view.sections) out.push(`### ${section.heading}`, '', writeProse(section.about, MARKDOWN_PROSE), '', ...section.notes.map(renderNote));
  out.push(...view.notes.map(renderNote));
  return out.join('\n');
}

/** Every compared metric with its evidence: a section of its own, so a byte budget can leave it out. */
function renderComparisonTable(view: ComparisonView): string {
  if (view.rows.length === 0) return '';
  const prose = (text: Parameters<typeof writeProse>[0]): string => cell(writeProse(text, MARKDOWN_PROSE));
  const rows = view.rows.map((row) => {
    const cells = COMPARISON_COLUMNS.map((column) => {
      const { text, aside } = comparisonCell(row, column);
      return `${prose(text)}${aside === undefined ? '' : ` (${cell(aside)})`}`;
    });
    const mark = row.outcome.improved === true ? '🟢' : COMPARE_MARK[row.outcome.verdict];
    return `| ${mark} ${cells.join(' | ')} |`;
  });
  const head = COMPARISON_COLUMNS.map((column) => comparisonHeading(view, column));
  const table = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows].join('\n');
  return [
    rows.length > FOLD_ROWS ? `<details><summary>${rows.length} compared metrics</summary>\n\n${table}\n\n</details>` : table,
    '',
    ...(view.footnotes.size > 0 ? [footnoteLines(view.footnotes).join('  \n'), ''] : []),
    view.rows.some((row) => row.outcome.verdict === 'accepted') ? `${VERDICT_LEGEND} · ${ACCEPTED_MEANING.legend}` : VERDICT_LEGEND,
    '',
    ...renderExplained(view),
  ].join('\n');
}

/** Under the comparison table, a small table per regressed case: the reading, each counter, each setting that differs. */
function renderExplained(view: ComparisonView): string[] {
  if (view.explained.length === 0) return [];
  return [
    '#### Why it regressed',
    '',
    ...view.explained.flatMap(renderEvidence),
    ...(view.moreExplained > 0 ? [`…and ${plural(view.moreExplained, 'more regressed case')}: each one's evidence is in results.json.`, ''] : []),
  ];
}

function renderEvidence(explained: ExplainedCase): string[] {
  const { evidence } = explained;
  const side = explained.source === 'control' ? 'control' : explained.source;
  // a setting is a value of the suite or the machine (code), a counter a figure
  const value = (kind: string, text: string): string => (kind === 'setting' && text !== '(none)' ? cell(code(text)) : cell(text));
  return [
    `**${code(explained.case.id)}** ${explained.metrics.join(', ')} vs ${explained.source === 'control' ? `control ${code(explained.against)}` : explained.source}: ${cell(evidence.reading)}`,
    '',
    `|  | ${side} | this run | change |  |`,
    '|---|---|---|---|---|',
    ...evidence.rows.map(
      (row) =>
        `| ${cell(row.what)} | ${value(row.kind, row.against)} | ${value(row.kind, row.current)} | ${cell(row.change)} | ${row.worse ? `**${row.verdict}**` : row.verdict} |`,
    ),
    ...(evidence.moreSettings > 0 ? [`| and ${evidence.moreSettings} more settings differ (results.json) |  |  |  |  |`] : []),
    '',
  ];
}

/** report.md: the verdict first, then failures with observed vs expected, then a table (and sweep charts) per group. */
export function renderMarkdown(result: RunResult, options: MarkdownOptions = {}): string {
  const verdict = verdictOf(result);
  const views = groupsOf(result);
  const spreadNote = showsSpread(views) ? `_${SPREAD_MEANING}._\n` : '';
  const comparison = comparisonView(result);
  const fixed = [renderHead(result, verdict), renderFailures(result), comparison === undefined ? '' : renderComparison(comparison), spreadNote]
    .filter((s) => s !== '')
    .join('\n');
  const comparedTable = comparison === undefined ? '' : renderComparisonTable(comparison);
  const sections: string[] = comparedTable === '' ? [] : [comparedTable];
  const underLoad = underLoadPairs(result);
  let suiteName: string | undefined;
  for (const view of views) {
    let suiteHead = '';
    if (view.suite.name !== suiteName) {
      suiteHead = `### ${view.suite.name} — ${code(view.suite.file)}\n\n`;
      for (const pairs of underLoad.filter((u) => u.suite === view.suite)) {
        sections.push(`${suiteHead}${renderUnderLoad(pairs)}`);
        suiteHead = '';
      }
      const flows = loadFlowTables(view.suite);
      if (flows.length > 0) {
        sections.push(
          `${suiteHead}${renderLoadFlows(
            flows,
            underLoad.filter((u) => u.suite === view.suite).flatMap((u) => u.pairs),
          )}`,
        );
        suiteHead = '';
      }
    }
    suiteName = view.suite.name;
    sections.push(`${suiteHead}${renderGroup(view)}`);
  }
  if (options.maxBytes === undefined) return [fixed, ...sections].join('\n');

  const noteReserve = 400;
  let used = Buffer.byteLength(fixed) + noteReserve;
  let kept = 0;
  for (const section of sections) {
    const size = Buffer.byteLength(section) + 1;
    if (used + size > options.maxBytes) break;
    used += size;
    kept += 1;
  }
  const text = [fixed, ...sections.slice(0, kept)].join('\n');
  if (kept === sections.length) return text;
  const where = options.fullReport === undefined ? '' : ` The full report is ${options.fullReport}.`;
  const note = `\n> **Truncated:** ${sections.length - kept} of ${plural(sections.length, 'section')} (tables and charts) are left out to keep this under ${formatBytes(options.maxBytes)}.${where}\n`;
  // the fixed part alone can only exceed a tiny budget; cut it rather than break the limit
  return Buffer.byteLength(text + note) <= options.maxBytes ? text + note : truncateBytes(text, options.maxBytes - Buffer.byteLength(note)) + note;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${formatNumber(bytes / (1024 * 1024))} MiB` : bytes >= 1024 ? `${formatNumber(bytes / 1024)} KiB` : `${bytes} bytes`;
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, never splitting a character. */
function truncateBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  return bytes
    .subarray(0, Math.max(0, maxBytes))
    .toString('utf8')
    .replace(/\uFFFD$/u, '');
}
