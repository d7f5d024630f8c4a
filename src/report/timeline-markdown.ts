import { displayUnit, formatMetric, formatNumber, formatSignificant } from '../model/format-metric.js';
import { code } from './markdown-text.js';
import { colourName, niceScale, PALETTE } from './svg-charts.js';
import {
  type CaseTimeline,
  commonBins,
  INTERVAL_LATENCY_MEANING,
  MAX_MERMAID_POINTS,
  resample,
  type Steps,
  stepMean,
  stepsEnd,
  sumStreams,
} from './timeline-view.js';

/** One line of a Mermaid chart: its name under the chart, and its values, one per x label. */
interface MermaidLine {
  readonly label: string;
  readonly values: readonly number[];
}

/**
 * A Mermaid `xychart-beta` of lines on shared bins, the y axis from zero in `unit`, the lines in the palette's colours
 * and named by colour under it (Mermaid draws no legend). Values above `top` stop at it, and the caption says so.
 */
function mermaidChart(
  title: string,
  xName: string,
  labels: readonly string[],
  yName: string,
  lines: readonly MermaidLine[],
  top: number,
  notes: readonly string[],
): string {
  const colours = lines.map((_, i) => PALETTE[i % PALETTE.length] ?? '#000000');
  const value = (v: number): number => Number(Math.min(v, top).toPrecision(4));
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${colours.join(', ')}"}}}}%%`,
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis "${xName}" [${labels.map((l) => `"${l}"`).join(', ')}]`,
    `  y-axis "${yName}" 0 --> ${Number(top.toPrecision(6))}`,
    ...lines.map((line) => `  line [${line.values.map(value).join(', ')}]`),
    '```',
    [`Lines: ${lines.map((line, i) => `■ ${colourName(colours[i] ?? '')} ${code(line.label)}`).join(' · ')}`, ...notes].join('; '),
  ].join('\n');
}

/**
 * report.md's charts of a loaded run over time (Mermaid's limits: one x label per point, so at most
 * MAX_MERMAID_POINTS bins, wider than the interval when the run is long; a line per palette colour, so more than eight
 * flows are summed by direction): each flow's throughput over the time all flows ran, then the latency under load
 * against idle over the measured test.
 */
export function renderTimelineMermaid(timeline: CaseTimeline): string[] {
  const charts: string[] = [];
  const bins = commonBins(timeline);
  const interval = timeline.case.params.interval ?? 1;
  const label = (t: number): string => formatSignificant(Math.round(t * 100) / 100);
  if (bins !== undefined) {
    const directions = (['up', 'down'] as const).flatMap((direction) => {
      const own = timeline.flows.filter((f) => f.direction === direction);
      const summed = sumStreams(
        own.map((f) => f.steps),
        interval,
      );
      return summed === undefined ? [] : [{ label: `all ${own.length} ${direction === 'up' ? 'uploads' : 'downloads'}`, steps: summed }];
    });
    const grouped = timeline.flows.length > PALETTE.length;
    const sources: readonly { label: string; steps: Steps }[] = grouped ? directions : timeline.flows;
    const lines = sources.map((s) => ({ label: s.label, values: resample(s.steps, bins.from, bins.to, bins.step).map((b) => b.value) }));
    const labels = resample(sources[0]?.steps ?? { start: 0, points: [] }, bins.from, bins.to, bins.step).map((b) => label(b.t));
    // the y axis as report.html's: scaled to the bins that overlap the measured test (a stream filling its socket buffer
    // as it starts reports several times the link's rate)
    const inWindow = lines.flatMap((l) =>
      l.values.filter((_, i) => bins.from + (i + 1) * bins.step > timeline.measured.from && bins.from + i * bins.step < timeline.measured.to),
    );
    const highest = Math.max(0, ...lines.flatMap((l) => l.values));
    const unit = displayUnit('load_throughput', Math.max(0, ...inWindow));
    const top = niceScale(Math.max(0, ...inWindow) / unit.factor).top;
    const scaled = lines.map((l) => ({ ...l, values: l.values.map((v) => v / unit.factor) }));
    const notes = [
      `mean of each ${formatSignificant(bins.step)} s, from when the last flow started to when the first ended; 0 s is the start of the measured test`,
      ...(grouped ? [`${timeline.flows.length} flows summed by direction (a chart has at most ${PALETTE.length} lines)`] : []),
      ...(highest / unit.factor > top * 1.0001
        ? [`values above ${formatNumber(top)} ${unit.label} (up to ${formatNumber(highest / unit.factor)}, outside the measured test) stop at the top`]
        : []),
    ];
    charts.push(
      mermaidChart(
        `Each load flow's throughput, run ${timeline.run} of ${timeline.runs}`,
        'seconds from the measured test start',
        labels,
        `throughput (${unit.label})`,
        scaled,
        top,
        notes,
      ),
    );
  }
  const latencies = [
    {
      label: `under this load, mean ${formatMetric('latency_mean', stepMean(timeline.latency.steps, 0, stepsEnd(timeline.latency.steps)))}`,
      steps: timeline.latency.steps,
    },
    ...(timeline.idle === undefined
      ? []
      : [{ label: `idle, mean ${formatMetric('latency_mean', stepMean(timeline.idle.steps, 0, stepsEnd(timeline.idle.steps)))}`, steps: timeline.idle.steps }]),
  ];
  const end = Math.min(...latencies.map((l) => stepsEnd(l.steps)));
  if (end >= interval) {
    const step = interval * Math.max(1, Math.ceil(end / interval / MAX_MERMAID_POINTS));
    const to = Math.floor(end / step + 1e-9) * step;
    const lines = latencies.map((l) => ({ label: l.label, values: resample(l.steps, 0, to, step).map((b) => b.value) }));
    const labels = resample(timeline.latency.steps, 0, to, step).map((b) => label(b.t));
    const top = Math.max(0, ...lines.flatMap((l) => l.values));
    const unit = displayUnit('latency_mean', top);
    charts.push(
      mermaidChart(
        `Latency over the measured test, run ${timeline.run}${timeline.idle === undefined ? '' : ' against idle'}`,
        'seconds from the measured test start',
        labels,
        `latency (${unit.label})`,
        lines.map((l) => ({ ...l, values: l.values.map((v) => v / unit.factor) })),
        niceScale(top / unit.factor).top,
        [`mean of each ${formatSignificant(step)} s; ${INTERVAL_LATENCY_MEANING}`],
      ),
    );
  }
  return charts;
}
