import type { MetricName } from '../model/metrics.js';
import type { CaseResult } from '../model/results.js';
import { displayUnit, formatMetric, formatNumber, formatSignificant } from '../model/format-metric.js';
import { formatDip } from './report-text.js';
import type { CaseSeries, Dip } from './series-view.js';
import { sweepAxisName, sweepXLabel, sweepXName, type SweepChart, type SweepLimit, type SweepX } from './sweep-view.js';
import { plural } from '../model/words.js';
import { maxOf } from '../stats/steps.js';

/** Text safe in HTML and SVG, both as content and inside double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** The line colours of every chart, HTML and Mermaid alike: high-contrast on white, each with the name a legend gives it. */
const COLOURS = [
  ['#1f77b4', 'blue'],
  ['#ff7f0e', 'orange'],
  ['#2ca02c', 'green'],
  ['#9467bd', 'purple'],
  ['#8c564b', 'brown'],
  ['#e377c2', 'pink'],
  ['#17becf', 'cyan'],
  ['#7f7f7f', 'grey'],
] as const;
export const PALETTE: readonly string[] = COLOURS.map(([hex]) => hex);

/** What a legend calls a palette colour: `blue`; any other colour by its code. */
export function colourName(hex: string): string {
  return COLOURS.find(([code]) => code === hex)?.[1] ?? hex;
}
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

/** The horizontal grid lines of a chart's y axis and their tick labels, 0 to the scale's top. */
/**
 * A y-axis tick: 150k, 2.5M past 10,000, so a six-digit rate (a loopback TCP_RR) stays clear of the axis title beside
 * the ticks; smaller numbers as tables print them.
 */
export function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${formatSignificant(value / 1e6)}M`;
  if (magnitude >= 1e4) return `${formatSignificant(value / 1e3)}k`;
  return formatNumber(value);
}

function yGrid(scale: { top: number; step: number }, left: number, right: number, yAt: (tick: number) => number): string[] {
  const parts: string[] = [];
  for (let i = 0; i * scale.step <= scale.top + scale.step / 2; i += 1) {
    const y = yAt(i * scale.step);
    parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${round(y)}" y2="${round(y)}"/>`);
    parts.push(`<text class="tick" x="${left - 6}" y="${round(y + 4)}" text-anchor="end">${formatTick(i * scale.step)}</text>`);
  }
  return parts;
}

/** Marker shapes that tell coinciding lines apart: the first line of a coinciding set keeps the circle. */
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'down', 'cross', 'x', 'star'] as const;
type Marker = (typeof MARKERS)[number];

const CROSS = [
  [-0.35, -1.1],
  [0.35, -1.1],
  [0.35, -0.35],
  [1.1, -0.35],
  [1.1, 0.35],
  [0.35, 0.35],
  [0.35, 1.1],
  [-0.35, 1.1],
  [-0.35, 0.35],
  [-1.1, 0.35],
  [-1.1, -0.35],
  [-0.35, -0.35],
] as const;

/** A marker of `shape` centred on (x, y), `r` its radius, with `attributes` (class, fill, stroke) and a tooltip. */
function marker(shape: Marker, x: number, y: number, r: number, attributes: string, title: string): string {
  const tip = `<title>${escapeHtml(title)}</title>`;
  if (shape === 'circle') return `<circle data-marker="circle" cx="${round(x)}" cy="${round(y)}" r="${r}" ${attributes}>${tip}</circle>`;
  const at = (points: readonly (readonly [number, number])[]): string => `M${points.map(([dx, dy]) => `${round(x + dx * r)},${round(y + dy * r)}`).join('L')}Z`;
  const d = {
    square: at([
      [-0.9, -0.9],
      [0.9, -0.9],
      [0.9, 0.9],
      [-0.9, 0.9],
    ]),
    triangle: at([
      [0, -1.2],
      [1.1, 0.8],
      [-1.1, 0.8],
    ]),
    diamond: at([
      [0, -1.25],
      [1.25, 0],
      [0, 1.25],
      [-1.25, 0],
    ]),
    down: at([
      [0, 1.2],
      [1.1, -0.8],
      [-1.1, -0.8],
    ]),
    cross: at(CROSS),
    x: at(CROSS.map(([dx, dy]) => [(dx - dy) * Math.SQRT1_2, (dx + dy) * Math.SQRT1_2] as const)),
    star: at(
      Array.from(
        { length: 10 },
        (_, k) => [Math.sin((k * Math.PI) / 5) * (k % 2 === 0 ? 1.35 : 0.6), -Math.cos((k * Math.PI) / 5) * (k % 2 === 0 ? 1.35 : 0.6)] as const,
      ),
    ),
  }[shape];
  return `<path data-marker="${shape}" d="${d}" ${attributes}>${tip}</path>`;
}

/** Lines that coincide: the same sizes, every value within 1% of the other line's. */
function coincide(a: SweepChart['series'][number], b: SweepChart['series'][number]): boolean {
  if (a.points.length !== b.points.length) return false;
  return a.points.every((p, i) => {
    const q = b.points[i];
    return q !== undefined && q.x === p.x && Math.abs(p.y - q.y) <= 0.01 * Math.max(Math.abs(p.y), Math.abs(q.y));
  });
}

/** The chart's lines in sets that coincide (each set of two or more, in chart order), for distinct markers and a note. */
export function coincidingSets(chart: SweepChart): number[][] {
  const sets: number[][] = [];
  chart.series.forEach((series, i) => {
    const set = sets.find((s) => coincide(chart.series[s[0] ?? 0] ?? series, series));
    if (set === undefined) sets.push([i]);
    else set.push(i);
  });
  return sets.filter((s) => s.length > 1);
}

/** Above this multiple of the highest value, a threshold is named at the top of the chart rather than squash the lines. */
const MAX_LIMIT_STRETCH = 2;

/**
 * An inline SVG line chart of a sweep, 680 wide: the metric from zero against the swept size (`default` as a
 * category at the left), one polyline per series with each case's spread as an error bar, failed cases as red rings,
 * the group's thresholds as dashed lines labelled with their expressions, lines that coincide with distinct markers
 * and a note, and the legend under the plot, every label whole (wrapped, never clipped).
 */
export function renderSweepSvg(chart: SweepChart): string {
  const width = 680;
  const font = 11;
  const limits = chart.limits ?? [];
  const highest = Math.max(...chart.series.flatMap((s) => s.points.map((p) => Math.max(p.y, p.high ?? p.y))));
  const drawn = limits.filter((l) => l.limit >= 0 && l.limit <= highest * MAX_LIMIT_STRETCH);
  const above = limits.filter((l) => !drawn.includes(l) && l.limit > 0);
  const top = Math.max(highest, ...drawn.map((l) => l.limit));
  const unit = displayUnit(chart.metric, top);
  const scale = niceScale(top / unit.factor);
  const applies = (l: SweepLimit): string => (chart.cases === undefined || l.cases >= chart.cases ? '' : ` (${plural(l.cases, 'case')} of ${chart.cases})`);
  const aboveLines = above.flatMap((l) => wrapText(`threshold ${chart.metric} ${l.expression}${applies(l)}: above the top of this axis`, width - 16, font));
  const margin = { left: 64, right: 24, top: 28 + aboveLines.length * 14, bottom: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = 220;
  const sets = coincidingSets(chart);
  const shapeOf = (i: number): Marker => {
    const set = sets.find((s) => s.includes(i));
    return set === undefined ? 'circle' : (MARKERS[set.indexOf(i) % MARKERS.length] ?? 'circle');
  };
  const label = (series: SweepChart['series'][number]): string => (series.label === '' ? chart.metric : series.label);
  // the legend under the plot: as many columns as the longest label allows, a label too long for a line wrapped
  const sample = 40;
  const column = Math.min(width - 16, sample + Math.max(...chart.series.map((s) => textWidth(label(s), font))) + 16);
  const columns = Math.max(1, Math.floor((width - 16) / column));
  const legend = chart.series.map((s) => wrapText(label(s), column - sample - 15, font));
  const rows = Array.from({ length: Math.ceil(legend.length / columns) }, (_, r) =>
    Math.max(...legend.slice(r * columns, (r + 1) * columns).map((l) => l.length)),
  );
  const rowTop = (r: number): number => margin.top + plotHeight + margin.bottom + 6 + rows.slice(0, r).reduce((sum, n) => sum + n * 14 + 4, 0);
  const legendHeight = rowTop(rows.length) - rowTop(0);
  const notes = [
    ...(sets.length === 0
      ? []
      : [
          `${sets.map((s) => `${s.length} lines coincide (within 1%): ${s.map((i) => label(chart.series[i] ?? chart.series[0]!)).join(', ')}`).join('; ')}; their markers tell them apart`,
        ]),
    ...(chart.series.some((s) => s.points.some((p) => p.failed)) ? ['a red ring marks a case that failed (a threshold or a regression)'] : []),
  ];
  const note = notes.length === 0 ? [] : wrapText(notes.join('; '), width - 16, font);
  const height = margin.top + plotHeight + margin.bottom + 6 + legendHeight + note.length * 14 + 8;
  // the first and last sizes sit inset from the axes, so their markers never cover a tick label
  const inset = 16;
  const xAt = (x: SweepX): number => {
    const index = chart.xValues.indexOf(x);
    return margin.left + (chart.xValues.length === 1 ? plotWidth / 2 : inset + (index / (chart.xValues.length - 1)) * (plotWidth - 2 * inset));
  };
  const yAt = (y: number): number => margin.top + plotHeight - (y / unit.factor / scale.top) * plotHeight;
  const parts = yGrid(scale, margin.left, margin.left + plotWidth, (tick) => yAt(tick * unit.factor));
  const axisName = sweepAxisName(chart);
  for (const x of chart.xValues) {
    parts.push(
      `<text class="tick" data-x="${x}" x="${round(xAt(x))}" y="${margin.top + plotHeight + 19}" text-anchor="middle">${escapeHtml(sweepXLabel(chart, x))}</text>`,
    );
  }
  parts.push(`<text class="axis" x="${margin.left + plotWidth / 2}" y="${margin.top + plotHeight + 40}" text-anchor="middle">${escapeHtml(axisName)}</text>`);
  parts.push(
    `<text class="axis" transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(unit.label === '' ? chart.metric : `${chart.metric} (${unit.label})`)}</text>`,
  );
  // thresholds: a dashed line at the limit, its expression above the line's right end, else just below it (at the top
  // of the axis), else the nearest free row inside the plot, so that labels of close limits never overlap
  // and never on a case's marker or error bar under the label (a failed case's red ring most of all)
  const labelRows: number[] = [];
  const markers = chart.series.flatMap((series) => series.points.map((p) => ({ x: xAt(p.x), top: yAt(p.high ?? p.y) - 7, bottom: yAt(p.low ?? p.y) + 7 })));
  const freeRow = (y: number, text: string): number => {
    const left = margin.left + plotWidth - 4 - textWidth(text, font);
    const inside = (row: number): boolean => row >= margin.top + 10 && row <= margin.top + plotHeight - 2;
    // a marker and its error bar, from its highest run to its lowest
    const clear = (row: number): boolean => markers.every((m) => m.x + 8 < left || m.bottom < row - 10 || m.top > row + 3);
    const free = (row: number): boolean => clear(row) && labelRows.every((taken) => Math.abs(taken - row) >= 13);
    for (let k = 0; k < 2 * drawn.length + 2 + markers.length; k += 1) {
      for (const row of [y - 4 - 13 * k, y + 13 + 13 * k]) if (inside(row) && free(row)) return row;
    }
    return y - 4;
  };
  for (const l of drawn) {
    const y = yAt(l.limit);
    const text = `${l.expression}${applies(l)}`;
    const labelY = freeRow(y, text);
    labelRows.push(labelY);
    parts.push(
      `<g class="threshold" data-limit="${l.limit}"><line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${round(y)}" y2="${round(y)}" stroke="${FAIL}" stroke-width="1.5" stroke-dasharray="6 4"/><text class="threshold" x="${margin.left + plotWidth - 4}" y="${round(labelY)}" text-anchor="end">${escapeHtml(text)}</text><title>${escapeHtml(`threshold ${chart.metric} ${text}`)}</title></g>`,
    );
  }
  aboveLines.forEach((line, i) => parts.push(`<text class="threshold above" x="8" y="${14 + i * 14}">${escapeHtml(line)}</text>`));
  chart.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#000';
    const shape = shapeOf(i);
    const points = series.points.map((p) => `${round(xAt(p.x))},${round(yAt(p.y))}`).join(' ');
    parts.push(`<polyline class="series" data-series="${escapeHtml(series.label)}" fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    for (const p of series.points) {
      const x = xAt(p.x);
      const range = p.low === undefined || p.high === undefined ? '' : ` (runs ${formatNumber(p.low / unit.factor)} to ${formatNumber(p.high / unit.factor)})`;
      const title = `${series.label === '' ? '' : `${series.label}, `}${sweepXName(chart, p.x)}: ${formatNumber(p.y / unit.factor)} ${unit.label}${range}`;
      if (p.low !== undefined && p.high !== undefined && p.high > p.low) {
        const [y1, y2] = [round(yAt(p.low)), round(yAt(p.high))];
        parts.push(
          `<g class="error-bar" data-series="${escapeHtml(series.label)}" data-x="${p.x}" stroke="${color}" stroke-width="1.5"><line x1="${round(x)}" x2="${round(x)}" y1="${y1}" y2="${y2}"/><line x1="${round(x - 4)}" x2="${round(x + 4)}" y1="${y1}" y2="${y1}"/><line x1="${round(x - 4)}" x2="${round(x + 4)}" y1="${y2}" y2="${y2}"/></g>`,
        );
      }
      const attributes = `class="point${p.failed ? ' failed' : ''}" data-series="${escapeHtml(series.label)}" data-x="${p.x}" fill="${p.failed ? '#fff' : color}" stroke="${p.failed ? FAIL : color}" stroke-width="2"`;
      parts.push(marker(shape, x, yAt(p.y), p.failed ? 6 : 3.5, attributes, title));
    }
    const r = Math.floor(i / columns);
    const lines = legend[i] ?? [];
    const left = 8 + (i % columns) * column;
    const y = rowTop(r) + 8;
    parts.push(`<line class="key" x1="${left}" x2="${left + 28}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>`);
    parts.push(marker(shape, left + 14, y, 3.5, `class="key" fill="${color}" stroke="${color}"`, label(series)));
    lines.forEach((line, n) => parts.push(`<text class="legend" x="${left + sample}" y="${y + 4 + n * 14}">${escapeHtml(line)}</text>`));
  });
  note.forEach((line, i) => parts.push(`<text class="note" x="8" y="${height - 10 - (note.length - 1 - i) * 14}">${escapeHtml(line)}</text>`));
  const title = `${chart.metric} vs ${axisName}`;
  return `<svg class="chart" data-chart="sweep" data-metric="${chart.metric}" data-axis="${escapeHtml(axisName)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

const PERCENTILES: readonly { readonly metric: MetricName; readonly label: string; readonly color: string }[] = [
  { metric: 'latency_p99', label: 'p99', color: '#c6dbef' },
  { metric: 'latency_p90', label: 'p90', color: '#6baed6' },
  { metric: 'latency_p50', label: 'p50', color: '#08519c' },
];

/** Generous text widths (0.66 em a character, 0.72 em bold: DejaVu Sans digits are 0.64 em), so laid-out labels never collide in a real browser. */
export const textWidth = (text: string, fontSize: number, bold = false): number => [...text].length * fontSize * (bold ? 0.72 : 0.66);

/** `text` as it fits in `width` pixels: whole, or cut short with "…" (the caller keeps the whole in a tooltip). */
export function fitText(text: string, width: number, fontSize: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= width) return text;
  return `${[...text].slice(0, Math.max(1, Math.floor(width / textWidth('x', fontSize, bold)) - 1)).join('')}…`;
}

/**
 * `text` in lines of at most `width` pixels: broken after a space or a comma, a lone "·" kept at the end of the line
 * before it, and only a word longer than a whole line cut short with "…". SVG text does not wrap by itself.
 */
export function wrapText(text: string, width: number, fontSize: number, bold = false): string[] {
  const words: string[] = [];
  for (const word of text.split(/(?<=[ ,])/)) {
    if (word.trim() === '·' && words.length > 0) words[words.length - 1] += word;
    else words.push(word);
  }
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && textWidth((line + word).trimEnd(), fontSize, bold) > width) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += word;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines.map((l) => fitText(l, width, fontSize, bold));
}

/** A row label of a latency chart longer than this many characters is cut short with "…"; its tooltip has it all. */
const MAX_CELL_CHARS = 32;

/** One row of a latency chart: its label, a cell per column (the group's swept values, or the case's name alone), and the case. */
export interface LatencyRow {
  readonly cells: readonly string[];
  readonly case: CaseResult;
}

/**
 * Latency percentiles of RR cases as overlaid horizontal bars (p99 behind p90 behind p50), one row per case, labelled
 * by `columns` (the swept parameters, named above their values, each column as wide as its longest entry) and the
 * p99 at the end of each bar, in its own unit (22 µs beside 23.0 ms).
 */
export function renderLatencySvg(rows: readonly LatencyRow[], columns: readonly string[] = []): string {
  const measured = rows.filter((row) => row.case.metrics.latency_p99 !== undefined);
  if (measured.length === 0) return '';
  const font = 11;
  const cut = (text: string): string => (text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text);
  const count = Math.max(columns.length, ...measured.map((row) => row.cells.length));
  const widths = Array.from({ length: count }, (_, i) =>
    Math.max(textWidth(cut(columns[i] ?? ''), font, true), ...measured.map((row) => textWidth(cut(row.cells[i] ?? ''), font, true))),
  );
  const starts = widths.map((_, i) => 8 + widths.slice(0, i).reduce((sum, w) => sum + w + 14, 0));
  const rowHeight = 22;
  const margin = { left: Math.max(120, (starts.at(-1) ?? 0) + (widths.at(-1) ?? 0) + 10), right: 70, top: 30, bottom: 34 };
  const plotWidth = Math.max(360, 680 - margin.left - margin.right);
  const width = margin.left + plotWidth + margin.right;
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
  columns.forEach((name, i) => parts.push(`<text class="column" x="${round(starts[i] ?? 0)}" y="18">${escapeHtml(cut(name))}</text>`));
  PERCENTILES.forEach((p, i) => {
    const x = margin.left + i * 70;
    parts.push(`<rect x="${x}" y="8" width="12" height="12" fill="${p.color}"/><text class="legend" x="${x + 16}" y="18">${p.label}</text>`);
  });
  measured.forEach((row, i) => {
    const y = margin.top + i * rowHeight;
    const failed = row.case.status !== 'pass';
    const label = row.cells.map((cell, c) => (columns[c] === undefined ? cell : `${columns[c]}=${cell}`)).join(' ');
    const cells = row.cells.map(
      (cell, c) => `<text class="tick cell${failed ? ' failed' : ''}" x="${round(starts[c] ?? 0)}" y="${y + 15}">${escapeHtml(cut(cell))}</text>`,
    );
    parts.push(`<g class="label"><title>${escapeHtml(label)}</title>${cells.join('')}</g>`);
    for (const p of PERCENTILES) {
      const value = row.case.metrics[p.metric];
      if (value === undefined) continue;
      parts.push(
        `<rect class="bar" data-percentile="${p.label}" x="${margin.left}" y="${y + 3}" width="${round(xAt(value) - margin.left)}" height="${rowHeight - 6}" fill="${p.color}"><title>${escapeHtml(`${label} ${p.label}: ${formatMetric(p.metric, value)}`)}</title></rect>`,
      );
    }
    const p99 = row.case.metrics.latency_p99 ?? 0;
    parts.push(`<text class="tick" x="${round(xAt(p99) + 4)}" y="${y + 15}">${escapeHtml(formatMetric('latency_p99', p99))}</text>`);
  });
  return `<svg class="chart" data-chart="latency" viewBox="0 0 ${round(width)} ${height}" width="${round(width)}" height="${height}" role="img" aria-label="latency percentiles"><title>latency percentiles</title>${parts.join('')}</svg>`;
}

/** Dash patterns that tell runs apart once the palette's colours repeat: solid, then dashed, then dotted. */
const DASHES = ['', '7 4', '2 3'];

/** What a chart of interim results is of: the case (by its swept values), and the metric, interval and runs. */
export interface SeriesHeading {
  readonly name: string;
  readonly detail: string;
}

/**
 * An inline SVG of a case's interim results, 560 wide so two fit side by side on a 1200 px page: the case's name,
 * wrapped onto as many lines as it takes, and the metric, interval and runs under it in grey; the metric from zero
 * against seconds from each run's start (0 to the end of the longest run, or to the tick just past it), one polyline per run
 * (colours, then dash patterns once the colours repeat; a run of one interim result is its point alone), the deepest
 * dip ringed, and, for more than one run, a legend at the right that lengthens the chart rather than leave it.
 */
export function renderSeriesSvg(heading: SeriesHeading, series: CaseSeries, dip?: Dip): string {
  const width = 560;
  const legendRow = 16;
  const keyed = series.runs.length > 1;
  // a run with one interim result draws as that point alone (a line to it would claim values nobody measured), and the
  // chart says it is alone; why, only for request/response tests, whose interim results wait for enough transactions
  const single = series.runs.filter((r) => r.points.length === 1).map((r) => r.run);
  const why = series.metric === 'transaction_rate' ? ': it reports only after enough transactions, so a slow run gets few' : '';
  const sparse = single.length === 0 ? '' : `netperf reported one interim result in run ${single.join(', ')}${why}`;
  const lines = [
    ...wrapText(heading.name, width - 16, 12).map((line) => ({ line, css: 'axis title' })),
    ...wrapText(heading.detail, width - 16, 11).map((line) => ({ line, css: 'detail title' })),
    ...(sparse === '' ? [] : wrapText(sparse, width - 16, 11).map((line) => ({ line, css: 'detail title' }))),
  ];
  const margin = { left: 64, right: keyed ? 96 : 20, top: 18 + lines.length * 16, bottom: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = Math.max(200, series.runs.length * legendRow + 8);
  const height = margin.top + plotHeight + margin.bottom;
  const top = maxOf(series.runs.flatMap((r) => r.points.map((p) => p.value)));
  const unit = displayUnit(series.metric, top);
  const yScale = niceScale(top / unit.factor);
  // a run ending just short of a tick (4.99 s) ends the axis at that tick, labelled, rather than past the last label
  const seconds = series.seconds > 0 ? series.seconds : 1;
  const xStep = niceScale(seconds, 6).step;
  const nextTick = Math.ceil(seconds / xStep - 1e-9) * xStep;
  const xEnd = nextTick <= seconds * 1.05 ? nextTick : seconds;
  const xAt = (t: number): number => margin.left + (t / xEnd) * plotWidth;
  const yAt = (value: number): number => margin.top + plotHeight - (value / unit.factor / yScale.top) * plotHeight;
  const parts = yGrid(yScale, margin.left, margin.left + plotWidth, (tick) => yAt(tick * unit.factor));
  for (let i = 0; i * xStep <= xEnd * (1 + 1e-9); i += 1) {
    const x = round(xAt(i * xStep));
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${formatSignificant(i * xStep)}</text>`);
  }
  parts.push(`<text class="axis" x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">time from the run's start (s)</text>`);
  parts.push(
    `<text class="axis" transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(`${series.metric} (${unit.label})`)}</text>`,
  );
  lines.forEach(({ line, css }, i) => parts.push(`<text class="${css}" x="8" y="${18 + i * 16}">${escapeHtml(line)}</text>`));
  series.runs.forEach(({ run, points }, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#000';
    const dash = DASHES[Math.floor(i / PALETTE.length) % DASHES.length] ?? '';
    const stroke = (strokeWidth: number): string =>
      `fill="none" stroke="${color}" stroke-width="${strokeWidth}"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}`;
    const [only] = points;
    if (points.length === 1 && only !== undefined) {
      const text = `run ${run}: ${formatNumber(only.value / unit.factor)} ${unit.label} at ${formatSignificant(only.t)} s`;
      parts.push(
        `<circle class="marker" data-run="${run}" cx="${round(xAt(only.t))}" cy="${round(yAt(only.value))}" r="4" fill="${color}"><title>${escapeHtml(text)}</title></circle>`,
      );
    } else if (points.length > 1) {
      const coordinates = points.map((p) => `${round(xAt(p.t))},${round(yAt(p.value))}`).join(' ');
      parts.push(`<polyline class="series" data-run="${run}" ${stroke(1.5)} points="${coordinates}"><title>run ${run}</title></polyline>`);
    }
    if (!keyed) return;
    const legendY = margin.top + 8 + i * legendRow;
    parts.push(`<line class="key" x1="${width - margin.right + 12}" x2="${width - margin.right + 40}" y1="${legendY}" y2="${legendY}" ${stroke(2)}/>`);
    parts.push(`<text class="legend" x="${width - margin.right + 46}" y="${legendY + 4}">run ${run}</text>`);
  });
  if (dip !== undefined) {
    const text = `deepest dip ${formatDip(dip)}: ${formatNumber(dip.value / unit.factor)} ${unit.label} against a mean of ${formatNumber(dip.mean / unit.factor)} ${unit.label}`;
    parts.push(
      `<circle class="dip" data-run="${dip.run}" cx="${round(xAt(dip.t))}" cy="${round(yAt(dip.value))}" r="6" fill="none" stroke="${FAIL}" stroke-width="2"><title>${escapeHtml(text)}</title></circle>`,
    );
  }
  const title = `${heading.name}: ${heading.detail}`;
  return `<svg class="chart" data-chart="series" data-metric="${series.metric}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}
