import { METRIC_NAMES, type MetricName } from '../model/metrics.js';
import { appendTo } from '../model/collections.js';
import type { CaseResult, RunResult, SuiteResult } from '../model/results.js';
import { PARAM_ORDER, type ParamName } from '../model/suite-types.js';
import { formatParamValue } from '../suite/normalize-param.js';
import { columnUnit, type DisplayUnit } from '../model/format-metric.js';

/** A group of one suite as the reports show it: its cases, the parameters it sweeps, the metrics it produced. */
export interface GroupView {
  readonly suite: SuiteResult;
  readonly name: string;
  readonly cases: readonly CaseResult[];
  /** Parameters whose value differs between the group's cases, in the suite's parameter order (the server first, when it differs). */
  readonly swept: readonly SweptName[];
  /** Metrics at least one case produced, in the metrics table's order. */
  readonly metrics: readonly MetricName[];
}

/** Groups in the order they ran. */
export function groupsOf(result: RunResult): GroupView[] {
  const views: GroupView[] = [];
  for (const suite of result.suites) {
    const byName = new Map<string, CaseResult[]>();
    for (const c of suite.cases) appendTo(byName, c.group, c);
    for (const [name, cases] of byName) {
      const swept = (['server', ...PARAM_ORDER] as const).filter((param) => new Set(cases.map((c) => paramText(c, param))).size > 1);
      const metrics = METRIC_NAMES.filter((metric) => cases.some((c) => c.metrics[metric] !== undefined));
      views.push({ suite, name, cases, swept, metrics });
    }
  }
  return views;
}

/** What a group table can have a column for: a parameter, or the server (a matrix axis of A/B groups). */
export type SweptName = ParamName | 'server';

/** A case's value of a parameter as written in suites (64K, true, TCP_RR), or '' when the case does not set it. */
export function paramText(c: CaseResult, param: SweptName): string {
  if (param === 'server') return c.server;
  const value = c.params[param];
  return value === undefined ? '' : formatParamValue(param, value);
}

/**
 * `param=value` for labels; a parameter the case leaves out reads `default` (netperf's own value; `none` for load), as
 * `response_size=` would read like a value lost.
 */
export function paramLabel(c: CaseResult, param: SweptName): string {
  return `${param}=${paramText(c, param) || (param === 'load' ? 'none' : 'default')}`;
}

/** The name of a case inside its suite: the id without the suite prefix (`bulk[send_size=64K]`). */
export function caseName(suite: SuiteResult, c: CaseResult): string {
  return c.id.startsWith(`${suite.name}/`) ? c.id.slice(suite.name.length + 1) : c.id;
}

/** The metric a sweep chart draws for a group: throughput for streams, the transaction rate for RR tests. */
export function primaryMetric(view: GroupView): MetricName | undefined {
  return (['throughput', 'transaction_rate'] as const).find((m) => view.metrics.includes(m));
}

/** The metric whose run-to-run spread a group table shows: the primary one, else the group's first. */
export function spreadMetric(view: GroupView): MetricName | undefined {
  return primaryMetric(view) ?? view.metrics[0];
}

/** The run-to-run spread (CV, %) a group table shows beside a case's value; none for fewer than 2 runs or no value. */
export function caseSpread(view: GroupView, c: CaseResult): number | undefined {
  const metric = spreadMetric(view);
  return metric === undefined || c.runs.length < 2 || c.metrics[metric] === undefined ? undefined : c.spread[metric]?.cvPercent;
}

/** Whether any group table of these shows a spread, so the report explains ± once. */
export function showsSpread(views: readonly GroupView[]): boolean {
  return views.some((view) => view.cases.some((c) => caseSpread(view, c) !== undefined));
}

/** The metrics of a group that were compared with a baseline, for Δ columns. */
export function deltaMetrics(view: GroupView): MetricName[] {
  return view.metrics.filter((metric) => view.cases.some((c) => (c.regressions ?? []).some((r) => r.metric === metric)));
}

/** The latency columns that sit side by side and are read against each other: one unit for all of them. */
const LATENCY_PERCENTILES: readonly MetricName[] = ['latency_mean', 'latency_p50', 'latency_p90', 'latency_p99'];

/**
 * Each metric column's display unit, chosen from the column's largest value so the rows compare at a glance; the
 * latency percentiles share theirs (p90 in µs beside p99 in ms misleads the eye).
 */
export function columnUnits(view: GroupView): (metric: MetricName) => DisplayUnit {
  const tests = view.cases.map((c) => c.params.test);
  const valuesOf = (metrics: readonly MetricName[]) => view.cases.flatMap((c) => metrics.map((m) => c.metrics[m]));
  const latency = columnUnit('latency_p99', valuesOf(LATENCY_PERCENTILES.filter((m) => view.metrics.includes(m))), tests);
  const units = new Map(view.metrics.map((metric) => [metric, LATENCY_PERCENTILES.includes(metric) ? latency : columnUnit(metric, valuesOf([metric]), tests)]));
  return (metric) => units.get(metric) ?? columnUnit(metric, [], tests);
}
