import type { Diagnostic, SourceLocation } from '../model/diagnostics.js';
import { type Combination as MatrixCombination, countMatrix, expandMatrix, type MatrixDefinition } from '../matrix/expand-matrix.js';
import { defined } from '../model/defined.js';
import { LOAD_METRICS, producedMetrics } from '../model/metrics.js';
import { DEFAULT_DURATION_SECONDS, isTestName, paramUse, type TestName } from '../model/test-types.js';
import { formatParamValue, valueKey } from './normalize-param.js';
import {
  activeLoad,
  flowDirection,
  loadFlows,
  type Case,
  type CaseParams,
  type CompareSpec,
  type GroupSpec,
  type Located,
  PARAM_ORDER,
  type ParamName,
  type ParamValue,
  repeatRange,
  type SuiteSpec,
  type ThresholdSpec,
} from '../model/suite-types.js';
import { DEFAULT_COMPARE_REPEAT, MIN_COMPARE_ROUNDS } from '../model/significance.js';
import { plannerOf } from '../servers/planners.js';
import { timeoutDiagnostics, timeoutShortfall, type TimeoutShortfall } from './check-timeout.js';
import { describeProblem, type LocatedProblem, udpLimitBytes, type UdpLimit } from './expand-problems.js';

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

/** A parameter's value in a case, and where it came from: messages point at its node, and only some origins may be dropped. */
interface Entry {
  readonly value: ParamValue;
  readonly loc: SourceLocation;
  readonly origin: Origin;
}

/** A matrix combination merged over the suite's defaults and the group's params: a case before its checks. */
interface Draft {
  readonly server: string;
  readonly merged: Map<ParamName, Entry>;
  /** Where messages about the whole case point: its include entry, or the last axis value that made it. */
  readonly loc: SourceLocation;
  /** The keys the combination set, in matrix order (`server` among them): what the case id names. */
  readonly keys: readonly string[];
}

/** What every combination of one group is expanded with, and the memos that keep a 100,000-case matrix fast. */
interface GroupExpansion {
  readonly suite: SuiteSpec;
  readonly group: GroupSpec;
  readonly overrides: CaseParams;
  readonly axisNames: ReadonlySet<string>;
  readonly testIsVaried: boolean;
  readonly hasWhen: boolean;
  /** The suite's defaults and the group's params, before the matrix. */
  readonly base: ReadonlyMap<ParamName, Entry>;
  /** One entry object per matrix value, shared by every case that uses it. */
  readonly entries: Map<LocatedValue, Entry>;
  /** The sorted id keys of each set of combination keys. */
  readonly idKeys: Map<string, string[]>;
  /** Whether a case's metrics can be judged, by what decides it (judgeKey). */
  readonly judgeable: Map<string, boolean>;
}

function groupExpansion(suite: SuiteSpec, group: GroupSpec, options: ExpandOptions): GroupExpansion {
  const axisNames = new Set<string>(group.matrix?.axes.map((a) => a.name) ?? []);
  const base = new Map<ParamName, Entry>();
  for (const [origin, params] of [
    ['defaults', suite.defaults],
    ['group', group.params],
  ] as const) {
    for (const [key, located] of Object.entries(params) as [ParamName, LocatedValue][]) base.set(key, { value: located.value, loc: located.loc, origin });
  }
  return {
    suite,
    group,
    overrides: options.overrides ?? {},
    axisNames,
    testIsVaried: axisNames.has('test'),
    hasWhen: group.thresholds.some((t) => t.when !== undefined),
    base,
    entries: new Map(),
    idKeys: new Map(),
    judgeable: new Map(),
  };
}

/**
 * A group's cases, one combination of its matrix at a time through small passes: merge it over the defaults, drop
 * what its test does not use, check its parameters, name it, pick its thresholds and check they can be judged; then
 * the group's `when:`s and, for a `compare:` group, its arms. Each problem is reported where it is found (the
 * messages are expand-problems.ts'), so they come in the order of the combinations.
 */
function expandGroup(
  suite: SuiteSpec,
  group: GroupSpec,
  options: ExpandOptions,
  cases: Case[],
  diagnostics: Diagnostic[],
  shortfalls: TimeoutShortfall[],
): void {
  const expansion = groupExpansion(suite, group, options);
  let reported = 0;
  const report = (problems: readonly LocatedProblem[]): void => {
    for (const { loc, problem } of problems) diagnostics.push({ loc, message: describeProblem(problem) });
    reported += problems.length;
  };
  const ids = new Set<string>();
  const matchedWhen = new Set<ThresholdSpec>();
  const groupCases: Case[] = [];
  for (const combination of combinationsOf(group)) {
    const draft = mergeCombination(expansion, combination);
    const test = draft.merged.get('test')?.value;
    if (!isTestName(test)) {
      report([{ loc: draft.loc, problem: { kind: 'no-test-type', group: group.name } }]);
      continue;
    }
    const pruned = pruneUnused(expansion, draft.merged, test);
    for (const [name, value] of Object.entries(expansion.overrides))
      draft.merged.set(name as ParamName, { value: value as ParamValue, loc: draft.loc, origin: 'override' });
    const params = paramsOf(draft.merged);
    const problems = [...pruned.problems, ...checkParams(expansion, draft, params)];
    report(problems);
    const id = caseIdOf(expansion, draft);
    if (ids.has(id)) {
      // twins are expected where a parameter was dropped (an axis beside a varied test); a wrong case needs no second message
      if (!pruned.droppedSome && problems.length === 0) report([{ loc: draft.loc, problem: { kind: 'duplicate-case', caseId: id } }]);
      continue;
    }
    ids.add(id);
    const shortfall = timeoutShortfall(params, draft.merged, { caseId: id });
    if (shortfall !== undefined) shortfalls.push(shortfall);
    const thresholds = expansion.hasWhen ? group.thresholds.filter((t) => whenMatches(t, params)) : group.thresholds;
    for (const t of thresholds) matchedWhen.add(t);
    const judgeable = isJudgeable(expansion, { id, test, params, thresholds }, report);
    if (problems.length > 0 || !judgeable) continue;
    const accept = group.accept.filter((a) => whenMatches(a, params));
    groupCases.push({
      id,
      suite: suite.name,
      group: group.name,
      server: draft.server,
      params,
      loc: draft.loc,
      thresholds,
      regression: group.regression,
      accept,
    });
  }
  // a `when:` that selects no case would turn its gate off without a word: said (the first such) of a group with no other problem
  if (reported === 0) report(unmatchedWhens(group, groupCases, matchedWhen));
  if (group.compare === undefined) {
    cases.push(...groupCases);
    return;
  }
  const arms = assignArms(group, group.compare, groupCases);
  report(arms.problems);
  cases.push(...arms.cases);
}

type Combination = MatrixCombination<LocatedValue>;

/** The combinations of a group's matrix, in order; one empty combination for a group without a matrix. */
function combinationsOf(group: GroupSpec): Iterable<Combination> {
  const definition = matrixDefinition(group);
  return definition === undefined ? [{ values: new Map<string, LocatedValue>(), axisIndexes: [], includeIndex: undefined }] : expandMatrix(definition, keyOf);
}

/** Merging: a combination's values over the suite's defaults and the group's params; `server` is a field of the case, never one of its parameters. */
function mergeCombination(expansion: GroupExpansion, combination: Combination): Draft {
  const { group } = expansion;
  const merged = new Map(expansion.base);
  const appended = combination.axisIndexes === undefined;
  let server = group.server.value;
  for (const [key, located] of combination.values) {
    if (key === 'server') server = valueKey(located.value);
    else merged.set(key as ParamName, entryOf(expansion, key, located, appended));
  }
  const lastAxis = group.matrix?.axes.at(-1);
  const loc =
    combination.includeIndex !== undefined
      ? (group.matrix?.include[combination.includeIndex]?.loc ?? group.loc)
      : lastAxis !== undefined
        ? (lastAxis.values[combination.axisIndexes?.at(-1) ?? 0]?.loc ?? group.loc)
        : group.loc;
  return { server, merged, loc, keys: [...combination.values.keys()] };
}

function entryOf(expansion: GroupExpansion, key: string, located: LocatedValue, appended: boolean): Entry {
  let entry = expansion.entries.get(located);
  if (entry === undefined) {
    entry = { value: located.value, loc: located.loc, origin: expansion.axisNames.has(key) && !appended ? 'axis' : 'include' };
    expansion.entries.set(located, entry);
  }
  return entry;
}

/**
 * Pruning: the parameters the case's test does not use leave it. Those from defaults, or from an axis beside a varied
 * `test`, were meant for other tests and go quietly; any other was written for this case, and is a problem.
 */
function pruneUnused(expansion: GroupExpansion, merged: Map<ParamName, Entry>, test: TestName): { droppedSome: boolean; problems: LocatedProblem[] } {
  let droppedSome = false;
  const problems: LocatedProblem[] = [];
  for (const [name, entry] of merged) {
    const use = paramUse(name, test);
    if (use.used) continue;
    merged.delete(name);
    if (entry.origin === 'defaults' || (entry.origin === 'axis' && expansion.testIsVaried)) droppedSome = true;
    else problems.push({ loc: entry.loc, problem: { kind: 'unused-param', param: name, test, usedBy: use.only } });
  }
  return { droppedSome, problems };
}

/** The case's parameters, in PARAM_ORDER. */
function paramsOf(merged: ReadonlyMap<ParamName, Entry>): CaseParams {
  return Object.fromEntries(PARAM_ORDER.filter((name) => merged.has(name)).map((name) => [name, merged.get(name)?.value]));
}

/** The checks of a case's own parameters: UDP sizes, load and interval, IPv6 to its server. */
function checkParams(expansion: GroupExpansion, draft: Draft, params: CaseParams): LocatedProblem[] {
  const at = (name: ParamName): SourceLocation => draft.merged.get(name)?.loc ?? { file: '', line: 1, col: 1 };
  return [
    ...(params.test === 'UDP_STREAM' || params.test === 'UDP_RR' ? checkUdpSizes(params, at) : []),
    ...checkLoadAndInterval(params, at),
    ...checkIpVersion(expansion.suite, draft, params),
  ];
}

/** A case's id: `suite/group`, and the keys its combination set (sorted) with their values as suites write them. */
function caseIdOf(expansion: GroupExpansion, draft: Draft): string {
  const { suite, group } = expansion;
  const keys = draft.keys.filter((key) => key === 'server' || draft.merged.has(key as ParamName));
  const signature = keys.join(',');
  let idKeys = expansion.idKeys.get(signature);
  if (idKeys === undefined) {
    idKeys = [...keys].sort();
    expansion.idKeys.set(signature, idKeys);
  }
  const value = (key: string): string =>
    key === 'server' ? draft.server : formatParamValue(key as ParamName, draft.merged.get(key as ParamName)?.value as ParamValue);
  return `${suite.name}/${group.name}` + (idKeys.length > 0 ? `[${idKeys.map((key) => `${key}=${value(key)}`).join(',')}]` : '');
}

/**
 * Whether every threshold and regression of a case names a metric its test produces. That depends only on its test,
 * cpu, load and thresholds: each such set is checked once, its problems reported for the first case that has it.
 */
function isJudgeable(
  expansion: GroupExpansion,
  c: { readonly id: string; readonly test: TestName; readonly params: CaseParams; readonly thresholds: readonly ThresholdSpec[] },
  report: (problems: readonly LocatedProblem[]) => void,
): boolean {
  const { group, hasWhen, axisNames, testIsVaried } = expansion;
  const { test, params, thresholds } = c;
  const load = activeLoad(params);
  const directions =
    load === undefined
      ? undefined
      : { up: loadFlows(load).some((f) => flowDirection(f.test) === 'up'), down: loadFlows(load).some((f) => flowDirection(f.test) === 'down') };
  const judgeKey = `${test}|${String(params.cpu === true)}|${directions === undefined ? 'idle' : `${directions.up}/${directions.down}`}|${thresholds.length}|${hasWhen ? thresholds.map((t) => group.thresholds.indexOf(t)).join(',') : ''}`;
  const known = expansion.judgeable.get(judgeKey);
  if (known !== undefined) return known;
  const problems: LocatedProblem[] = [];
  for (const spec of [...thresholds, ...group.regression]) {
    if (producedMetrics(test, { cpu: params.cpu === true, ...defined({ load: directions }) }).has(spec.metric)) continue;
    const scope = 'threshold' in spec ? 'threshold' : 'regression';
    const select: 'loaded-cases' | 'tests' | undefined =
      scope !== 'threshold' ? undefined : LOAD_METRICS.includes(spec.metric) && axisNames.has('load') ? 'loaded-cases' : testIsVaried ? 'tests' : undefined;
    problems.push({ loc: spec.loc, problem: { kind: 'unjudgeable-metric', scope, metric: spec.metric, caseId: c.id, test, ...defined({ select }) } });
  }
  report(problems);
  expansion.judgeable.set(judgeKey, problems.length === 0);
  return problems.length === 0;
}

/** The group's first `when:` that selected none of its cases, with the values its cases have of what it asks. */
function unmatchedWhens(group: GroupSpec, cases: readonly Case[], matched: ReadonlySet<ThresholdSpec>): LocatedProblem[] {
  const spec = group.thresholds.find((t) => t.when !== undefined && !matched.has(t));
  if (spec?.when === undefined) return [];
  const seen = (Object.keys(spec.when) as ParamName[]).map((param) => ({ param, values: cases.map((c) => c.params[param]) }));
  return [{ loc: spec.loc, problem: { kind: 'when-selects-none', group: group.name, cases: cases.length, metric: spec.metric, seen } }];
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
 * the group its default `repeat`; a case without a control, or fewer rounds than the paired test needs, is a problem.
 */
function assignArms(group: GroupSpec, compare: CompareSpec, cases: readonly Case[]): { cases: Case[]; problems: LocatedProblem[] } {
  const axis = compare.axis;
  const controlKey = valueKey(compare.control.value);
  const axisValue = (c: Case): string => (axis === 'server' ? c.server : c.params[axis] === undefined ? '' : valueKey(c.params[axis]));
  // the siblings of a case: the same parameters (and server) except the compared axis
  const siblingKey = (c: Case): string => {
    const rest = Object.fromEntries(Object.entries(c.params).filter(([key]) => key !== axis && key !== 'repeat'));
    return JSON.stringify([axis === 'server' ? '' : c.server, rest]);
  };
  const controls = new Map(cases.filter((c) => axisValue(c) === controlKey).map((c) => [siblingKey(c), c]));
  const problems: LocatedProblem[] = [];
  const armed: Case[] = [];
  const fewRounds: Case[] = [];
  for (const c of cases) {
    const control = controls.get(siblingKey(c));
    if (control === undefined) {
      problems.push({ loc: c.loc, problem: { kind: 'no-control', caseId: c.id, group: group.name, axis, control: controlKey } });
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
    problems.push({
      loc: first.params.repeat === undefined ? compare.loc : (repeatLoc(group) ?? compare.loc),
      problem: { kind: 'too-few-rounds', group: group.name, rounds: repeatRange(first.params).min, cases: fewRounds.length },
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
  return { cases: [...units.values()].flat(), problems };
}

/** UDP sizes: each at most the largest datagram, and a UDP_STREAM's send size at most either end's socket buffer. */
function checkUdpSizes(params: CaseParams, at: (name: ParamName) => SourceLocation): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const check = (param: 'send_size' | 'request_size' | 'response_size', limit: UdpLimit | undefined): void => {
    const bytes = params[param];
    if (
      bytes === undefined ||
      limit === undefined ||
      bytes <= udpLimitBytes(limit) ||
      problems.some((p) => p.problem.kind === 'udp-size-too-large' && p.problem.param === param)
    )
      return;
    problems.push({ loc: at(param), problem: { kind: 'udp-size-too-large', param, bytes, limit } });
  };
  for (const param of ['send_size', 'request_size', 'response_size'] as const) check(param, { kind: 'datagram' });
  if (params.test === 'UDP_STREAM') {
    check('send_size', bufferLimit('sender-buffer', params.local_buffer ?? params.socket_buffer));
    check('send_size', bufferLimit('receiver-buffer', params.remote_buffer ?? params.socket_buffer));
  }
  return problems;
}

/** A socket buffer as a limit on UDP sizes; none when the buffer is the system's default. */
function bufferLimit(kind: 'sender-buffer' | 'receiver-buffer', buffer: number | 'default' | undefined): UdpLimit | undefined {
  return typeof buffer === 'number' ? { kind, bytes: buffer } : undefined;
}

/**
 * What `load:` and `interval:` cannot be combined with, and the load's own UDP sizes (the load streams carry the case's
 * buffers), each reported once at its node.
 */
function checkLoadAndInterval(params: CaseParams, at: (name: ParamName) => SourceLocation): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const load = activeLoad(params);
  if (load !== undefined) {
    if (params.confidence !== undefined) problems.push({ loc: at('load'), problem: { kind: 'load-with-confidence' } });
    if (params.cpu === true) problems.push({ loc: at('load'), problem: { kind: 'load-with-cpu' } });
    for (const flow of loadFlows(load)) {
      if (flow.test !== 'UDP_STREAM' || flow.send_size === undefined) continue;
      const bytes = flow.send_size;
      const limits: (UdpLimit | undefined)[] = [
        { kind: 'datagram' },
        bufferLimit('sender-buffer', params.local_buffer ?? params.socket_buffer),
        bufferLimit('receiver-buffer', params.remote_buffer ?? params.socket_buffer),
      ];
      const limit = limits.find((l) => l !== undefined && bytes > udpLimitBytes(l));
      if (limit !== undefined) problems.push({ loc: at('load'), problem: { kind: 'load-send-size-too-large', bytes, limit } });
    }
  }
  if (params.interval !== undefined) {
    const duration = params.duration ?? DEFAULT_DURATION_SECONDS;
    if (params.interval > duration / 2) problems.push({ loc: at('interval'), problem: { kind: 'interval-too-long', interval: params.interval, duration } });
  }
  return problems;
}

/** IPv6: the case's server must be reachable over it (its type and address say). */
function checkIpVersion(suite: SuiteSpec, draft: Draft, params: CaseParams): LocatedProblem[] {
  if (params.ip_version !== 6) return [];
  const spec = suite.servers[draft.server];
  const why = spec === undefined ? undefined : plannerOf(spec.type).ipv6Problem(draft.server, spec);
  return why === undefined ? [] : [{ loc: draft.merged.get('ip_version')?.loc ?? draft.loc, problem: { kind: 'no-ipv6', why } }];
}

function whenMatches(spec: Pick<ThresholdSpec, 'when'>, params: CaseParams): boolean {
  if (spec.when === undefined) return true;
  return Object.entries(spec.when).every(([key, values]) => {
    const actual = params[key as ParamName];
    return actual !== undefined && (values as ParamValue[]).some((v) => valueKey(v) === valueKey(actual));
  });
}
