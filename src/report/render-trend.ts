import type { ChangePoint, TrendPoint, TrendReport, TrendSeries } from '../model/history.js';
import { isJudgedInPoints, isMetricName, METRICS } from '../model/metrics.js';
import { displayUnit, formatMetric, formatNumber, type DisplayUnit } from '../model/format-metric.js';
import { formatChange, formatJudged, formatP } from './report-text.js';
import { cell, code } from './markdown-text.js';
import { escapeHtml, formatTick, niceScale, round, textWidth } from './svg-charts.js';
import { plural } from '../model/words.js';

/** What the trend report is rendered with: the caller's clock and, when shown beside a run, which entry that run is. */
export interface TrendOptions {
  readonly title: string;
  /** When the report was made (ISO 8601), injected so output stays deterministic. */
  readonly generatedAt: string;
  /** The history entry of the run this report accompanies, highlighted in every chart as "this run". */
  readonly current?: { readonly index: number };
}

export interface TrendSvgOptions {
  /** The entry index drawn as "this run": a larger ring in another colour. */
  readonly highlight?: number;
  /** 680 × 260 by default; below 400 × 160 the chart is compact (smaller type, no legend, no x axis caption). */
  readonly width?: number;
  readonly height?: number;
}

/** Beyond this many points a series gets no hover text per point: the page would grow by a `<circle>` per point. */
const MAX_HOVER_POINTS = 200;
/** Mermaid's xychart needs one x label per point, so Markdown charts show only the newest entries. */
const MAX_MERMAID_POINTS = 40;

const SERIES_COLOR = '#1f77b4';
const CURRENT_COLOR = '#e8590c';
const CHANGE_COLOR = '#8250df';
const TEXT_COLOR = '#57606a';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1b1f23}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}h3{font-size:15px;margin:20px 0 6px;overflow-wrap:anywhere}
.meta{color:#57606a}
div.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}th{background:#f6f8fa}td.text,th.text{text-align:left}table.change-points td{white-space:nowrap}table.change-points td:first-child{white-space:normal;overflow-wrap:anywhere}td.worse{color:#cf222e;font-weight:700}td.better{color:#1a7f37;font-weight:700}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
figure.trend{margin:8px 0 16px}figcaption{color:#57606a;font-size:13px}
svg.chart{display:block;margin:4px 0;max-width:100%;height:auto}
`;

/** The smallest of 1, 2, 5, 10, 20, 50, … at least `min`: how many entries apart x labels are. */
function niceStep(min: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    const step = [1, 2, 5].map((m) => m * magnitude).find((s) => s >= min);
    if (step !== undefined) return step;
  }
}

/** An entry's short name: its commit's first 8 characters, else its index. */
function entryLabel(point: Pick<TrendPoint, 'index' | 'commit'>): string {
  return point.commit === undefined ? String(point.index) : point.commit.slice(0, 8);
}

/** `2026-03-01 14:05` from an ISO date; anything else as given. */
function shortDate(date: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(date) ? date.slice(0, 16).replace('T', ' ') : date;
}

/** What a y axis says: its unit, and that it starts at zero (a trend from zero cannot exaggerate a shift). */
function unitText(metric: string, unit: DisplayUnit): string {
  if (unit.label === '') return metric;
  return unit.label === '/s' ? `${metric} per s` : unit.label;
}

/** A change point's size, the same on the console and in the trend reports: `−10.0%`, or `+0.40 pp` for loss, which is in percent already. */
export function changeText(point: ChangePoint): string {
  // loss is a percentage already: its change is in points (after − before); otherwise three significant figures
  // first, so a float's −9.999…% reads −10.0%, not −10.00%
  return isJudgedInPoints(point.metric) ? formatJudged(point.metric, point.after - point.before) : formatChange(Number((point.change * 100).toPrecision(3)));
}

/** The change points of one series, oldest first. */
function pointsOf(series: TrendSeries, changePoints: readonly ChangePoint[]): ChangePoint[] {
  return changePoints.filter((c) => c.case === series.case && c.metric === series.metric).sort((a, b) => a.index - b.index);
}

/**
 * One series as an inline SVG line chart: x = history entry (oldest left), y = median from zero, each entry's min–max
 * as an error bar, change points as dashed lines with their size. Lean for long series: the line, the error bars and
 * the dots are one element each; hover text per point only up to 200 points.
 */
export function renderTrendSvg(series: TrendSeries, changePoints: readonly ChangePoint[], options: TrendSvgOptions = {}): string {
  const width = options.width ?? 680;
  const height = options.height ?? 260;
  const compact = width < 400 || height < 160;
  const font = compact ? 10 : 11;
  const points = series.points;
  const changes = pointsOf(series, changePoints);

  let highest = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const p of points) {
    highest = Math.max(highest, p.max, p.median);
    first = Math.min(first, p.index);
    last = Math.max(last, p.index);
  }
  const unit = displayUnit(series.metric, highest);
  const scale = niceScale(highest / unit.factor, compact ? 3 : 4);
  const ticks: number[] = [];
  for (let i = 0; i * scale.step <= scale.top + scale.step / 2; i += 1) ticks.push(i * scale.step);
  const tickLabels = ticks.map((t) => formatTick(t));
  const xLabels = points.map(entryLabel);
  const xLabelWidth = xLabels.reduce((widest, l) => Math.max(widest, textWidth(l, font)), 0);
  const yLabelWidth = Math.max(...tickLabels.map((l) => textWidth(l, font)));
  const margin = {
    left: Math.ceil(Math.max(yLabelWidth + 8, xLabelWidth / 2 + 4)),
    right: Math.ceil(Math.max(compact ? 6 : 14, xLabelWidth / 2 + 4)),
    top: compact ? 16 : 28,
    bottom: compact ? 20 : 42,
  };
  const plotWidth = Math.max(1, width - margin.left - margin.right);
  const plotHeight = Math.max(1, height - margin.top - margin.bottom);
  const plotBottom = margin.top + plotHeight;
  const span = last - first;
  const xAt = (index: number): number => margin.left + (span > 0 ? ((index - first) / span) * plotWidth : plotWidth / 2);
  const yAt = (value: number): number => plotBottom - (value / unit.factor / scale.top) * plotHeight;
  const textAttrs = (size: number, color = TEXT_COLOR): string => `font-size="${size}" fill="${color}"`;

  const parts: string[] = [];
  ticks.forEach((tick, i) => {
    const y = round(yAt(tick * unit.factor));
    parts.push(`<line class="grid" x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y}" y2="${y}" stroke="#e1e4e8"/>`);
    parts.push(
      `<text class="tick" x="${margin.left - 5}" y="${round(yAt(tick * unit.factor) + font * 0.35)}" text-anchor="end" ${textAttrs(font)}>${tickLabels[i] ?? ''}</text>`,
    );
  });
  parts.push(
    `<text class="axis" x="${margin.left}" y="${font + 1}" ${textAttrs(font + 1, '#1b1f23')}>${escapeHtml(`${unitText(series.metric, unit)} (axis from 0)`)}</text>`,
  );

  // x labels `step` entries apart, far enough that the widest never touches the next
  const perEntry = span > 0 ? plotWidth / span : Infinity;
  const step = niceStep(Math.ceil((xLabelWidth + font) / perEntry));
  points.forEach((p, i) => {
    if (p.index % step !== 0 && points.length > 1) return;
    parts.push(
      `<text class="tick x" x="${round(xAt(p.index))}" y="${plotBottom + font + (compact ? 7 : 8)}" text-anchor="middle" ${textAttrs(font)}>${escapeHtml(xLabels[i] ?? '')}</text>`,
    );
  });
  if (!compact) {
    const hasCommits = points.some((p) => p.commit !== undefined);
    parts.push(
      `<text class="axis" x="${round(margin.left + plotWidth / 2)}" y="${height - 6}" text-anchor="middle" ${textAttrs(font + 1, '#1b1f23')}>${hasCommits ? 'history entry (commit), oldest left' : 'history entry, oldest left'}</text>`,
    );
  }

  const spread = points.filter((p) => p.max > p.min).map((p) => `M${round(xAt(p.index))} ${round(yAt(p.max))}V${round(yAt(p.min))}`);
  if (spread.length > 0)
    parts.push(`<path class="spread" d="${spread.join('')}" stroke="${SERIES_COLOR}" stroke-opacity="0.45" stroke-width="1.5" fill="none"/>`);
  const line = points.map((p) => `${round(xAt(p.index))},${round(yAt(p.median))}`).join(' ');
  parts.push(`<polyline class="median" points="${line}" fill="none" stroke="${SERIES_COLOR}" stroke-width="${compact ? 1.5 : 2}" stroke-linejoin="round"/>`);
  // each dot a zero-length segment with a round cap: one element for any number of points
  const dots = points.map((p) => `M${round(xAt(p.index))} ${round(yAt(p.median))}h0`).join('');
  parts.push(
    `<path class="dots" d="${dots}" stroke="${SERIES_COLOR}" stroke-width="${points.length > 300 ? 3 : compact ? 4 : 5}" stroke-linecap="round" fill="none"/>`,
  );

  const current = options.highlight === undefined ? undefined : points.find((p) => p.index === options.highlight);
  if (current !== undefined) {
    const cx = round(xAt(current.index));
    const cy = round(yAt(current.median));
    parts.push(
      `<circle class="current" data-index="${current.index}" cx="${cx}" cy="${cy}" r="${compact ? 5 : 7}" fill="none" stroke="${CURRENT_COLOR}" stroke-width="2.5"/><circle cx="${cx}" cy="${cy}" r="${compact ? 2.5 : 3.5}" fill="${CURRENT_COLOR}"/>`,
    );
  }

  // change-point labels on up to three rows at the top of the plot; a label that fits no row is left to its hover text
  const rows: number[] = [];
  for (const change of changes) {
    const x = xAt(change.index);
    const label = changeText(change);
    const labelWidth = textWidth(label, font);
    const toRight = x + 3 + labelWidth <= width - 2;
    const left = toRight ? x + 3 : x - 3 - labelWidth;
    const row = [0, 1, 2].find((r) => (rows[r] ?? -Infinity) + 4 <= left);
    const hover = `${series.metric} changed ${label} from entry ${change.index}${change.commit === undefined ? '' : ` (${change.commit.slice(0, 8)})`}, ${shortDate(change.date)}: ${formatMetric(series.metric, change.before)} → ${formatMetric(series.metric, change.after)}, p = ${formatP(change.p)}`;
    const text =
      row === undefined
        ? ''
        : `<text class="change-label" x="${round(toRight ? x + 3 : x - 3)}" y="${round(margin.top + font + 2 + row * (font + 3))}" text-anchor="${toRight ? 'start' : 'end'}" ${textAttrs(font, CHANGE_COLOR)} font-weight="600" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(label)}</text>`;
    if (row !== undefined) rows[row] = left + labelWidth;
    parts.push(
      `<g class="change-point" data-index="${change.index}"><title>${escapeHtml(hover)}</title><line x1="${round(x)}" x2="${round(x)}" y1="${margin.top}" y2="${plotBottom}" stroke="${CHANGE_COLOR}" stroke-width="1.5" stroke-dasharray="5 3"/>${text}</g>`,
    );
  }

  if (points.length <= MAX_HOVER_POINTS) {
    for (const p of points) {
      const title = `entry ${p.index}${p.commit === undefined ? '' : ` · ${p.commit.slice(0, 8)}`} · ${shortDate(p.date)} · ${formatNumber(p.median / unit.factor)} ${unit.label} (runs ${formatNumber(p.min / unit.factor)}–${formatNumber(p.max / unit.factor)})${p.index === current?.index ? ' · this run' : ''}`;
      parts.push(
        `<circle class="hover" cx="${round(xAt(p.index))}" cy="${round(yAt(p.median))}" r="6" fill="transparent"><title>${escapeHtml(title)}</title></circle>`,
      );
    }
  }

  if (!compact)
    parts.push(
      legend(
        width - margin.right,
        margin.left + textWidth(`${unitText(series.metric, unit)} (axis from 0)`, font + 1) + 16,
        font,
        changes.length > 0,
        current !== undefined,
      ),
    );
  const title = `${series.case} ${series.metric}`;
  return `<svg class="chart" data-chart="trend" data-case="${escapeHtml(series.case)}" data-metric="${escapeHtml(series.metric)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

/** The legend in the top row, right-aligned, left out when it would run into the unit label. */
function legend(right: number, minLeft: number, font: number, hasChanges: boolean, hasCurrent: boolean): string {
  const items: { readonly label: string; readonly glyph: (x: number, y: number) => string }[] = [
    {
      label: 'median',
      glyph: (x, y) =>
        `<line x1="${x}" x2="${x + 16}" y1="${y}" y2="${y}" stroke="${SERIES_COLOR}" stroke-width="2"/><circle cx="${x + 8}" cy="${y}" r="2.5" fill="${SERIES_COLOR}"/>`,
    },
    {
      label: 'min–max of runs',
      glyph: (x, y) => `<line x1="${x + 8}" x2="${x + 8}" y1="${y - 5}" y2="${y + 5}" stroke="${SERIES_COLOR}" stroke-opacity="0.45" stroke-width="1.5"/>`,
    },
    ...(hasChanges
      ? [
          {
            label: 'change point',
            glyph: (x: number, y: number) =>
              `<line x1="${x + 8}" x2="${x + 8}" y1="${y - 6}" y2="${y + 6}" stroke="${CHANGE_COLOR}" stroke-width="1.5" stroke-dasharray="3 2"/>`,
          },
        ]
      : []),
    ...(hasCurrent
      ? [
          {
            label: 'this run',
            glyph: (x: number, y: number) => `<circle cx="${x + 8}" cy="${y}" r="5" fill="none" stroke="${CURRENT_COLOR}" stroke-width="2"/>`,
          },
        ]
      : []),
  ];
  const widths = items.map((item) => 20 + textWidth(item.label, font));
  const total = widths.reduce((a, b) => a + b, 0) + 12 * (items.length - 1);
  if (right - total < minLeft) return '';
  let x = right - total;
  const y = 8;
  const out: string[] = [];
  items.forEach((item, i) => {
    out.push(
      `${item.glyph(x, y)}<text class="legend" x="${round(x + 20)}" y="${y + Math.round(font * 0.35)}" font-size="${font}" fill="${TEXT_COLOR}">${escapeHtml(item.label)}</text>`,
    );
    x += (widths[i] ?? 0) + 12;
  });
  return `<g class="legend">${out.join('')}</g>`;
}

/** How many entries the history has (indices count from 0) and the dates of the first and last one. */
function historySpan(report: TrendReport): { readonly entries: number; readonly from?: string; readonly to?: string } {
  let first: TrendPoint | undefined;
  let last: TrendPoint | undefined;
  for (const series of report.series) {
    for (const p of series.points) {
      if (first === undefined || p.index < first.index) first = p;
      if (last === undefined || p.index > last.index) last = p;
    }
  }
  if (first === undefined || last === undefined) return { entries: 0 };
  return { entries: last.index + 1, from: first.date, to: last.date };
}

/** "42 history entries (runs) from 2026-01-01 10:00 to 2026-03-01 10:00 · 12 series · 2 change points". */
function describeSpan(report: TrendReport, options: TrendOptions): string {
  const span = historySpan(report);
  const dates = span.from === undefined || span.to === undefined ? '' : ` from ${shortDate(span.from)} to ${shortDate(span.to)}`;
  const changes = report.changePoints.length;
  const current = options.current === undefined ? '' : ` · this run is entry ${options.current.index}`;
  return `${plural(span.entries, 'history entry', 'history entries')} (runs)${dates} · ${report.series.length} series · ${plural(changes, 'change point')}${current} · generated ${options.generatedAt}`;
}

const NO_CHANGES = 'No change points: every series stayed at one level.';

/** The series in report order, gathered by case (in the order each case first appears). */
function byCase(report: TrendReport): Map<string, { readonly series: TrendSeries; readonly position: number }[]> {
  const groups = new Map<string, { readonly series: TrendSeries; readonly position: number }[]>();
  report.series.forEach((series, position) => {
    const group = groups.get(series.case) ?? [];
    group.push({ series, position });
    groups.set(series.case, group);
  });
  return groups;
}

/** The trend report as one self-contained page: change points first, then a chart of every series, grouped by case. */
export function renderTrendHtml(report: TrendReport, options: TrendOptions): string {
  const groups = byCase(report);
  const positions = new Map(report.series.map((s, i) => [`${s.case}\0${s.metric}`, i]));
  const rows = report.changePoints.map((c) => {
    const direction = c.after === c.before ? '' : c.after > c.before === isHigherBetter(c.metric) ? ' class="better"' : ' class="worse"';
    const position = positions.get(`${c.case}\0${c.metric}`);
    const caseCell = position === undefined ? `<code>${escapeHtml(c.case)}</code>` : `<a href="#trend-${position}"><code>${escapeHtml(c.case)}</code></a>`;
    return `<tr data-case="${escapeHtml(c.case)}" data-metric="${escapeHtml(c.metric)}"><td class="text">${caseCell}</td><td class="text">${escapeHtml(c.metric)}</td><td>${c.index}</td><td class="text">${c.commit === undefined ? '—' : `<code>${escapeHtml(c.commit.slice(0, 8))}</code>`}</td><td class="text">${escapeHtml(shortDate(c.date))}</td><td>${escapeHtml(`${formatMetric(c.metric, c.before)} → ${formatMetric(c.metric, c.after)}`)}</td><td${direction}>${changeText(c)}</td><td>${formatP(c.p)}</td></tr>`;
  });
  const changes =
    rows.length === 0
      ? `<p class="none">${NO_CHANGES}</p>`
      : `<div class="scroll"><table class="change-points"><thead><tr><th class="text">case</th><th class="text">metric</th><th>entry</th><th class="text">commit</th><th class="text">date</th><th>before → after</th><th>change</th><th>p</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  const sections: string[] = [];
  for (const [id, members] of groups) {
    const figures = members.map(({ series, position }) => {
      const found = pointsOf(series, report.changePoints).length;
      const isCurrentShown = options.current !== undefined && series.points.some((p) => p.index === options.current?.index);
      const caption = [
        `<strong>${escapeHtml(series.metric)}</strong>`,
        plural(series.points.length, 'entry', 'entries'),
        found === 0 ? 'no change point' : plural(found, 'change point'),
        ...(isCurrentShown ? [`this run: entry ${options.current?.index ?? ''} (ringed)`] : []),
      ].join(' · ');
      const highlight = options.current === undefined ? {} : { highlight: options.current.index };
      return `<figure class="trend" id="trend-${position}" data-case="${escapeHtml(series.case)}" data-metric="${escapeHtml(series.metric)}"><figcaption>${caption}</figcaption>${renderTrendSvg(series, report.changePoints, highlight)}</figure>`;
    });
    sections.push(`<section class="case" data-case="${escapeHtml(id)}">\n<h3><code>${escapeHtml(id)}</code></h3>\n${figures.join('\n')}\n</section>`);
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p class="meta summary">${escapeHtml(describeSpan(report, options))}</p>
<h2>Change points (${report.changePoints.length})</h2>
${changes}
<p class="meta">A change point is the first entry after a lasting shift of a series' median; "before" and "after" are the medians of the entries on either side (up to the next change point).</p>
<h2>Trends</h2>
<p class="meta">Each chart: the median of every history entry (a dot per entry, joined), the lowest to highest run of that entry as a vertical bar, change points as dashed lines. The y axis starts at zero.</p>
${sections.length === 0 ? '<p class="none">The history has no measured series.</p>' : sections.join('\n')}
</body>
</html>
`;
}

function isHigherBetter(metric: string): boolean {
  return isMetricName(metric) && METRICS[metric].better === 'higher';
}

/** Text safe inside a double-quoted Mermaid string. */
function mermaidText(text: string): string {
  return text.replaceAll('"', '').replaceAll('\n', ' ');
}

/** One quoted x label per point; Mermaid merges equal labels into one band, so a commit measured twice gets its entry index too. */
function mermaidLabels(points: readonly TrendPoint[]): string[] {
  const labels = points.map(entryLabel);
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return labels.map((label, i) => `"${mermaidText((counts.get(label) ?? 0) > 1 ? `${label} (${points[i]?.index ?? i})` : label)}"`);
}

/** A Mermaid `xychart-beta` of one series' newest entries, the y axis from zero, with a caption naming its change points. */
function renderMermaid(series: TrendSeries, changes: readonly ChangePoint[]): string {
  const shown = series.points.slice(-MAX_MERMAID_POINTS);
  const highest = Math.max(0, ...shown.map((p) => p.median));
  const unit = displayUnit(series.metric, highest);
  const scale = niceScale(highest / unit.factor, 5);
  const oldest = shown[0]?.index ?? 0;
  const named = changes.map((c) => {
    const where = `entry ${c.index}${c.commit === undefined ? '' : ` (${code(c.commit.slice(0, 8))})`}, ${shortDate(c.date)}`;
    const outside = c.index < oldest ? ', before the charted entries' : '';
    return `${changeText(c)} from ${where}: ${formatMetric(series.metric, c.before)} → ${formatMetric(series.metric, c.after)}, p = ${formatP(c.p)}${outside}`;
  });
  const window = shown.length < series.points.length ? ` Showing the last ${shown.length} of ${series.points.length} entries (report.html has them all).` : '';
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${SERIES_COLOR}"}}}}%%`,
    'xychart-beta',
    `  title "${mermaidText(`${series.case} ${series.metric}`)}"`,
    `  x-axis "${shown.some((p) => p.commit !== undefined) ? 'commit' : 'history entry'}" [${mermaidLabels(shown).join(', ')}]`,
    `  y-axis "${mermaidText(unitText(series.metric, unit))}" 0 --> ${Number(scale.top.toPrecision(6))}`,
    `  line [${shown.map((p) => Number((p.median / unit.factor).toPrecision(4))).join(', ')}]`,
    '```',
    '',
    `${changes.length === 1 ? 'Change point' : 'Change points'}: ${named.join('; ')}.${window}`,
  ].join('\n');
}

/** The trend report in Markdown: the change-point table, then a chart of each series that has a change point. */
export function renderTrendMarkdown(report: TrendReport, options: TrendOptions): string {
  const out = [`## ${options.title}`, '', describeSpan(report, options), '', `### Change points (${report.changePoints.length})`, ''];
  if (report.changePoints.length === 0) out.push(NO_CHANGES, '');
  else {
    out.push('| case | metric | entry | commit | date | before → after | change | p |', '|---|---|---:|---|---|---:|---:|---:|');
    for (const c of report.changePoints) {
      out.push(
        `| ${cell(code(c.case))} | ${cell(c.metric)} | ${c.index} | ${c.commit === undefined ? '—' : code(cell(c.commit.slice(0, 8)))} | ${cell(shortDate(c.date))} | ${formatMetric(c.metric, c.before)} → ${formatMetric(c.metric, c.after)} | ${changeText(c)} | ${formatP(c.p)} |`,
      );
    }
    out.push('');
  }
  const charted = report.series.map((series) => ({ series, changes: pointsOf(series, report.changePoints) })).filter(({ changes }) => changes.length > 0);
  if (report.series.length > 0) {
    const quiet = report.series.length - charted.length;
    out.push(`### Trends with a change point (${charted.length} of ${report.series.length} series)`, '');
    if (quiet > 0) out.push(`${quiet} series had no change point and ${quiet === 1 ? 'is' : 'are'} not charted here; report.html charts every series.`, '');
    for (const { series, changes } of charted) out.push(`#### ${code(series.case)} ${series.metric}`, '', renderMermaid(series, changes), '');
  }
  return out.join('\n');
}
