import { displayUnit, formatMetric, formatNumber, formatSignificant } from '../model/format-metric.js';
import { escapeHtml, formatTick, niceScale, PALETTE, round } from './svg-charts.js';
import { maxOf } from '../stats/steps.js';
import { type CaseTimeline, drawnSteps, INTERVAL_LATENCY_MEANING, latencyMean, type Steps } from './timeline-view.js';

const LOADED = '#d62728';
const IDLE = '#1b1f23';
const IDLE_DASH = '2 3';
/** Downloads are dashed, so a flow's direction shows even where the palette's colours repeat. */
const DOWN_DASH = '6 3';

/** A latency line's mean over its run, each interval weighted by its transactions: `10.4 ms`. */
function meanText(steps: Steps): string {
  return formatMetric('latency_mean', latencyMean(steps));
}

/** The largest value of a step function over intervals that overlap [from, to]. */
function peakWithin(steps: Steps, from: number, to: number): number {
  let previous = steps.start;
  let peak = 0;
  for (const p of steps.points) {
    if (p.t > from && previous < to) peak = Math.max(peak, p.value);
    previous = p.t;
  }
  return peak;
}

/**
 * An inline SVG of one loaded run on one time axis, 680 wide: above, each load flow's throughput (a line per flow,
 * downloads dashed); directly under it, on the same time scale, the measured test's mean latency per interval under
 * that load, and the idle case's beside it. The measured test's window is shaded across both. The throughput axis
 * is scaled to what the flows carried during the measured test: a stream filling its socket buffer before the test
 * (or its short last interval after it) can report several times the link's rate, and those points stop at the top
 * with a note, rather than flatten everything else.
 */
export function renderTimelineSvg(whole: CaseTimeline): TimelineDrawing {
  // a long run is drawn from at most MAX_DRAWN_POINTS bins a line; the legend's means are the whole run's
  const interval = whole.case.params.interval ?? 1;
  const drawnLatency = (l: CaseTimeline['latency']): CaseTimeline['latency'] => ({ ...l, steps: drawnSteps(l.steps, interval, 'harmonic') });
  const timeline: CaseTimeline = {
    ...whole,
    flows: whole.flows.map((f) => ({ ...f, steps: drawnSteps(f.steps, interval) })),
    latency: drawnLatency(whole.latency),
    ...(whole.idle === undefined ? {} : { idle: drawnLatency(whole.idle) }),
  };
  const width = 680;
  const margin = { left: 64, right: 20 };
  const plotWidth = width - margin.left - margin.right;
  const { from, to } = timeline;
  const span = to > from ? to - from : 1;
  const xStep = niceScale(span, 8).step;
  const xAt = (t: number): number => margin.left + ((t - from) / span) * plotWidth;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / xStep - 1e-9) * xStep; t <= to + 1e-9; t += xStep) ticks.push(Math.round(t * 1000) / 1000);

  // the throughput panel, scaled to the measured window
  const window = timeline.measured;
  const inWindow = maxOf(timeline.flows.map((f) => peakWithin(f.steps, window.from, window.to)));
  const highest = maxOf(timeline.flows.flatMap((f) => f.steps.points.map((p) => p.value)));
  const top = inWindow > 0 ? inWindow : highest;
  const bitUnit = displayUnit('load_throughput', top);
  const bitScale = niceScale(top / bitUnit.factor);
  const clipped = timeline.flows.filter((f) => f.steps.points.some((p) => p.value / bitUnit.factor > bitScale.top * 1.0001));

  const latencies = [timeline.latency, ...(timeline.idle === undefined ? [] : [timeline.idle])];
  const latencyTop = maxOf(latencies.flatMap((l) => l.steps.points.map((p) => p.value)));
  const timeUnit = displayUnit('latency_mean', latencyTop);
  const timeScale = niceScale(latencyTop / timeUnit.factor);

  const panel = { throughput: { top: 22, height: 200 }, latency: { top: 0, height: 140 } };
  panel.latency.top = panel.throughput.top + panel.throughput.height + 46;

  // the legend: one entry per flow, then the two latency lines (HTML under the chart, in as many columns as fit)
  const entries = [
    ...timeline.flows.map((f, i) => ({ label: f.label, color: PALETTE[i % PALETTE.length] ?? '#000', dash: f.direction === 'down' ? DOWN_DASH : '' })),
    { label: `latency under this load, mean ${meanText(whole.latency.steps)}`, color: LOADED, dash: '' },
    ...(whole.idle === undefined ? [] : [{ label: `latency idle (no load), mean ${meanText(whole.idle.steps)}`, color: IDLE, dash: IDLE_DASH }]),
  ];
  const notes = [
    INTERVAL_LATENCY_MEANING,
    ...(clipped.length === 0
      ? []
      : [
          `${clipped.map((f) => `flow ${f.flow}`).join(', ')} reported more than the top of the throughput axis outside the measured test (up to ${formatNumber(highest / bitUnit.factor)} ${bitUnit.label}: a stream filling its socket buffer as it starts, or its short last interval); those points stop at the top`,
        ]),
    'downloads (TCP_MAERTS) are dashed',
  ];
  const height = panel.latency.top + panel.latency.height + 40;

  const parts: string[] = [];
  const shade = (p: { top: number; height: number }): string =>
    `<rect class="measured" x="${round(xAt(window.from))}" y="${p.top}" width="${round(xAt(window.to) - xAt(window.from))}" height="${p.height}" fill="#f6f8fa"/>`;
  const grid = (p: { top: number; height: number }, scale: { top: number; step: number }, label: string): void => {
    parts.push(shade(p));
    for (let i = 0; i * scale.step <= scale.top + scale.step / 2; i += 1) {
      const y = p.top + p.height - ((i * scale.step) / scale.top) * p.height;
      parts.push(`<line class="grid" x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${round(y)}" y2="${round(y)}"/>`);
      parts.push(`<text class="tick" x="${margin.left - 6}" y="${round(y + 4)}" text-anchor="end">${sameDecimals(i * scale.step, scale.step)}</text>`);
    }
    for (const t of ticks) {
      const x = round(xAt(t));
      parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${p.top}" y2="${p.top + p.height}"/>`);
      parts.push(`<text class="tick" x="${x}" y="${p.top + p.height + 15}" text-anchor="middle">${formatSignificant(t)}</text>`);
    }
    parts.push(`<text class="axis" transform="translate(14 ${p.top + p.height / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(label)}</text>`);
    parts.push(
      `<text class="axis" x="${margin.left + plotWidth / 2}" y="${p.top + p.height + 31}" text-anchor="middle">time from the measured test's start (s)</text>`,
    );
  };
  grid(panel.throughput, bitScale, `throughput (${bitUnit.label})`);
  parts.push(`<text class="detail" x="${round(xAt(window.from) + 4)}" y="${panel.throughput.top - 5}">measured test</text>`);
  grid(panel.latency, timeScale, `latency (${timeUnit.label})`);
  const line = (steps: Steps, p: { top: number; height: number }, factor: number, scaleTop: number): string =>
    steps.points.map((q) => `${round(xAt(q.t))},${round(p.top + p.height - (Math.min(q.value / factor, scaleTop) / scaleTop) * p.height)}`).join(' ');
  timeline.flows.forEach((f, i) => {
    const e = entries[i];
    if (e === undefined) return;
    const points = line(f.steps, panel.throughput, bitUnit.factor, bitScale.top);
    parts.push(
      `<polyline class="flow" data-flow="${f.flow}" data-direction="${f.direction}" ${stroke(e.color, e.dash, 1.75)} points="${points}"><title>${escapeHtml(f.label)}</title></polyline>`,
    );
  });
  if (timeline.idle !== undefined)
    parts.push(
      `<polyline class="latency" data-load="idle" ${stroke(IDLE, IDLE_DASH, 1.75)} points="${line(timeline.idle.steps, panel.latency, timeUnit.factor, timeScale.top)}"><title>latency idle (${escapeHtml(timeline.idle.case.id)}, run ${timeline.idle.run})</title></polyline>`,
    );
  parts.push(
    `<polyline class="latency" data-load="loaded" ${stroke(LOADED, '', 2)} points="${line(timeline.latency.steps, panel.latency, timeUnit.factor, timeScale.top)}"><title>latency under this load (run ${timeline.run})</title></polyline>`,
  );
  const title = `${timeline.case.id}: each load flow's throughput and the latency over time`;
  const every = timeline.case.params.interval === undefined ? '' : `, every ${formatSignificant(timeline.case.params.interval)} s`;
  return {
    heading: `Run ${timeline.run} of ${timeline.runs} (the median transaction_rate)${every}; 0 s is the start of the measured test, the load starts before it`,
    svg: `<svg class="chart" data-chart="timeline" data-case="${escapeHtml(timeline.case.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`,
    legend: entries,
    notes,
  };
}

/** A timeline chart and what goes around it: a heading, the legend's entries (a line's colour and dash), notes. */
export interface TimelineDrawing {
  readonly heading: string;
  readonly svg: string;
  readonly legend: readonly { readonly label: string; readonly color: string; readonly dash: string }[];
  readonly notes: readonly string[];
}

/**
 * report.html's timeline: the heading, the chart (as wide as the page, at most its 680 px), and under it the legend
 * and notes as HTML, so they wrap and the legend falls into one column on a narrow screen.
 */
export function renderTimelineHtml(timeline: CaseTimeline): string {
  const drawing = renderTimelineSvg(timeline);
  const key = (e: TimelineDrawing['legend'][number]): string =>
    `<svg class="key" width="28" height="8" aria-hidden="true"><line x1="1" x2="27" y1="4" y2="4" ${stroke(e.color, e.dash, 2)}/></svg>`;
  return [
    `<div class="timeline" data-case="${escapeHtml(timeline.case.id)}">`,
    `<p class="meta">${escapeHtml(drawing.heading)}</p>`,
    drawing.svg,
    `<ul class="timeline-legend">${drawing.legend.map((e) => `<li>${key(e)} ${escapeHtml(e.label)}</li>`).join('')}</ul>`,
    ...drawing.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`),
    '</div>',
  ].join('');
}

/** A tick of an axis stepping by `step`, with as many decimals as the step needs, so every tick reads alike: 0, 2.5, 5.0, 7.5. */
export function sameDecimals(value: number, step: number): string {
  let decimals = 0;
  while (decimals < 6 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals += 1;
  return value >= 1e4 ? formatTick(value) : value.toFixed(decimals);
}

/** A line's stroke attributes. */
function stroke(color: string, dash: string, w: number): string {
  return `fill="none" stroke="${color}" stroke-width="${w}"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}`;
}
