import type { MetricName } from '../model/metrics.js';
import type { CaseResult } from '../model/results.js';
import { formatParamValue } from '../suite/normalize-param.js';
import { displayUnit, formatNumber, formatSignificant } from './format.js';
import { formatDip } from './report-text.js';
import type { CaseSeries, Dip, SweepChart } from './view-model.js';

/** Text safe in HTML and SVG, both as content and inside double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const FAIL = '#d62728';

/** A round upper bound for an axis and its tick step: 54.5 → 60 in steps of 10. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 / ticks };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  // a float's 60.000…1 / 10 must not round up to a seventh step
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

/** A coordinate with one decimal, as the SVGs write them. */
export const round = (n: number): string => String(Math.round(n * 10) / 10);

/** An inline SVG line chart of a sweep: one polyline per series, failed cases as red rings, a legend at the right. */
export function renderSweepSvg(chart: SweepChart): string {
  const width = 680;
  const height = 300;
  const margin = { left: 64, right: 190, top: 28, bottom: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const top = Math.max(...chart.series.flatMap((s) => s.points.map((p) => p.y)));
  const unit = displayUnit(chart.metric, top);
  const scale = niceScale(top / unit.factor);
  const xAt = (x: number): number => {
    const index = chart.xValues.indexOf(x);
    return margin.left + (chart.xValues.length === 1 ? plotWidth / 2 : (index / (chart.xValues.length - 1)) * plotWidth);
  };
  const yAt = (y: number): number => margin.top + plotHeight - (y / unit.factor / scale.top) * plotHeight;
  const parts: string[] = [];
  for (let tick = 0; tick <= scale.top + scale.step / 2; tick += scale.step) {
    const y = yAt(tick * unit.factor);
    parts.push(`<line class="grid" x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${round(y)}" y2="${round(y)}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 6}" y="${round(y + 4)}" text-anchor="end">${formatNumber(tick)}</text>`);
  }
  for (const x of chart.xValues) {
    parts.push(`<text class="tick" x="${round(xAt(x))}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${escapeHtml(formatParamValue(chart.axis, x))}</text>`);
  }
  parts.push(`<text class="axis" x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(chart.axis)}</text>`);
  parts.push(`<text class="axis" transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(`${chart.metric} (${unit.label})`)}</text>`);
  chart.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#000';
    const points = series.points.map((p) => `${round(xAt(p.x))},${round(yAt(p.y))}`).join(' ');
    parts.push(`<polyline class="series" data-series="${escapeHtml(series.label)}" fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    for (const p of series.points) {
      const title = `${series.label === '' ? '' : `${series.label}, `}${chart.axis}=${formatParamValue(chart.axis, p.x)}: ${formatNumber(p.y / unit.factor)} ${unit.label}`;
      parts.push(
        `<circle class="point${p.failed ? ' failed' : ''}" cx="${round(xAt(p.x))}" cy="${round(yAt(p.y))}" r="${p.failed ? 6 : 3.5}" fill="${p.failed ? '#fff' : color}" stroke="${p.failed ? FAIL : color}" stroke-width="2"><title>${escapeHtml(title)}</title></circle>`,
      );
    }
    const legendY = margin.top + 8 + i * 18;
    parts.push(`<line x1="${width - margin.right + 14}" x2="${width - margin.right + 34}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text class="legend" x="${width - margin.right + 40}" y="${legendY + 4}">${escapeHtml(series.label === '' ? chart.metric : series.label)}</text>`);
  });
  const title = `${chart.metric} vs ${chart.axis}`;
  return `<svg class="chart" data-chart="sweep" data-metric="${chart.metric}" data-axis="${chart.axis}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

const PERCENTILES: readonly { readonly metric: MetricName; readonly label: string; readonly color: string }[] = [
  { metric: 'latency_p99', label: 'p99', color: '#c6dbef' },
  { metric: 'latency_p90', label: 'p90', color: '#6baed6' },
  { metric: 'latency_p50', label: 'p50', color: '#08519c' },
];

/** Latency percentiles of RR cases as overlaid horizontal bars (p99 behind p90 behind p50), one row per case. */
export function renderLatencySvg(rows: readonly { readonly label: string; readonly case: CaseResult }[]): string {
  const measured = rows.filter((row) => row.case.metrics.latency_p99 !== undefined);
  if (measured.length === 0) return '';
  const rowHeight = 22;
  const margin = { left: 230, right: 70, top: 30, bottom: 34 };
  const width = 680;
  const plotWidth = width - margin.left - margin.right;
  const height = margin.top + margin.bottom + measured.length * rowHeight;
  const top = Math.max(...measured.map((row) => row.case.metrics.latency_p99 ?? 0));
  const unit = displayUnit('latency_p99', top);
  const scale = niceScale(top / unit.factor);
  const xAt = (value: number): number => margin.left + (value / unit.factor / scale.top) * plotWidth;
  const parts: string[] = [];
  for (let tick = 0; tick <= scale.top + scale.step / 2; tick += scale.step) {
    const x = round(xAt(tick * unit.factor));
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${margin.top - 4}" y2="${height - margin.bottom}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${height - margin.bottom + 16}" text-anchor="middle">${formatNumber(tick)}</text>`);
  }
  parts.push(`<text class="axis" x="${margin.left + plotWidth / 2}" y="${height - 4}" text-anchor="middle">latency (${unit.label})</text>`);
  PERCENTILES.forEach((p, i) => {
    const x = margin.left + i * 70;
    parts.push(`<rect x="${x}" y="8" width="12" height="12" fill="${p.color}"/><text class="legend" x="${x + 16}" y="18">${p.label}</text>`);
  });
  measured.forEach((row, i) => {
    const y = margin.top + i * rowHeight;
    const failed = row.case.status !== 'pass';
    parts.push(`<text class="tick${failed ? ' failed' : ''}" x="${margin.left - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(row.label)}</text>`);
    for (const p of PERCENTILES) {
      const value = row.case.metrics[p.metric];
      if (value === undefined) continue;
      parts.push(
        `<rect class="bar" data-percentile="${p.label}" x="${margin.left}" y="${y + 3}" width="${round(xAt(value) - margin.left)}" height="${rowHeight - 6}" fill="${p.color}"><title>${escapeHtml(`${row.label} ${p.label}: ${formatNumber(value / unit.factor)} ${unit.label}`)}</title></rect>`,
      );
    }
    const p99 = row.case.metrics.latency_p99 ?? 0;
    parts.push(`<text class="tick" x="${round(xAt(p99) + 4)}" y="${y + 15}">${formatNumber(p99 / unit.factor)}</text>`);
  });
  return `<svg class="chart" data-chart="latency" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="latency percentiles"><title>latency percentiles</title>${parts.join('')}</svg>`;
}

/** Dash patterns that tell runs apart once the palette's colours repeat: solid, then dashed, then dotted. */
const DASHES = ['', '7 4', '2 3'];

/** The longest title a 680-wide chart shows whole at 12px (at 0.66em a character, wide for most text); a longer one ends in an ellipsis, the tooltip has it all. */
const MAX_TITLE_CHARS = 80;

/**
 * An inline SVG of a case's interim results: the metric from zero against seconds from each run's start (0 to the end
 * of the longest run), one polyline per run (colours, then dash patterns once the colours repeat), the deepest dip
 * ringed, and a legend at the right that lengthens the chart rather than leave it.
 */
export function renderSeriesSvg(title: string, series: CaseSeries, dip?: Dip): string {
  const width = 680;
  const legendRow = 16;
  const margin = { left: 64, right: 96, top: 34, bottom: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = Math.max(220, series.runs.length * legendRow + 8);
  const height = margin.top + plotHeight + margin.bottom;
  const top = Math.max(0, ...series.runs.flatMap((r) => r.points.map((p) => p.value)));
  const unit = displayUnit(series.metric, top);
  const yScale = niceScale(top / unit.factor);
  const seconds = series.seconds > 0 ? series.seconds : 1;
  const xStep = niceScale(seconds).step;
  const xAt = (t: number): number => margin.left + (t / seconds) * plotWidth;
  const yAt = (value: number): number => margin.top + plotHeight - (value / unit.factor / yScale.top) * plotHeight;
  const parts: string[] = [];
  for (let i = 0; i * yScale.step <= yScale.top + yScale.step / 2; i += 1) {
    const y = yAt(i * yScale.step * unit.factor);
    parts.push(`<line class="grid" x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${round(y)}" y2="${round(y)}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 6}" y="${round(y + 4)}" text-anchor="end">${formatNumber(i * yScale.step)}</text>`);
  }
  for (let i = 0; i * xStep <= seconds * (1 + 1e-9); i += 1) {
    const x = round(xAt(i * xStep));
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${formatSignificant(i * xStep)}</text>`);
  }
  parts.push(`<text class="axis" x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">time from the run's start (s)</text>`);
  parts.push(`<text class="axis" transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(`${series.metric} (${unit.label})`)}</text>`);
  const shown = title.length > MAX_TITLE_CHARS ? `${title.slice(0, MAX_TITLE_CHARS - 1)}…` : title;
  parts.push(`<text class="axis title" x="8" y="18">${escapeHtml(shown)}</text>`);
  series.runs.forEach(({ run, points }, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#000';
    const dash = DASHES[Math.floor(i / PALETTE.length) % DASHES.length] ?? '';
    const stroke = (strokeWidth: number): string => `fill="none" stroke="${color}" stroke-width="${strokeWidth}"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}`;
    if (points.length > 0) {
      const coordinates = points.map((p) => `${round(xAt(p.t))},${round(yAt(p.value))}`).join(' ');
      parts.push(`<polyline class="series" data-run="${run}" ${stroke(1.5)} points="${coordinates}"><title>run ${run}</title></polyline>`);
    }
    const legendY = margin.top + 8 + i * legendRow;
    parts.push(`<line class="key" x1="${width - margin.right + 12}" x2="${width - margin.right + 40}" y1="${legendY}" y2="${legendY}" ${stroke(2)}/>`);
    parts.push(`<text class="legend" x="${width - margin.right + 46}" y="${legendY + 4}">run ${run}</text>`);
  });
  if (dip !== undefined) {
    const text = `deepest dip ${formatDip(dip)}: ${formatNumber(dip.value / unit.factor)} ${unit.label} against a mean of ${formatNumber(dip.mean / unit.factor)} ${unit.label}`;
    parts.push(`<circle class="dip" data-run="${dip.run}" cx="${round(xAt(dip.t))}" cy="${round(yAt(dip.value))}" r="6" fill="none" stroke="${FAIL}" stroke-width="2"><title>${escapeHtml(text)}</title></circle>`);
  }
  return `<svg class="chart" data-chart="series" data-metric="${series.metric}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}
