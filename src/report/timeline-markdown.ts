import { displayUnit, formatMetric, formatSignificant } from '../model/format-metric.js';
import { code } from './markdown-text.js';
import { colourName, niceScale, PALETTE } from './svg-charts.js';
import { maxOf, resampleSteps, sumSteps } from '../stats/steps.js';
import { type CaseTimeline, INTERVAL_LATENCY_MEANING, latencyMean, measuredBins, type Steps } from './timeline-view.js';

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
 * report.md's charts of a loaded run over time, on the same bins (the measured test, see measuredBins; Mermaid's
 * limits: one x label per point, so at most MAX_MERMAID_POINTS bins, wider than the interval when the run is long; a
 * line per palette colour, so more than eight flows are summed by direction): each flow's throughput, then the latency
 * under load against idle.
 */
export function renderTimelineMermaid(timeline: CaseTimeline): string[] {
  const bins = measuredBins(timeline);
  if (bins === undefined) return [];
  const charts: string[] = [];
  const interval = timeline.case.params.interval ?? 1;
  const labels = resampleSteps({ start: bins.from, points: [] }, bins.from, bins.to, bins.step).map((b) => formatSignificant(Math.round(b.t * 100) / 100));
  const every = `mean of each ${formatSignificant(bins.step)} s of the measured test, labelled by the bin's end (0 s is the measured test's start)`;
  const directions = (['up', 'down'] as const).flatMap((direction) => {
    const own = timeline.flows.filter((f) => f.direction === direction);
    const summed = sumSteps(
      own.map((f) => f.steps),
      interval,
    );
    return summed === undefined ? [] : [{ label: `all ${own.length} ${direction === 'up' ? 'uploads' : 'downloads'}`, steps: summed }];
  });
  const grouped = timeline.flows.length > PALETTE.length;
  const sources: readonly { label: string; steps: Steps }[] = grouped ? directions : timeline.flows;
  const lines = sources.map((s) => ({ label: s.label, values: resampleSteps(s.steps, bins.from, bins.to, bins.step).map((b) => b.value) }));
  const top = maxOf(lines.flatMap((l) => l.values));
  const unit = displayUnit('load_throughput', top);
  charts.push(
    mermaidChart(
      `Each load flow's throughput, run ${timeline.run} of ${timeline.runs}`,
      'seconds from the measured test start',
      labels,
      `throughput (${unit.label})`,
      lines.map((l) => ({ ...l, values: l.values.map((v) => v / unit.factor) })),
      niceScale(top / unit.factor).top,
      [every, ...(grouped ? [`${timeline.flows.length} flows summed by direction (a chart has at most ${PALETTE.length} lines)`] : [])],
    ),
  );
  const latencies = [
    { label: `under this load, mean ${formatMetric('latency_mean', latencyMean(timeline.latency.steps))}`, steps: timeline.latency.steps },
    ...(timeline.idle === undefined
      ? []
      : [{ label: `idle, mean ${formatMetric('latency_mean', latencyMean(timeline.idle.steps))}`, steps: timeline.idle.steps }]),
  ];
  // each bin weighted by its transactions; a bin the idle run did not reach (it ended first) keeps its last figure
  const latencyLines = latencies.map((l) => {
    let last = 0;
    const values = resampleSteps(l.steps, bins.from, bins.to, bins.step, 'harmonic').map((b) => (b.value > 0 ? (last = b.value) : last));
    return { label: l.label, values };
  });
  const latencyTop = maxOf(latencyLines.flatMap((l) => l.values));
  const timeUnit = displayUnit('latency_mean', latencyTop);
  charts.push(
    mermaidChart(
      `Latency over the measured test, run ${timeline.run}${timeline.idle === undefined ? '' : ' against idle'}`,
      'seconds from the measured test start',
      labels,
      `latency (${timeUnit.label})`,
      latencyLines.map((l) => ({ ...l, values: l.values.map((v) => v / timeUnit.factor) })),
      niceScale(latencyTop / timeUnit.factor).top,
      [`${every}; ${INTERVAL_LATENCY_MEANING}`],
    ),
  );
  return charts;
}
