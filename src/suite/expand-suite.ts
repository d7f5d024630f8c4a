import type { Diagnostic, SourceLocation } from '../model/diagnostics.js';
import { countMatrix, expandMatrix, type MatrixDefinition } from '../matrix/expand-matrix.js';
import { explainMissingMetric, producedMetrics } from '../model/metrics.js';
import { DEFAULT_DURATION_SECONDS, isTestName, MAX_UDP_PAYLOAD_BYTES, paramUse } from '../model/test-types.js';
import { formatParamValue, valueKey } from './normalize-param.js';
import { activeLoad, type Case, type CaseParams, type CompareSpec, type GroupSpec, type Located, PARAM_ORDER, type ParamName, type ParamValue, repeatRange, type SuiteSpec, type ThresholdSpec } from '../model/suite-types.js';
import { DEFAULT_COMPARE_REPEAT, MIN_COMPARE_ROUNDS, SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { plural } from '../model/words.js';
import { plannerOf } from '../servers/planners.js';
import { timeoutDiagnostics, timeoutShortfall, type TimeoutShortfall } from './check-timeout.js';

export const DEFAULT_MAX_CASES = 100_000;

type Origin = 'defaults' | 'group' | 'axis' | 'include' | 'override';
type LocatedValue = Located<ParamValue>;

const keyOf = (v: LocatedValue): string => valueKey(v.value);

function matrixDefinition(group: GroupSpec): MatrixDefinition<LocatedValue> | undefined {
  const { matrix } = group;
  if (matrix === undefined) return undefined;
  const entries = (list: typeof matrix.include) => list.map((e) => e.params as Readonly<Record<string, LocatedValue>>);
  return { axes: matrix.axes, exclude: entries(matrix.exclude), include: entries(matrix.include) };
}

/** How many cases a group expands to, computed without building them. */
export function countGroupCases(group: GroupSpec): bigint {
  const definition = matrixDefinition(group);
  return definition === undefined ? 1n : countMatrix(definition, keyOf);
}

export interface ExpandOptions {
  /** Applied to every case after the matrix (`--repeat`, `--duration`); not part of case ids. */
  readonly overrides?: CaseParams;
}

/** Expands every group's matrix into cases and checks each case against the rules of its test type. */
export function expandSuite(suite: SuiteSpec, options: ExpandOptions = {}): { cases: Case[]; diagnostics: Diagnostic[] } {
  const cases: Case[] = [];
  const diagnostics: Diagnostic[] = [];
  // a timeout in defaults serves every group: one message per timeout line, after all of them
  const shortfalls: TimeoutShortfall[] = [];
  for (const group of suite.groups) expandGroup(suite, group, options, cases, diagnostics, shortfalls);
  diagnostics.push(...timeoutDiagnostics(shortfalls));
  return { cases, diagnostics };
}

function expandGroup(suite: SuiteSpec, group: GroupSpec, options: ExpandOptions, cases: Case[], diagnostics: Diagnostic[], shortfalls: TimeoutShortfall[]): void {
  const definition = matrixDefinition(group);
  const combinations = definition === undefined ? [{ values: new Map<string, LocatedValue>(), axisIndexes: [], includeIndex: undefined }] : expandMatrix(definition, keyOf);
  const axisNames = new Set<string>(definition?.axes.map((a) => a.name) ?? []);
  const testIsVaried = axisNames.has('test');
  const ids = new Set<string>();
  const lastAxis = group.matrix?.axes.at(-1);
  const hasWhen = group.thresholds.some((t) => t.when !== undefined);
  const matchedWhen = new Set<ThresholdSpec>();
  const before = diagnostics.length;

  type Entry = { value: ParamValue; loc: SourceLocation; origin: Origin };
  const base = new Map<ParamName, Entry>();
  for (const [origin, params] of [['defaults', suite.defaults], ['group', group.params]] as const) {
    for (const [key, located] of Object.entries(params) as [ParamName, LocatedValue][]) base.set(key, { value: located.value, loc: located.loc, origin });
  }
  // one entry object per matrix value, shared by every case that uses it
  const entries = new Map<LocatedValue, Entry>();
  const entryOf = (key: string, located: LocatedValue, appended: boolean): Entry => {
    let entry = entries.get(located);
    if (entry === undefined) {
      entry = { value: located.value, loc: located.loc, origin: axisNames.has(key) && !appended ? 'axis' : 'include' };
      entries.set(located, entry);
    }
    return entry;
  };
  const judged = new Map<string, boolean>();
  const sortedKeys = new Map<string, string[]>();

  const groupCases: Case[] = [];
  for (const combination of combinations) {
    const merged = new Map(base);
    const appended = combination.axisIndexes === undefined;
    let server = group.server.value;
    for (const [key, located] of combination.values) {
      // the server is a field of the case, never one of its parameters
      if (key === 'server') server = valueKey(located.value);
      else merged.set(key as ParamName, entryOf(key, located, appended));
    }

    const loc =
      combination.includeIndex !== undefined
        ? (group.matrix?.include[combination.includeIndex]?.loc ?? group.loc)
        : lastAxis !== undefined
          ? (lastAxis.values[combination.axisIndexes?.at(-1) ?? 0]?.loc ?? group.loc)
          : group.loc;

    const test = merged.get('test')?.value;
    if (!isTestName(test)) {
      diagnostics.push({ loc, message: `group '${group.name}' has a case without a test type; set test: (e.g. TCP_STREAM) in the group, its matrix, or defaults` });
      continue;
    }

    let droppedSome = false;
    let valid = true;
    for (const [name, entry] of merged) {
      const use = paramUse(name, test);
      if (use.used) continue;
      merged.delete(name);
      if (entry.origin === 'defaults' || (entry.origin === 'axis' && testIsVaried)) {
        droppedSome = true;
        continue;
      }
      valid = false;
      diagnostics.push({
        loc: entry.loc,
        message: `${name} is not used by ${test} (only by ${use.only}); remove it, or give it only to the tests that use it (a matrix axis beside test, or a matching include entry)`,
      });
    }
    for (const [name, value] of Object.entries(options.overrides ?? {})) {
      merged.set(name as ParamName, { value: value as ParamValue, loc, origin: 'override' });
    }

    const params = Object.fromEntries(
      PARAM_ORDER.filter((name) => merged.has(name)).map((name) => [name, merged.get(name)?.value]),
    ) as CaseParams;

    if (test === 'UDP_STREAM' || test === 'UDP_RR') valid = checkUdpSizes(params, merged, diagnostics) && valid;
    valid = checkLoadAndInterval(params, merged, diagnostics) && valid;
    if (params.ip_version === 6) {
      const spec = suite.servers[server];
      const why = spec === undefined ? undefined : plannerOf(spec.type).ipv6Problem(server, spec);
      if (why !== undefined) {
        valid = false;
        diagnostics.push({ loc: merged.get('ip_version')?.loc ?? loc, message: `ip_version 6 cannot be used here: ${why}; give the server an IPv6 address or name, or measure IPv6 on a local server (it listens on ::1)` });
      }
    }

    const comboKeys = [...combination.values.keys()].filter((key) => key === 'server' || merged.has(key as ParamName));
    const comboSignature = comboKeys.join(',');
    let idKeys = sortedKeys.get(comboSignature);
    if (idKeys === undefined) {
      idKeys = [...comboKeys].sort();
      sortedKeys.set(comboSignature, idKeys);
    }
    const id =
      `${suite.name}/${group.name}` +
      (idKeys.length > 0 ? `[${idKeys.map((key) => `${key}=${key === 'server' ? server : formatParamValue(key as ParamName, merged.get(key as ParamName)?.value as ParamValue)}`).join(',')}]` : '');
    if (ids.has(id)) {
      if (!droppedSome && valid) diagnostics.push({ loc, message: `case ${id} is defined twice; matrix values compare after normalisation (64K equals 65536), so remove the repeated value or include entry` });
      continue;
    }
    ids.add(id);
    const shortfall = timeoutShortfall(params, merged, { caseId: id });
    if (shortfall !== undefined) shortfalls.push(shortfall);

    const thresholds = hasWhen ? group.thresholds.filter((t) => whenMatches(t, params)) : group.thresholds;
    for (const t of thresholds) matchedWhen.add(t);
    // whether the case's metrics can be judged depends only on its test, cpu and thresholds: check each such set once
    const loaded = activeLoad(params) !== undefined;
    const judgeKey = `${test}|${String(params.cpu === true)}|${String(loaded)}|${thresholds.length}|${hasWhen ? thresholds.map((t) => group.thresholds.indexOf(t)).join(',') : ''}`;
    let judgeable = judged.get(judgeKey);
    if (judgeable === undefined) {
      judgeable = true;
      for (const spec of [...thresholds, ...group.regression]) {
        if (producedMetrics(test, { cpu: params.cpu === true, load: loaded }).has(spec.metric)) continue;
        judgeable = false;
        const scope = 'threshold' in spec ? 'threshold' : 'regression';
        diagnostics.push({
          loc: spec.loc,
          message: `${scope} on ${spec.metric} cannot be judged for case ${id}: ${explainMissingMetric(spec.metric, test)}${scope !== 'threshold' ? '' : spec.metric === 'load_throughput' && axisNames.has('load') ? '; select the loaded cases with when: { load: { test: TCP_STREAM, streams: 2 } }, the load as the axis writes it' : testIsVaried ? ' (select the cases with when: { test: ... })' : ''}`,
        });
      }
      judged.set(judgeKey, judgeable);
    }
    valid &&= judgeable;
    if (!valid) continue;
    groupCases.push({ id, suite: suite.name, group: group.name, server, params, loc, thresholds, regression: group.regression });
  }
  // a `when:` that selects no case would turn its gate off without a word
  for (const spec of group.thresholds) {
    if (spec.when === undefined || matchedWhen.has(spec) || diagnostics.length > before) continue;
    const keys = Object.keys(spec.when) as ParamName[];
    const seen = keys.map((key) => `${key}: ${[...new Set(groupCases.map((c) => (c.params[key] === undefined ? '(not set)' : formatParamValue(key, c.params[key]))))].join(', ')}`);
    diagnostics.push({ loc: spec.loc, message: `this threshold's when: selects none of the ${plural(groupCases.length, 'case')} of group '${group.name}', so ${spec.metric} would never be judged; its cases have ${seen.join('; ')}` });
  }
  cases.push(...(group.compare === undefined ? groupCases : assignArms(group, group.compare, groupCases, diagnostics)));
}

/** Where the group (or its matrix) sets repeat, to point a message at it. */
function repeatLoc(group: GroupSpec): SourceLocation | undefined {
  return group.params.repeat?.loc ?? group.matrix?.axes.find((a) => a.name === 'repeat')?.loc;
}

/** A case's value of the compared axis, as written in suites. */
function armValue(c: Case, axis: CompareSpec['axis']): string {
  if (axis === 'server') return c.server;
  const value = c.params[axis];
  return value === undefined ? '' : formatParamValue(axis, value);
}

/**
 * Pairs every case of a `compare:` group with its control (the case equal to it but for the compared axis) and gives
 * the group its default `repeat`; a case without a control, or fewer rounds than the paired test needs, is an error.
 */
function assignArms(group: GroupSpec, compare: CompareSpec, cases: readonly Case[], diagnostics: Diagnostic[]): Case[] {
  const axis = compare.axis;
  const controlKey = valueKey(compare.control.value);
  const axisValue = (c: Case): string => (axis === 'server' ? c.server : c.params[axis] === undefined ? '' : valueKey(c.params[axis]));
  // the siblings of a case: the same parameters (and server) except the compared axis
  const siblingKey = (c: Case): string => {
    const rest: Record<string, unknown> = { ...c.params };
    delete rest[axis];
    delete rest['repeat'];
    return JSON.stringify([axis === 'server' ? '' : c.server, rest]);
  };
  const controls = new Map(cases.filter((c) => axisValue(c) === controlKey).map((c) => [siblingKey(c), c]));
  const armed: Case[] = [];
  const fewRounds: Case[] = [];
  for (const c of cases) {
    const control = controls.get(siblingKey(c));
    if (control === undefined) {
      diagnostics.push({
        loc: c.loc,
        message: `case ${c.id} has no control to compare with: no case of group '${group.name}' has ${axis}=${valueKey(compare.control.value)} and otherwise the same parameters; add that combination to the matrix, or exclude this one`,
      });
      continue;
    }
    const repeat = c.params.repeat === undefined ? DEFAULT_COMPARE_REPEAT : repeatRange(c.params);
    if (repeat.min < MIN_COMPARE_ROUNDS) {
      fewRounds.push(c);
      continue;
    }
    armed.push({
      ...c,
      params: { ...c.params, repeat: repeat.min === repeat.max ? repeat.min : repeat },
      arm: { role: c === control ? 'control' : 'candidate', axis, control: control.id, value: armValue(c, axis), controlValue: armValue(control, axis) },
    });
  }
  const [first] = fewRounds;
  if (first !== undefined) {
    const rounds = repeatRange(first.params).min;
    diagnostics.push({
      loc: first.params.repeat === undefined ? compare.loc : (repeatLoc(group) ?? compare.loc),
      message: `compare: group '${group.name}' measures ${plural(rounds, 'round')} (${plural(fewRounds.length, 'case')}, from repeat: or --repeat), and the paired test needs at least ${MIN_COMPARE_ROUNDS} to reach α = ${SIGNIFICANCE_LEVEL} (1/2^${MIN_COMPARE_ROUNDS}); leave repeat out (compare: groups default to { min: ${DEFAULT_COMPARE_REPEAT.min}, max: ${DEFAULT_COMPARE_REPEAT.max} }), or set it, or --repeat, to ${MIN_COMPARE_ROUNDS} or more`,
    });
  }
  // a control and its candidates run together, so they are listed together: the control first, then its candidates
  const units = new Map<string, Case[]>();
  for (const c of armed) {
    const unit = units.get(c.arm?.control ?? c.id) ?? [];
    if (c.arm?.role === 'control') unit.unshift(c);
    else unit.push(c);
    units.set(c.arm?.control ?? c.id, unit);
  }
  return [...units.values()].flat();
}

function checkUdpSizes(
  params: CaseParams,
  merged: ReadonlyMap<ParamName, { loc: SourceLocation }>,
  diagnostics: Diagnostic[],
): boolean {
  let valid = true;
  const reported = new Set<string>();
  const check = (name: 'send_size' | 'request_size' | 'response_size', limit: number | 'default' | undefined, why: string): void => {
    const size = params[name];
    if (size === undefined || typeof limit !== 'number' || size <= limit || reported.has(name)) return;
    valid = false;
    reported.add(name);
    diagnostics.push({ loc: merged.get(name)?.loc ?? { file: '', line: 1, col: 1 }, message: `${name} ${formatParamValue(name, size)} (${size} bytes) is larger than ${why}; netperf would fail with "Message too long" or receive nothing` });
  };
  for (const name of ['send_size', 'request_size', 'response_size'] as const) {
    check(name, MAX_UDP_PAYLOAD_BYTES, `the largest UDP datagram (${MAX_UDP_PAYLOAD_BYTES} bytes)`);
  }
  const sender = params.local_buffer ?? params.socket_buffer;
  const receiver = params.remote_buffer ?? params.socket_buffer;
  if (params.test === 'UDP_STREAM') {
    check('send_size', sender, `the sender's socket buffer (${String(sender)} bytes)`);
    check('send_size', receiver, `the receiver's socket buffer (${String(receiver)} bytes)`);
  }
  return valid;
}

/**
 * What `load:` and `interval:` cannot be combined with, and the load's own UDP sizes (the load streams carry the case's
 * buffers), each reported once at its node.
 */
function checkLoadAndInterval(params: CaseParams, merged: ReadonlyMap<ParamName, { loc: SourceLocation }>, diagnostics: Diagnostic[]): boolean {
  const problems: { name: ParamName; message: string }[] = [];
  const load = activeLoad(params);
  if (load !== undefined) {
    if (params.confidence !== undefined) {
      problems.push({ name: 'load', message: 'load cannot be combined with confidence: netperf repeats the measured test until the interval is reached, each iteration after its own 1 s lead, but the load streams run once; drop confidence and use repeat for more runs' });
    }
    if (params.cpu === true) {
      problems.push({ name: 'load', message: "load cannot be combined with cpu: true: CPU utilisation is the whole machine's, so the load streams' CPU would be charged to every transaction; measure CPU in a case without load" });
    }
    if (load.test === 'UDP_STREAM' && load.send_size !== undefined) {
      const sender = params.local_buffer ?? params.socket_buffer;
      const receiver = params.remote_buffer ?? params.socket_buffer;
      const limit = [
        { bytes: MAX_UDP_PAYLOAD_BYTES, why: `the largest UDP datagram (${MAX_UDP_PAYLOAD_BYTES} bytes)` },
        ...(typeof sender === 'number' ? [{ bytes: sender, why: `the sender's socket buffer (${sender} bytes), which the load streams take from the case` }] : []),
        ...(typeof receiver === 'number' ? [{ bytes: receiver, why: `the receiver's socket buffer (${receiver} bytes), which the load streams take from the case` }] : []),
      ].find((l) => (load.send_size ?? 0) > l.bytes);
      if (limit !== undefined) {
        problems.push({ name: 'load', message: `load.send_size ${formatParamValue('send_size', load.send_size)} (${load.send_size} bytes) is larger than ${limit.why}; netperf would fail with "Message too long"` });
      }
    }
  }
  if (params.interval !== undefined) {
    const duration = params.duration ?? DEFAULT_DURATION_SECONDS;
    if (params.interval > duration / 2) {
      problems.push({ name: 'interval', message: `interval ${formatParamValue('interval', params.interval)} is more than half the duration (${formatParamValue('duration', duration)}): netperf would report one or two interim results; use at most ${formatParamValue('interval', duration / 2)}, or a longer duration` });
    }
  }
  for (const { name, message } of problems) diagnostics.push({ loc: merged.get(name)?.loc ?? { file: '', line: 1, col: 1 }, message });
  return problems.length === 0;
}

function whenMatches(spec: ThresholdSpec, params: CaseParams): boolean {
  if (spec.when === undefined) return true;
  return Object.entries(spec.when).every(([key, values]) => {
    const actual = params[key as ParamName];
    return actual !== undefined && (values as ParamValue[]).some((v) => valueKey(v) === valueKey(actual));
  });
}
