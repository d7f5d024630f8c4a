import { defined } from '../model/defined.js';
import type { ServerProvenance } from '../model/history.js';
import type { RunSetupView } from '../model/judge.js';
import { formatMetric } from '../model/format-metric.js';
import { isJudgedInPoints, type MeasureName, measureInfo } from '../model/metrics.js';
import type { RunMetrics } from '../model/netperf-outcome.js';
import type { CounterOutcome, Environment, Evidence, EvidenceDifference, RegressionTolerance } from '../model/results.js';
import type { ServerFacts, SideFacts } from '../model/server-facts.js';
import { SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { type CaseParams, PARAM_ORDER } from '../model/suite-types.js';
import type { TestName } from '../model/test-types.js';
import { type ChangeJudgement, judgeAgainstLevels, judgePaired, judgeTwoSample } from '../stats/judge-change.js';
import { median } from '../stats/summary.js';
import { formatParamValue } from '../suite/normalize-param.js';

/*
 * The evidence beside every comparison (docs/judging.md, "Evidence: why it regressed"): what differs between the two
 * sides' setups, which counters moved, and a reading from stated rules. Pure: the judges of compare/ call it with what
 * they know of each side.
 */

/** The counters judged beside every comparison, in the order they are listed. */
export const EVIDENCE_COUNTERS: readonly MeasureName[] = ['retransmissions', 'qdisc_drops', 'mss', 'service_demand_local', 'service_demand_remote'];

/** The counters whose rise means packets were lost: the rule `loss`. */
const LOSS_COUNTERS: ReadonlySet<MeasureName> = new Set(['retransmissions', 'qdisc_drops']);
const CPU_COUNTERS: ReadonlySet<MeasureName> = new Set(['service_demand_local', 'service_demand_remote']);

/**
 * The tolerance a counter is judged at when the group's `regression:` block does not name it: 0 for counts and the MSS
 * (any move the test calls real), 5% for service demand (CPU time per KB or per transaction, which moves a little with
 * any change of rate).
 */
export function counterTolerance(metric: MeasureName, tolerances: readonly RegressionTolerance[] = []): number {
  const written = tolerances.find((t) => t.metric === metric && t.auto !== true);
  if (written !== undefined) return isJudgedInPoints(metric) ? written.tolerancePercent : written.tolerancePercent / 100;
  return CPU_COUNTERS.has(metric) ? 0.05 : 0;
}

/** How the two sides' values relate: paired by round (a control), two samples of runs (a baseline), levels (a history). */
export type CounterMethod = 'paired' | 'two-sample' | 'levels';

/** Each counter's values on the two sides: element i of both is one round for `paired`; the history's medians for `levels`. */
export type CounterSamples = (metric: MeasureName) => { readonly against: readonly number[]; readonly current: readonly number[] };

/**
 * Each counter either side has, judged by the same three-way rule as the metrics (src/stats/judge-change.ts) at α, in
 * its bad direction: counts (retransmissions, qdisc drops) on their values, so a rise from 0 is a rise; the MSS and
 * service demand as ratios.
 */
export function judgeCounters(method: CounterMethod, samples: CounterSamples, tolerances: readonly RegressionTolerance[] = []): CounterOutcome[] {
  const outcomes: CounterOutcome[] = [];
  for (const metric of EVIDENCE_COUNTERS) {
    const { against, current } = samples(metric);
    if (against.length === 0 && current.length === 0) continue;
    const tolerance = counterTolerance(metric, tolerances);
    const sides = { metric, against: against.length === 0 ? null : median(against), current: current.length === 0 ? null : median(current), tolerance };
    const inPoints = isJudgedInPoints(metric);
    // a relative change needs values above 0 on the side it is relative to; a count needs none
    if (against.length === 0 || current.length === 0 || (!inPoints && [...against, ...current].some((v) => !(v > 0)))) {
      outcomes.push({ ...sides, change: null, verdict: 'not-compared' });
      continue;
    }
    const options = { better: measureInfo(metric).better, tolerance, alpha: SIGNIFICANCE_LEVEL, inPoints };
    const judgement: ChangeJudgement =
      method === 'paired'
        ? judgePaired(against, current, options)
        : method === 'two-sample'
          ? judgeTwoSample(against, current, options)
          : judgeAgainstLevels(against, current, options);
    outcomes.push({ ...sides, change: judgement.change, verdict: judgement.verdict, ...(judgement.improved ? { improved: true } : {}), p: judgement.p });
  }
  return outcomes;
}

/** One side's setup as named fields, by kind: only kinds both sides recorded are compared (an older file lacks some). */
export type SetupFields = Readonly<Partial<Record<SetupKind, Readonly<Record<string, string>>>>>;
/** The case's parameters, the machine, the suite's `${NAME}` values, the server's spec, the facts read of its path. */
export type SetupKind = 'case' | 'machine' | 'variables' | 'server' | 'facts';
const SETUP_KINDS: readonly SetupKind[] = ['case', 'machine', 'variables', 'server', 'facts'];

/** The settings that differ between two sides, in the order of SETUP_KINDS, each side '' where it has none. */
export function differencesBetween(against: SetupFields, current: SetupFields): EvidenceDifference[] {
  const differences: EvidenceDifference[] = [];
  for (const kind of SETUP_KINDS) {
    const a = against[kind];
    const b = current[kind];
    if (a === undefined || b === undefined) continue;
    for (const what of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if ((a[what] ?? '') !== (b[what] ?? '')) differences.push({ what, against: a[what] ?? '', current: b[what] ?? '' });
    }
  }
  return differences;
}

/** The machine fields that can shape a result; the host name and Node's version cannot. */
const MACHINE_FIELDS: readonly [keyof Environment, string][] = [
  ['netperfVersion', 'netperf'],
  ['kernel', 'kernel'],
  ['cpuCount', 'CPUs'],
  ['cpuModel', 'CPU model'],
];

/** A case's setup in a run: its parameters, and what the run records of where it ran (runSetupFields). */
export function caseSetupFields(run: RunSetupView, c: { readonly id: string; readonly server: string; readonly params: CaseParams }): SetupFields {
  return { case: caseFields(c.params), ...runSetupFields(run, c) };
}

/**
 * What a run records of where a case ran: the machine, its suite's `${NAME}` values, its server's spec (link, setup and
 * teardown commands as written) and the facts perfsuite read of the server's path.
 */
export function runSetupFields(run: RunSetupView, c: { readonly id: string; readonly server: string; readonly params: CaseParams }): SetupFields {
  const suite = c.id.slice(0, c.id.indexOf('/'));
  const key = serverKeyOf(run, suite, c);
  const variables = run.provenance?.variables[suite];
  const spec = key === undefined ? undefined : run.provenance?.servers[key];
  const facts = key === undefined ? undefined : run.servers?.find((s) => s.key === key)?.facts;
  const machine: Record<string, string> = {};
  for (const [field, what] of MACHINE_FIELDS) machine[what] = String(run.environment[field]);
  if (run.provenance !== undefined) machine['runner image'] = run.provenance.runnerImage ?? '';
  return {
    machine,
    ...defined({
      variables: variables === undefined ? undefined : Object.fromEntries(Object.entries(variables).map(([name, value]) => [`\${${name}}`, value])),
      server: spec === undefined ? undefined : serverFields(spec),
      facts: facts === undefined ? undefined : factFields(facts),
    }),
  };
}

/** The server key of a case: `<suite>/<server>`, and `/ipv6` for the IPv6 listener of a local server. */
function serverKeyOf(run: RunSetupView, suite: string, c: { readonly server: string; readonly params: CaseParams }): string | undefined {
  const key = `${suite}/${c.server}`;
  const servers = run.provenance?.servers ?? {};
  if (c.params.ip_version === 6 && `${key}/ipv6` in servers) return `${key}/ipv6`;
  return key in servers || run.servers?.some((s) => s.key === key) === true ? key : undefined;
}

/**
 * A case's parameters as suites write them: what differs between two arms of a `compare:` group on a parameter axis. An
 * arm's server is compared by its spec and facts, not its name: two identical arms differ in nothing.
 */
export function caseFields(params: CaseParams): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of PARAM_ORDER) {
    const value = params[name];
    if (value !== undefined) fields[name] = formatParamValue(name, value);
  }
  return fields;
}

/** A server's spec as written: its type, host, link and hooks. */
export function serverFields(spec: ServerProvenance): Record<string, string> {
  return {
    'server type': spec.type,
    ...defined({ host: spec.host, link: spec.link, setup: spec.setup?.join('; '), teardown: spec.teardown?.join('; ') }),
  };
}

/** What the two sides of a server's path are called in differences. */
const SIDE_NAMES = { local: 'this host', remote: 'server side' } as const;

/** The facts read of a server's path, by side: each sysctl, the MTU and the qdiscs (their parameters, not their counters). */
export function factFields(facts: ServerFacts): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const side of ['local', 'remote'] as const) {
    const of: SideFacts | undefined = facts[side];
    if (of === undefined) continue;
    const where = SIDE_NAMES[side];
    for (const [name, value] of Object.entries(of.sysctls)) fields[`${name} (${where})`] = value;
    if (of.interface?.mtu !== undefined) fields[`MTU (${where})`] = String(of.interface.mtu);
    if (of.interface?.qdiscs !== undefined) fields[`qdisc (${where})`] = describeQdiscs(of.interface.qdiscs);
  }
  return fields;
}

/** `tbf rate 100Mbit burst 64Kb lat 50ms; pfifo (1:1) limit 1p`: each qdisc's kind and parameters, its parent when not root. */
export function describeQdiscs(qdiscs: NonNullable<NonNullable<SideFacts['interface']>['qdiscs']>): string {
  return qdiscs.map((q) => `${q.kind}${q.parent === 'root' ? '' : ` (${q.parent})`}${q.parameters === '' ? '' : ` ${q.parameters}`}`).join('; ');
}

/** Whether a difference is a rate or a qdisc: the link, a qdisc read on the path, or a hook that runs `tc`. */
function isRateOrQdisc(difference: EvidenceDifference): boolean {
  if (difference.what === 'link' || difference.what.startsWith('qdisc ')) return true;
  if (difference.what !== 'setup' && difference.what !== 'teardown') return false;
  return [difference.against, difference.current].some((hooks) => /(^|[\s;)])tc\s/.test(hooks));
}

/**
 * The one-line reading, from the first rule that holds (docs/judging.md, "Evidence: why it regressed"):
 * loss — retransmissions or qdisc drops rose; capacity — a rate or qdisc setting differs, and nothing was lost; CPU —
 * service demand rose; unexplained — none of these. It reports what was measured; it never guesses past it.
 */
export function readingOf(
  counters: readonly CounterOutcome[],
  differences: readonly EvidenceDifference[],
  test?: TestName,
): Pick<Evidence, 'reading' | 'cause'> {
  const rose = (set: ReadonlySet<MeasureName>): CounterOutcome[] => counters.filter((c) => set.has(c.metric) && c.verdict === 'regressed');
  const moved = (c: CounterOutcome): string => `${c.metric} rose ${fromTo(c, test)}`;
  const lost = rose(LOSS_COUNTERS);
  if (lost.length > 0) return { cause: 'loss', reading: `loss: ${lost.map(moved).join(', ')} per run` };
  const rates = differences.filter(isRateOrQdisc);
  const first = rates[0];
  if (first !== undefined) {
    const more = rates.length > 1 ? ` (and ${rates.length - 1} more rate or qdisc setting${rates.length > 2 ? 's' : ''})` : '';
    return {
      cause: 'capacity',
      reading: `capacity: ${first.what} differs, ${first.against || '(none)'} → ${first.current || '(none)'}${more}, and no retransmissions or qdisc drops rose`,
    };
  }
  const cpu = rose(CPU_COUNTERS);
  if (cpu.length > 0) return { cause: 'cpu', reading: `CPU: ${cpu.map(moved).join(', ')}` };
  const others =
    differences.length === 0 ? 'and no setting differs' : `though ${differences.length === 1 ? '1 setting differs' : `${differences.length} settings differ`}`;
  const lacking = counters.length === 0 ? 'no counter was recorded' : counters.some((c) => c.verdict !== 'unchanged') ? 'no counter rose' : 'no counter moved';
  return { cause: 'unexplained', reading: `unexplained: ${lacking}, ${others}` };
}

/** `0 → 12.5 segments`: a counter's two medians, the unit said once. */
export function fromTo(c: Pick<CounterOutcome, 'metric' | 'against' | 'current'>, test?: TestName): string {
  const side = (value: number | null): string => (value === null ? '?' : formatMetric(c.metric, value, test));
  const [before, after] = [side(c.against), side(c.current)];
  const unit = after.slice(after.indexOf(' ') + 1);
  return after.includes(' ') && before.endsWith(` ${unit}`) ? `${before.slice(0, -unit.length - 1)} → ${after}` : `${before} → ${after}`;
}

/** The evidence of a comparison: differences between the sides' setups, the counters judged, the reading. */
export function evidenceOf(differences: readonly EvidenceDifference[], counters: readonly CounterOutcome[], test?: TestName): Evidence {
  return { differences, counters, ...readingOf(counters, differences, test) };
}

/** The values of a counter over a case's runs (those that have it). */
export function valuesOf(runs: readonly RunMetrics[], metric: MeasureName): number[] {
  return runs.map((run) => run[metric]).filter((v): v is number => v !== undefined);
}
