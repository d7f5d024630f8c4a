import { METRICS, type MetricName } from '../model/metrics.js';
import type { CaseResult, LoadFlowRun, RunResult, SuiteResult } from '../model/results.js';
import { activeLoad, flowDirection, formatDscp, formatLoad, PARAM_ORDER, shortLoad } from '../model/suite-types.js';
import { median } from '../stats/summary.js';
import { paramLabel, paramText } from './group-view.js';
import { defined } from '../model/defined.js';

/** A request/response case measured idle and again under a load, the two differing in nothing else. */
export interface LoadPair {
  readonly idle: CaseResult;
  readonly loaded: CaseResult;
  /** The load, as ids spell it: `2xTCP_STREAM`. */
  readonly load: string;
  /** The load as a table cell holds it (shortLoad): the id when short, else `8 flows: 4↑ 4↓ BE/CS1/CS5/EF`. */
  readonly short: string;
  /** What tells the pair from the suite's other pairs: its group (when pairs come from several) and the parameters that differ between pairs, like `rr request_size=1K`; the group alone when nothing else differs. */
  readonly label: string;
}

/** A suite's cases paired idle → loaded, for its "latency under load" table. */
export interface UnderLoad {
  readonly suite: SuiteResult;
  readonly pairs: readonly LoadPair[];
}

/** What a case is apart from its load: the server and every other parameter. */
function withoutLoad(c: CaseResult): string {
  return (['server', ...PARAM_ORDER] as const)
    .filter((p) => p !== 'load')
    .map((p) => `${p}=${paramText(c, p)}`)
    .join('\0');
}

/**
 * Per suite, each case run under a load beside the case that is the same but for having none (`load` absent or
 * `none`), in suite order; suites without such a pair are left out. Pairs may cross groups.
 */
export function underLoadPairs(result: RunResult): UnderLoad[] {
  const views: UnderLoad[] = [];
  for (const suite of result.suites) {
    // an idle case of the loaded case's own group first, else the suite's first with the same parameters
    const idle = new Map<string, CaseResult>();
    for (const c of suite.cases) {
      if (activeLoad(c.params) !== undefined) continue;
      for (const key of [`${c.group}\n${withoutLoad(c)}`, withoutLoad(c)]) if (!idle.has(key)) idle.set(key, c);
    }
    const found: { idle: CaseResult; loaded: CaseResult; load: string; short: string }[] = [];
    for (const loaded of suite.cases) {
      const load = activeLoad(loaded.params);
      const match = load === undefined ? undefined : (idle.get(`${loaded.group}\n${withoutLoad(loaded)}`) ?? idle.get(withoutLoad(loaded)));
      if (load !== undefined && match !== undefined) found.push({ idle: match, loaded, load: formatLoad(load), short: shortLoad(load) });
    }
    if (found.length === 0) continue;
    const loadedCases = found.map((p) => p.loaded);
    const differing = PARAM_ORDER.filter((p) => p !== 'load' && new Set(loadedCases.map((c) => paramText(c, p))).size > 1);
    const byServer = new Set(loadedCases.map((c) => c.server)).size > 1;
    const byGroup = new Set(loadedCases.map((c) => c.group)).size > 1;
    const pairs = found.map((p) => {
      const params = [...(byServer ? [`server=${p.loaded.server}`] : []), ...differing.map((name) => paramLabel(p.loaded, name))].join(' ');
      const label = byGroup || params === '' ? [p.loaded.group, params].filter((s) => s !== '').join(' ') : params;
      return { ...p, label };
    });
    views.push({ suite, pairs });
  }
  return views;
}

/** The metrics a latency-under-load table sets side by side, idle → loaded. */
export const UNDER_LOAD_METRICS = ['transaction_rate', 'latency_p50', 'latency_p99'] as const satisfies readonly MetricName[];

/** One metric of a pair, idle → loaded: the relative change (undefined without both values or with an idle 0), and whether the load made it worse. */
export interface LoadEffect {
  readonly idle?: number;
  readonly loaded?: number;
  readonly change?: number;
  readonly isWorse: boolean;
}

/** What a load did to one metric of a pair. */
export function loadEffect(pair: LoadPair, metric: MetricName): LoadEffect {
  const idle = pair.idle.metrics[metric];
  const loaded = pair.loaded.metrics[metric];
  const values = defined({ idle, loaded });
  if (idle === undefined || loaded === undefined || idle === 0) return { ...values, isWorse: false };
  const change = (loaded - idle) / idle;
  return { ...values, change, isWorse: METRICS[metric].better === 'higher' ? change < 0 : change > 0 };
}

/** One flow of a loaded case's `load:`: what it carried (its streams summed, the median over the runs) and its share of its direction. */
export interface FlowRow {
  readonly flow: number;
  readonly test: string;
  readonly direction: 'up' | 'down';
  readonly dscp?: string;
  readonly streams: number;
  /** bit/s */
  readonly throughput: number;
  /** Of the direction's load throughput, 0–1. */
  readonly share: number;
}

/** A loaded case's flows, for the small per-flow table under "Latency under load". */
export interface FlowTable {
  readonly case: CaseResult;
  readonly rows: readonly FlowRow[];
}

/** Every case of the suite whose runs kept `load_flows`, in suite order, with one row per flow. */
export function loadFlowTables(suite: SuiteResult): FlowTable[] {
  const tables: FlowTable[] = [];
  for (const c of suite.cases) {
    const runs = c.load_flows ?? [];
    if (runs.length === 0) continue;
    const first = runs[0] ?? [];
    const flows = [...new Set(first.map((s) => s.flow))];
    const perRun = (flow: number, run: readonly LoadFlowRun[]): number => run.filter((s) => s.flow === flow).reduce((t, s) => t + s.throughput, 0);
    const rows = flows.map((flow) => {
      const streams = first.filter((s) => s.flow === flow);
      const test = streams[0]?.test ?? 'TCP_STREAM';
      const dscp = streams[0]?.dscp;
      return {
        flow,
        test,
        direction: flowDirection(test),
        ...defined({ dscp: dscp === undefined ? undefined : formatDscp(dscp) }),
        streams: streams.length,
        throughput: median(runs.map((run) => perRun(flow, run))),
      };
    });
    const total = (direction: 'up' | 'down'): number => rows.filter((r) => r.direction === direction).reduce((t, r) => t + r.throughput, 0);
    tables.push({ case: c, rows: rows.map((r) => ({ ...r, share: total(r.direction) === 0 ? 0 : r.throughput / total(r.direction) })) });
  }
  return tables;
}
