import type { MetricName } from '../model/metrics.js';
import type { CaseResult, RegressionOutcome, RunResult, SuiteResult } from '../model/results.js';
import { shortLoad } from '../model/suite-types.js';
import { columnUnit, type DisplayUnit, formatDuration, formatMetric, formatNumber } from '../model/format-metric.js';
import { shellQuote } from '../model/shell-quote.js';
import {
  COMPARISON_COLUMNS,
  comparedMetrics,
  comparisonCell,
  comparisonHeading,
  comparisonView,
  FIGURE_COLUMNS,
  writeProse,
  type ComparisonNote,
  type ComparisonRow,
  type ComparisonView,
  type Prose,
  type ProseMarkup,
} from './comparison-view.js';
import { failureLocation, failuresOf } from './failure-view.js';
import { caseName, caseSpread, columnUnits, deltaMetrics, groupsOf, paramText, showsSpread, spreadMetric, type GroupView } from './group-view.js';
import { type FlowTable, loadEffect, loadFlowTables, type LoadPair, UNDER_LOAD_METRICS, underLoadPairs, type UnderLoad } from './load-view.js';
import { caseTimeline } from './timeline-view.js';
import { renderTimelineHtml } from './timeline-svg.js';
import { caseSeries, deepestDip } from './series-view.js';
import { sweepCharts } from './sweep-view.js';
import {
  describeFailure,
  failureFootnotes,
  DIP_HEADING,
  DIP_MEANING,
  describeRegression,
  footnoteLines,
  formatDip,
  formatLoadChange,
  formatSpread,
  formatOutcomeChange,
  formatTolerance,
  oppositeChangeNote,
  mergeNotes,
  SPREAD_MEANING,
  LOAD_FLOWS_MEANING,
  UNDER_LOAD_MEANING,
  VERDICT_MEANINGS,
  ACCEPTED_MEANING,
} from './report-text.js';
import { runSeconds, verdictOf } from '../results/verdict.js';
import type { EvidenceRow } from './evidence-view.js';
import { escapeHtml, renderLatencySvg, renderSeriesSvg, renderSweepSvg, textWidth } from './svg-charts.js';
import { renderTrendSvg } from './render-trend.js';
import { noiseTag, noisyMetrics } from './noise.js';
import { retryNote } from './retry-note.js';
import { plural } from '../model/words.js';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1400px;padding:0 16px;color:#1b1f23}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}h3{font-size:15px;margin:20px 0 6px}
.verdict{padding:12px 16px;border-radius:6px;margin-bottom:12px;color:#fff}
.verdict.passed,.verdict.empty{background:#1a7f37}.verdict.failed,.verdict.nothing-compared{background:#cf222e}.verdict.unmeasured{background:#9a6700}.verdict.interrupted{background:#57606a}
.meta{color:#57606a}
div.scroll{overflow-x:auto}p.flow-case{overflow-wrap:anywhere}td.note{min-width:14em}@media (max-width:640px){section.group{overflow-x:auto}section.group svg.chart{max-width:none;width:600px}}
ul.timeline-legend{list-style:none;padding:0;margin:4px 0;columns:2 24em;column-gap:16px;font-size:12px;color:#57606a}ul.timeline-legend li{break-inside:avoid}svg.key{vertical-align:middle}div.timeline p.note{font-size:12px;font-style:italic;color:#57606a;margin:2px 0}
div.trends,div.series{display:flex;flex-wrap:wrap;gap:0 16px}
figure.trend{margin:0;max-width:340px}
figure.trend figcaption{font-size:12px;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:right}td:not(.text){white-space:nowrap}th{background:#f6f8fa;font-size:13px}td.text,th.text{text-align:left}
table.comparison td:last-child{min-width:22em}td.dip span{white-space:nowrap}table.under-load th.idle,table.under-load td.idle{border-left:2px solid #8c959f}tr.fail td,tr.regressed td{background:#ffebe9}tr.inconclusive td,tr.accepted td{background:#fff8c5}td.noise{color:#9a6700}td.better{color:#1a7f37;font-weight:700}tr.improved td{background:#dafbe1}span.noisy{color:#9a6700;background:#fff8c5;border-radius:3px;padding:0 3px}span.spread{color:#57606a;font-size:12px}.warning{background:#fff8c5;padding:6px 10px;border-radius:4px}.failure{background:#ffebe9;padding:6px 10px;border-radius:4px}tr.error td{background:#fff8c5}td.miss{color:#cf222e;font-weight:700}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}
svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}
div.evidence{margin:8px 0 14px}div.evidence p{margin:4px 0}table.evidence td,table.evidence th{font-size:13px;padding:2px 8px}table.evidence tr.setting td{color:#57606a}table.evidence tr.setting td code{color:#1f2328}table.evidence tr.worse td{background:#ffebe9}
span.why{display:block;white-space:normal;min-width:16em;max-width:22em;font-size:12px;font-weight:400;color:#57606a;text-align:left}
svg .grid{stroke:#e1e4e8}svg .tick,svg .legend,svg .detail{font-size:11px;fill:#57606a}svg .axis{font-size:12px;fill:#1b1f23}svg .tick.cell{fill:#1b1f23}svg .tick.failed{fill:#cf222e;font-weight:700}
svg .column{font-size:11px;fill:#1b1f23;font-weight:600}div.series svg.chart{margin:8px 0}
svg text.threshold{font-size:11px;fill:#d62728}svg .note{font-size:11px;fill:#57606a;font-style:italic}
th.case,td.case{position:sticky;z-index:1;box-sizing:border-box;outline:1px solid #d0d7de;outline-offset:-1px}td.case{background:#fff}
`;

function metricCell(c: CaseResult, metric: MetricName, factor: number, spread?: number): string {
  const missed = c.thresholds.some((t) => t.metric === metric && !t.passed);
  const value = c.metrics[metric];
  const text = value === undefined ? (missed ? 'missing' : '—') : formatNumber(value / factor);
  return `<td${missed ? ' class="miss"' : ''}>${text}${spread === undefined ? '' : ` <span class="spread">${formatSpread(spread)}</span>`}</td>`;
}

function deltaCell(c: CaseResult, metric: MetricName): string {
  const outcome = (c.regressions ?? []).find((r) => r.metric === metric);
  if (outcome === undefined) return '<td>—</td>';
  const css =
    outcome.verdict === 'regressed'
      ? ' class="miss"'
      : outcome.verdict === 'inconclusive' || outcome.verdict === 'accepted'
        ? ' class="noise"'
        : outcome.improved === true
          ? ' class="better"'
          : '';
  return `<td${css} title="${escapeHtml(describeRegression(outcome))}">${formatOutcomeChange(outcome)}${whyOpposite(outcome)}</td>`;
}

/** Under a change against medians that move the other way, why, in its cell; nothing where they agree. */
function whyOpposite(outcome: RegressionOutcome): string {
  const note = oppositeChangeNote(outcome);
  return note === undefined ? '' : `<span class="why">${escapeHtml(note)}</span>`;
}

/** Prose in report.html: code spans in <code>, the rest escaped. */
const HTML_PROSE: ProseMarkup = { code: (text) => `<code>${escapeHtml(text)}</code>`, text: escapeHtml, maxIds: 20 };

const prose = (text: Prose): string => writeProse(text, HTML_PROSE);

/** A note as a paragraph in its tone: its lead in bold, the advice after it, a list under it. */
function renderNote(note: ComparisonNote): string {
  const tone = note.tone === 'info' ? 'meta' : note.tone;
  const text = prose(note.text);
  const said = [...(note.lead === undefined ? [] : [`<strong>${escapeHtml(note.lead)}</strong>`]), ...(text === '' ? [] : [text])].join(' ');
  const line = `${said}${note.advice === undefined ? '' : `. ${escapeHtml(note.advice)}`}`;
  return note.items === undefined
    ? `<p class="${tone}">${line}</p>`
    : `<div class="${tone}">${line}<ul>${note.items.map((item) => `<li>${prose(item)}</li>`).join('')}</ul></div>`;
}

/** A row of the comparison table; the case column stays in view when the wide table scrolls. */
function comparisonRow(row: ComparisonRow, caseStyle: string | undefined): string {
  const cells = COMPARISON_COLUMNS.map((column) => {
    const { text, aside } = comparisonCell(row, column);
    const classes = [
      ...(FIGURE_COLUMNS.has(column) ? [] : ['text']),
      ...(column === 'case' ? ['case'] : []),
      ...(column === 'change' && row.outcome.improved === true ? ['better'] : []),
    ];
    // under a change against medians that move the other way, why, wrapped under the figure
    const why = aside === undefined ? '' : `<span class="why">${escapeHtml(aside)}</span>`;
    return `<td${classes.length === 0 ? '' : ` class="${classes.join(' ')}"`}${column === 'case' ? ` style="${caseStyle}"` : ''}>${prose(text)}${why}</td>`;
  });
  return `<tr class="${row.outcome.verdict}${row.outcome.improved === true ? ' improved' : ''}">${cells.join('')}</tr>`;
}

/** What the run was compared with, how each was judged, what differs, and every compared metric. */
function renderComparison(view: ComparisonView): string {
  const out: string[] = [];
  for (const section of view.sections)
    out.push(`<h2>${escapeHtml(section.heading)}</h2>`, `<p class="meta">${prose(section.about)}</p>`, ...section.notes.map(renderNote));
  out.push(...view.notes.map(renderNote));
  if (view.rows.length === 0) return out.join('\n');
  const [caseStyle] = stickyColumns(
    ['case'],
    view.rows.map((row) => [row.case.id]),
  );
  const head = COMPARISON_COLUMNS.map(
    (column) =>
      `<th${FIGURE_COLUMNS.has(column) ? '' : ` class="text${column === 'case' ? ' case' : ''}"`}${column === 'case' ? ` style="${caseStyle}"` : ''}>${escapeHtml(comparisonHeading(view, column))}</th>`,
  );
  out.push(
    `<div class="scroll"><table class="comparison"><thead><tr>${head.join('')}</tr></thead><tbody>${view.rows.map((row) => comparisonRow(row, caseStyle)).join('')}</tbody></table></div>`,
    ...(view.footnotes.size > 0 ? [`<p class="meta footnotes">${footnoteLines(view.footnotes).map(escapeHtml).join('<br>')}</p>`] : []),
    `<p class="meta">${escapeHtml(view.rows.some((row) => row.outcome.verdict === 'accepted') ? `${VERDICT_MEANINGS} · ${ACCEPTED_MEANING.words}` : VERDICT_MEANINGS)}</p>`,
    renderExplained(view),
    historyTrends(view.rows),
  );
  return out.join('\n');
}

/** Under the comparison table, a small table per regressed case: the reading, each counter, each setting that differs. */
function renderExplained(view: ComparisonView): string {
  if (view.explained.length === 0) return '';
  const tables = view.explained.map((explained) => {
    const { evidence } = explained;
    const side = explained.source === 'control' ? 'control' : explained.source;
    const value = (row: EvidenceRow, text: string): string =>
      row.kind === 'setting' && text !== '(none)' ? `<code>${escapeHtml(text)}</code>` : escapeHtml(text);
    const rows = evidence.rows.map(
      (row) =>
        `<tr class="${row.kind}${row.worse ? ' worse' : ''}"><td class="text">${escapeHtml(row.what)}</td><td class="text">${value(row, row.against)}</td><td class="text">${value(row, row.current)}</td><td>${escapeHtml(row.change)}</td><td class="text">${escapeHtml(row.verdict)}</td></tr>`,
    );
    const more = evidence.moreSettings > 0 ? `<tr><td class="text" colspan="5">and ${evidence.moreSettings} more settings differ (results.json)</td></tr>` : '';
    return `<div class="evidence ${evidence.cause}"><p><code>${idHtml(explained.case.id)}</code> ${escapeHtml(explained.metrics.join(', '))} vs ${explained.source === 'control' ? `control <code>${escapeHtml(explained.against)}</code>` : explained.source}: <strong>${escapeHtml(evidence.reading)}</strong></p><table class="evidence"><thead><tr><th class="text"></th><th class="text">${side}</th><th class="text">this run</th><th>change</th><th class="text"></th></tr></thead><tbody>${rows.join('')}${more}</tbody></table></div>`;
  });
  const more =
    view.moreExplained > 0 ? `<p class="meta">…and ${plural(view.moreExplained, 'more regressed case')}: each one's evidence is in results.json.</p>` : '';
  return `<h3>Why it regressed</h3>${tables.join('')}${more}`;
}

/** Beyond this many, judged metrics get no small trend (the comparison table still lists them all). */
const MAX_SMALL_TRENDS = 60;

/** A small trend per metric judged against the history: the earlier medians, and this run's highlighted at the end. */
function historyTrends(compared: readonly ComparisonRow[]): string {
  const judged = compared.filter(({ outcome }) => outcome.source === 'history' && outcome.currentValue !== null && outcome.againstRuns.length > 0);
  if (judged.length === 0) return '';
  const figures = judged.slice(0, MAX_SMALL_TRENDS).map((row) => {
    const { case: c, outcome } = row;
    const earlier = outcome.againstRuns.map((median, index) => ({ index, date: '', median, min: median, max: median }));
    const now = outcome.againstRuns.length;
    const current = { index: now, date: '', median: outcome.currentValue ?? 0, min: Math.min(...outcome.currentRuns), max: Math.max(...outcome.currentRuns) };
    const svg = renderTrendSvg({ case: c.id, metric: outcome.metric, points: [...earlier, current] }, [], { highlight: now, width: 320, height: 110 });
    return `<figure class="trend"><figcaption><code>${idHtml(c.id)}</code> ${outcome.metric}: ${escapeHtml(row.verdict)}</figcaption>${svg}</figure>`;
  });
  const more =
    judged.length > MAX_SMALL_TRENDS
      ? `<p class="meta">and ${judged.length - MAX_SMALL_TRENDS} more judged metrics (perfsuite history show draws them all)</p>`
      : '';
  return `<h3>Against the history</h3><p class="meta">Each judged metric: the medians of the earlier runs it was judged against, oldest first, and this run (highlighted, with the spread of its runs).</p><div class="trends">${figures.join('')}</div>${more}`;
}

function details(c: CaseResult): string {
  if (c.status === 'pass' || c.netperf.length === 0) return '';
  const runs = c.netperf.map((run) => `$ ${run.argv.map(shellQuote).join(' ')}\n${run.stdout}${run.stderr === '' ? '' : `\nstderr:\n${run.stderr}`}`);
  return `<details><summary>netperf output of ${idHtml(c.id)}</summary><pre>${escapeHtml(runs.join('\n\n'))}</pre></details>`;
}

function dipCell(c: CaseResult): string {
  const dip = deepestDip(c);
  if (dip === undefined) return '<td class="text dip">—</td>';
  // "−38.0% at 1.8 s" stays whole; "(run 3)" may go to a line of its own when the table is tight
  const text = formatDip(dip);
  const run = text.lastIndexOf(' (');
  return `<td class="text dip"><span>${escapeHtml(text.slice(0, run))}</span> <span>${escapeHtml(text.slice(run + 1))}</span></td>`;
}

/** A chart of interim results for each case that kept them. */
function seriesCharts(view: GroupView): string {
  const charts = view.cases.flatMap((c) => {
    const series = caseSeries(c);
    if (series === undefined) return [];
    const every = c.params.interval === undefined ? 'per interval' : `every ${paramText(c, 'interval')}`;
    const runs = plural(series.runs.length, 'run');
    // named like the group table's rows, by the values that tell the group's cases apart
    const name = view.swept.length === 0 ? caseName(view.suite, c) : view.swept.map((p) => `${p}=${paramText(c, p) || '—'}`).join(' · ');
    return [renderSeriesSvg({ name, detail: `${series.metric} ${every}, ${runs}` }, series, deepestDip(c))];
  });
  return charts.length === 0 ? '' : `<div class="series">${charts.join('')}</div>`;
}

/** Each loaded case's flows: what each carried (median of the runs) and its share of its direction, with the case's load_fairness. */
function renderLoadFlows(suite: SuiteResult, tables: readonly FlowTable[], pairs: readonly LoadPair[]): string {
  const unit = columnUnit(
    'load_throughput',
    tables.flatMap((t) => t.rows.map((r) => r.throughput)),
  );
  const body = tables.map(({ case: c, rows }) => {
    const fairness = c.metrics.load_fairness;
    const caption = `<code>${idHtml(c.id)}</code>${fairness === undefined ? '' : ` — load_fairness ${escapeHtml(formatMetric('load_fairness', fairness))}`}`;
    const cells = rows.map(
      (r) =>
        `<tr><td>${r.flow}</td><td class="text">${r.test}</td><td class="text">${r.direction}</td><td class="text">${escapeHtml(r.dscp ?? '—')}</td><td>${r.streams}</td><td>${formatNumber(r.throughput / unit.factor)}</td><td>${Math.round(r.share * 100)}%</td></tr>`,
    );
    const head = `<tr><th>flow</th><th class="text">test</th><th class="text">direction</th><th class="text">DSCP</th><th>streams</th><th>throughput (${escapeHtml(unit.label)})</th><th>share of its direction</th></tr>`;
    const timeline = caseTimeline(c, pairs.find((p) => p.loaded === c)?.idle);
    const chart = timeline === undefined ? '' : `\n${renderTimelineHtml(timeline)}`;
    return `<p class="meta flow-case">${caption}</p>\n<div class="scroll"><table class="load-flows" data-case="${escapeHtml(c.id)}"><thead>${head}</thead><tbody>${cells.join('')}</tbody></table></div>${chart}`;
  });
  return [
    `<section class="load-flows" data-suite="${escapeHtml(suite.name)}">`,
    '<h3>Load flows</h3>',
    `<p class="meta">${escapeHtml(LOAD_FLOWS_MEANING)}</p>`,
    ...body,
    '</section>',
  ].join('\n');
}

/** Idle → loaded, side by side: the idle and loaded values and the change (red when worse), then the load's throughput. */
function renderUnderLoad({ suite, pairs }: UnderLoad): string {
  const units = new Map<MetricName, DisplayUnit>(
    [...UNDER_LOAD_METRICS, 'load_throughput' as const].map((m) => [
      m,
      columnUnit(
        m,
        pairs.flatMap((p) => [p.idle.metrics[m], p.loaded.metrics[m]]),
      ),
    ]),
  );
  const label = (m: MetricName): string => `${m} (${escapeHtml(units.get(m)?.label ?? '')})`;
  const value = (m: MetricName, v: number | undefined): string => (v === undefined ? '—' : formatNumber(v / (units.get(m)?.factor ?? 1)));
  const rows = pairs.map((pair) => {
    const effects = UNDER_LOAD_METRICS.map((m) => {
      const e = loadEffect(pair, m);
      const change = e.change === undefined ? '—' : formatLoadChange(e.change);
      return `<td class="idle">${value(m, e.idle)}</td><td>${value(m, e.loaded)}</td><td${e.isWorse ? ' class="miss"' : ''}>${change}</td>`;
    });
    return `<tr data-idle="${escapeHtml(pair.idle.id)}" data-loaded="${escapeHtml(pair.loaded.id)}"><td class="text">${idHtml(pair.label)}</td><td class="text"${pair.short === pair.load ? '' : ` title="${escapeHtml(pair.load)}"`}>${escapeHtml(pair.short)}</td>${effects.join('')}<td class="idle">${value('load_throughput', pair.loaded.metrics.load_throughput)}</td></tr>`;
  });
  const head = [
    `<tr><th class="text" rowspan="2">case</th><th class="text" rowspan="2">load</th>${UNDER_LOAD_METRICS.map((m) => `<th class="idle" colspan="3">${label(m)}</th>`).join('')}<th class="idle" rowspan="2">load throughput (${escapeHtml(units.get('load_throughput')?.label ?? '')})</th></tr>`,
    `<tr>${UNDER_LOAD_METRICS.map(() => '<th class="idle">idle</th><th>loaded</th><th>change</th>').join('')}</tr>`,
  ];
  return [
    `<section class="under-load" data-suite="${escapeHtml(suite.name)}">`,
    '<h3>Latency under load</h3>',
    `<p class="meta">${escapeHtml(UNDER_LOAD_MEANING)}</p>`,
    `<div class="scroll"><table class="under-load"><thead>${head.join('')}</thead><tbody>${rows.join('')}</tbody></table></div>`,
    '</section>',
  ].join('\n');
}

/** Inline styles of the sticky case columns: each column's width (its widest header piece or cell, generously) and its left offset. */
function stickyColumns(heads: readonly string[], rows: readonly (readonly string[])[]): string[] {
  let left = 0;
  return heads.map((head, i) => {
    const width = Math.ceil(
      Math.max(...head.split(/(?<=_)/).map((piece) => textWidth(piece, 13, true)), ...rows.map((row) => textWidth(row[i] ?? '', 14))) + 14,
    );
    const style = `left:${left}px;min-width:${width}px;max-width:${width}px`;
    left += width;
    return style;
  });
}

function renderGroup(view: GroupView): string {
  const hasSeries = view.cases.some((c) => caseSeries(c) !== undefined);
  const unitOf = columnUnits(view);
  const notes = view.cases.map((c) => {
    const missed = c.thresholds.filter((t) => !t.passed).map((t) => `missed ${t.metric} ${t.expression}`);
    const regressed = (c.regressions ?? []).filter((r) => !r.passed).map((r) => `${r.metric} regressed beyond ${formatTolerance(r)}`);
    const retried = retryNote(c);
    return [
      ...(c.status === 'error' ? [`${c.error?.kind ?? 'error'}: ${c.error?.message ?? ''}`] : [...missed, ...regressed]),
      ...(retried === undefined ? [] : [retried]),
    ].join('; ');
  });
  const noise = view.cases.map((c) => (c.status === 'error' ? [] : noisyMetrics(c).map(noiseTag)));
  // the columns that name a case stay at the left when a wide table scrolls: each as wide as its widest entry, so each knows where the next starts
  // a load of many flows reads as a summary (its id, up to ~1,200 px for rrul's, in the cell's tooltip)
  const cellOf = (c: CaseResult, p: (typeof view.swept)[number]): string =>
    p === 'load' && c.params.load !== undefined ? shortLoad(c.params.load) : paramText(c, p) || '—';
  const identity = view.cases.map((c) => (view.swept.length === 0 ? [caseName(view.suite, c)] : view.swept.map((p) => cellOf(c, p))));
  const sticky = stickyColumns(view.swept.length === 0 ? ['case'] : view.swept, identity);
  // an empty column only pushes the table past the page
  const hasNotes = notes.some((note) => note !== '') || noise.some((tags) => tags.length > 0);
  const head = [
    '<th class="text">status</th>',
    // a parameter's or a metric's name may break after an underscore, so a table of many columns fits the page
    ...(view.swept.length === 0
      ? [`<th class="text case" style="${sticky[0]}">case</th>`]
      : view.swept.map((p, i) => `<th class="text case" style="${sticky[i]}">${p.replaceAll('_', '_<wbr>')}</th>`)),
    ...view.metrics.map((m) => `<th>${m.replaceAll('_', '_<wbr>')}${unitOf(m).label === '' ? '' : ` (${escapeHtml(unitOf(m).label)})`}</th>`),
    ...deltaMetrics(view).map((m) => `<th>Δ ${m}</th>`),
    ...(hasSeries ? [`<th class="text" title="${escapeHtml(DIP_MEANING)}">${DIP_HEADING}</th>`] : []),
    ...(hasNotes ? ['<th class="text">note</th>'] : []),
  ].join('');
  const spreadOf = spreadMetric(view);
  const rows = view.cases.map((c, i) => {
    const params = identity[i] ?? [];
    const warnings = (noise[i] ?? []).map((tag) => `<span class="noisy">⚠ ${escapeHtml(tag)}</span>`);
    const note = hasNotes
      ? `<td class="text note">${[...(notes[i] === undefined || notes[i] === '' ? [] : [escapeHtml(notes[i] ?? '')]), ...warnings].join('; ')}</td>`
      : '';
    return `<tr class="${c.status}" data-case="${escapeHtml(c.id)}"><td class="text">${c.status}</td>${params.map((p, n) => `<td class="text case" style="${sticky[n]}"${view.swept[n] === 'load' && p !== paramText(c, 'load') ? ` title="${escapeHtml(paramText(c, 'load'))}"` : ''}>${escapeHtml(p)}</td>`).join('')}${view.metrics.map((m) => metricCell(c, m, unitOf(m).factor, m === spreadOf ? caseSpread(view, c) : undefined)).join('')}${deltaMetrics(
      view,
    )
      .map((m) => deltaCell(c, m))
      .join('')}${hasSeries ? dipCell(c) : ''}${note}</tr>`;
  });
  const charts = sweepCharts(view).map(renderSweepSvg);
  const latency = view.metrics.includes('latency_p99')
    ? renderLatencySvg(
        view.cases.map((c) => ({ cells: view.swept.length === 0 ? [caseName(view.suite, c)] : view.swept.map((p) => paramText(c, p) || '—'), case: c })),
        view.swept,
      )
    : '';
  return [
    `<section class="group" data-group="${escapeHtml(`${view.suite.name}/${view.name}`)}">`,
    `<h3>${escapeHtml(view.name)} <span class="meta">— ${plural(view.cases.length, 'case')}</span></h3>`,
    ...charts,
    latency,
    seriesCharts(view),
    `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
    ...view.cases.map(details),
    '</section>',
  ].join('\n');
}

/** A case id (or label) as text that may break after each `+` of its load: rrul's load id alone is ~1,200 px wide. */
function idHtml(id: string): string {
  return escapeHtml(id).replaceAll('+', '+<wbr>');
}

/** report.html: one self-contained page (inline CSS and SVG, no script, no network) with the verdict, failures, charts and tables. */
export function renderHtml(result: RunResult): string {
  return [...htmlPieces(result)].join('');
}

/** report.html in pieces, rendered a group at a time as it is written: a large run's report is never held whole. */
export function* htmlPieces(result: RunResult): Generator<string> {
  const verdict = verdictOf(result);
  const env = result.environment;
  const failures = failuresOf(result);
  const comparison = comparisonView(result);
  const failureMarks = failureFootnotes(
    failures,
    comparedMetrics(result).map(({ outcome }) => outcome),
  );
  const failureRows = failures.map((f) => {
    const where = failureLocation(f);
    return `<tr class="${f.case.status}"><td class="text"><code>${idHtml(f.case.id)}</code></td><td class="text">${escapeHtml(describeFailure(f, failureMarks))}</td><td class="text"><code>${escapeHtml(`${where.file}:${where.line}`)}</code></td></tr>`;
  });
  const seconds = runSeconds(result);
  const head = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>perfsuite: ${escapeHtml(verdict.headline)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="verdict ${verdict.outcome}" data-outcome="${verdict.outcome}"><h1>perfsuite: ${escapeHtml(verdict.headline)}</h1></div>
<p class="meta">${plural(verdict.counts.total, 'case')} · ${verdict.counts.pass} passed · ${verdict.counts.fail} failed · ${verdict.counts.error} could not be measured${seconds === undefined ? '' : ` · ${formatDuration(seconds)}`}<br>
netperf ${escapeHtml(env.netperfVersion)} on ${escapeHtml(env.hostname)} (${escapeHtml(`${env.platform} ${env.kernel}, ${env.cpuCount} × ${env.cpuModel}`)}) · perfsuite ${escapeHtml(env.perfsuiteVersion)} · started ${escapeHtml(result.startedAt)}</p>
${mergeNotes(result, '')
  .map((note) => `<p class="warning">${escapeHtml(note)}</p>`)
  .join('\n')}
${failures.length === 0 ? '' : `<h2>Failures (${failures.length})</h2>\n<table class="failures"><thead><tr><th class="text">case</th><th class="text">observed vs expected</th><th class="text">where</th></tr></thead><tbody>${failureRows.join('')}</tbody></table>${failureMarks.size > 0 ? `\n<p class="meta footnotes">${footnoteLines(failureMarks).map(escapeHtml).join('<br>')}</p>` : ''}`}
${comparison === undefined ? '' : renderComparison(comparison)}
`;
  yield head;
  // the pieces after the head, a line apart (none before the first)
  let pieces = 0;
  const apart = (piece: string): string => `${pieces++ === 0 ? '' : '\n'}${piece}`;
  const underLoad = underLoadPairs(result);
  let current: string | undefined;
  const views = groupsOf(result);
  if (showsSpread(views))
    yield apart(
      `<p class="meta spread-note">${escapeHtml(SPREAD_MEANING)}. In the charts, the bar through a point spans that case's lowest to highest run.</p>`,
    );
  for (const view of views) {
    if (view.suite.name !== current) {
      yield apart(`<h2>${escapeHtml(view.suite.name)} <span class="meta"><code>${escapeHtml(view.suite.file)}</code></span></h2>`);
      for (const u of underLoad.filter((u) => u.suite === view.suite)) yield apart(renderUnderLoad(u));
      const flows = loadFlowTables(view.suite);
      if (flows.length > 0)
        yield apart(
          renderLoadFlows(
            view.suite,
            flows,
            underLoad.filter((u) => u.suite === view.suite).flatMap((u) => u.pairs),
          ),
        );
    }
    current = view.suite.name;
    yield apart(renderGroup(view));
  }
  yield '\n</body>\n</html>\n';
}
