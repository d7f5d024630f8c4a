import type { Diagnostic, SourceLocation } from '../model/diagnostics.js';
import { isCount, isMetricName, METRICS } from '../model/metrics.js';
import { parseThreshold } from '../thresholds/parse-threshold.js';
import { didYouMean } from '../model/did-you-mean.js';
import { formatParamValue, normalizeParam, valueKey } from './normalize-param.js';
import { escapePointerSegment, type NodePosition } from './parse-yaml.js';
import type {
  AcceptSpec,
  AxisName,
  CompareSpec,
  GroupSpec,
  HookSpec,
  Located,
  LocatedParams,
  MatrixSpec,
  ParamName,
  ParamValue,
  RegressionSpec,
  ServerSpec,
  SuiteSpec,
  ThresholdSpec,
} from '../model/suite-types.js';
import { parsePercent } from '../model/units.js';
import { BISECT_VARIABLES, unknownHookVariables } from '../model/hook-variables.js';
import { hookVariableNames, plannerOf, SERVER_TYPES } from '../servers/planners.js';
import type { ServerType } from '../servers/server-planner.js';
import { defined } from '../model/defined.js';

type RawObject = Record<string, unknown>;

interface BuildContext {
  readonly file: string;
  readonly positions: ReadonlyMap<string, NodePosition>;
  /** JSON pointers with schema errors; nothing at or below them is built or checked further. */
  readonly invalidPointers: readonly string[];
  readonly paramNames: ReadonlySet<string>;
  /** `PERFSUITE_*` names hooks may use besides their server type's (`perfsuite bisect` adds BISECT_VARIABLES). */
  readonly hookVariables: readonly string[];
  readonly diagnostics: Diagnostic[];
}

/** The typed, normalised suite from schema-checked data, with the semantic errors the schema cannot see. */
export function buildSuite(
  raw: RawObject,
  options: {
    readonly file: string;
    readonly positions: ReadonlyMap<string, NodePosition>;
    readonly invalidPointers: readonly string[];
    readonly paramNames: ReadonlySet<string>;
    readonly hookVariables?: readonly string[];
  },
): { suite: SuiteSpec | undefined; diagnostics: Diagnostic[] } {
  const ctx: BuildContext = { ...options, hookVariables: options.hookVariables ?? [], diagnostics: [] };
  const servers: Record<string, ServerSpec> = { local: { type: 'local' } };
  // a server the schema rejected is reported there; it is never built, and groups naming it get no second error
  const rejectedServers = new Set<string>();
  const rawServers = raw['servers'];
  if (isObject(rawServers)) {
    for (const [name, server] of Object.entries(rawServers)) {
      if (isObject(server) && isValid(ctx, `/servers/${name}`)) servers[name] = buildServer(ctx, server, `/servers/${escapePointerSegment(name)}`);
      else rejectedServers.add(name);
    }
  }
  const defaults = isValid(ctx, '/defaults') ? buildParams(ctx, (raw['defaults'] as RawObject | undefined) ?? {}, '/defaults') : {};
  // `server:` in defaults: the server of every group that names none and does not sweep server
  const defaultServer =
    isValid(ctx, '/defaults') && isObject(raw['defaults']) && typeof raw['defaults']['server'] === 'string'
      ? { value: raw['defaults']['server'], loc: at(ctx, '/defaults/server') }
      : undefined;
  if (defaultServer !== undefined && !Object.hasOwn(servers, defaultServer.value) && !rejectedServers.has(defaultServer.value)) {
    ctx.diagnostics.push({
      loc: defaultServer.loc,
      message: `unknown server '${defaultServer.value}' in defaults${didYouMean(defaultServer.value, Object.keys(servers))} (defined: ${Object.keys(servers).join(', ')}); define it under servers:`,
    });
  }
  const groups: GroupSpec[] = [];
  const groupLines = new Map<string, number>();
  const rawGroups = Array.isArray(raw['tests']) ? (raw['tests'] as RawObject[]) : [];
  rawGroups.forEach((rawGroup, index) => {
    const pointer = `/tests/${index}`;
    // an entry that is not a mapping (`- ` alone, a string) was reported by the schema
    if (!isObject(rawGroup)) return;
    const name = rawGroup['name'];
    if (typeof name === 'string') {
      const firstLine = groupLines.get(name);
      if (firstLine !== undefined) {
        report(ctx, `${pointer}/name`, `group name '${name}' is already used on line ${firstLine}; group names must be unique in a suite`);
      } else {
        groupLines.set(name, at(ctx, `${pointer}/name`).line);
      }
    }
    if (typeof name !== 'string') return;
    // a group with schema errors is still checked for what can be checked, but not expanded into cases
    const group = buildGroup(ctx, rawGroup, pointer, defaultServer);
    const serverAxis = group.matrix?.axes.find((a) => a.name === 'server');
    if (serverAxis !== undefined && rawGroup['server'] !== undefined) {
      ctx.diagnostics.push({
        loc: group.server.loc,
        message: `group '${group.name}' names a server and also sweeps server in its matrix; remove server: here, the matrix axis decides`,
      });
    }
    // a server from defaults is checked once, there
    const fromDefaults = rawGroup['server'] === undefined && defaultServer !== undefined;
    const named = serverAxis !== undefined ? (serverAxis.values as Located<string>[]) : fromDefaults ? [] : [group.server];
    const included = [...(group.matrix?.include ?? []), ...(group.matrix?.exclude ?? [])].flatMap((e) =>
      e.params.server === undefined ? [] : [e.params.server],
    );
    for (const server of [...named, ...included]) {
      if (Object.hasOwn(servers, server.value) || rejectedServers.has(server.value)) continue;
      ctx.diagnostics.push({
        loc: server.loc,
        message: `unknown server '${server.value}' in group '${group.name}'${didYouMean(server.value, Object.keys(servers))} (defined: ${Object.keys(servers).join(', ')}); define it under servers:`,
      });
    }
    if (isValid(ctx, pointer)) groups.push(group);
  });
  const suite: SuiteSpec = {
    name: String(raw['name']),
    ...(typeof raw['description'] === 'string' ? { description: raw['description'] } : {}),
    file: options.file,
    loc: at(ctx, '/name'),
    servers,
    defaults,
    groups,
  };
  return { suite, diagnostics: ctx.diagnostics };
}

function buildServer(ctx: BuildContext, raw: RawObject, pointer: string): ServerSpec {
  const hooks = {
    ...defined({ setup: buildHooks(ctx, raw, `${pointer}/setup`), teardown: buildHooks(ctx, raw, `${pointer}/teardown`) }),
  };
  // a link's loss is written as a percent (`0.5%`, or 0.5)
  if (isObject(raw['link'])) {
    const link = raw['link'];
    const loss = link['loss'] === undefined ? undefined : parsePercent(link['loss'] as string | number);
    return { ...raw, link: { ...link, ...(loss?.ok ? { loss: loss.value } : {}) }, ...hooks } as unknown as ServerSpec;
  }
  return { ...(raw as unknown as ServerSpec), ...hooks };
}

/** `setup:`/`teardown:` entries as argv lists with their lines; `{ in: namespace }` only where there is a namespace. */
function buildHooks(ctx: BuildContext, raw: RawObject, pointer: string): HookSpec[] | undefined {
  const key = pointer.slice(pointer.lastIndexOf('/') + 1);
  const list = raw[key];
  if (!Array.isArray(list)) return undefined;
  // a server is built only when the schema accepted it, so its type is one of SERVER_TYPES
  const type = raw['type'] as ServerType;
  const known = [...hookVariableNames(type), ...ctx.hookVariables];
  const checked = (hook: HookSpec): HookSpec => {
    for (const name of unknownHookVariables(hook.argv, known)) {
      const owners = SERVER_TYPES.filter((t) => hookVariableNames(t).includes(name));
      const others =
        owners.length > 0
          ? ` (it is set only for type: ${owners.join(', ')} servers)`
          : (BISECT_VARIABLES as readonly string[]).includes(name)
            ? ' (it is set only under perfsuite bisect, for the commit each arm measures; check such a suite with perfsuite validate --bisect)'
            : didYouMean(name, known);
      ctx.diagnostics.push({
        loc: hook.loc,
        message: `\${${name}} is not a variable setup and teardown commands get${others}; use one of ${known.map((k) => `\${${k}}`).join(', ')}`,
      });
    }
    return hook;
  };
  return list.map((entry: unknown, i) => {
    const entryPointer = `${pointer}/${i}`;
    if (Array.isArray(entry)) return checked({ argv: entry.map(String), inNamespace: false, loc: at(ctx, entryPointer) });
    const inNamespace = isObject(entry) && entry['in'] === 'namespace';
    if (inNamespace && !plannerOf(type).hasNamespace) {
      const namespaced = SERVER_TYPES.filter((t) => plannerOf(t).hasNamespace).join(' or ');
      report(
        ctx,
        `${entryPointer}/in`,
        `in: namespace runs a command inside the server's network namespace, but this server is type: ${type}; drop in: (and write the argv list alone), or make the server type: ${namespaced}`,
      );
    }
    return checked({ argv: (isObject(entry) && Array.isArray(entry['run']) ? entry['run'] : []).map(String), inNamespace, loc: at(ctx, entryPointer) });
  });
}

function buildGroup(ctx: BuildContext, raw: RawObject, pointer: string, defaultServer: Located<string> | undefined): GroupSpec {
  const name = String(raw['name']);
  const loc = at(ctx, pointer);
  const params = buildParams(ctx, raw, pointer);
  const matrix =
    raw['matrix'] === undefined || !isValid(ctx, `${pointer}/matrix`) ? undefined : buildMatrix(ctx, raw['matrix'] as RawObject, `${pointer}/matrix`, name);
  return {
    name,
    ...(typeof raw['description'] === 'string' ? { description: raw['description'] } : {}),
    loc,
    server:
      raw['server'] === undefined
        ? (defaultServer ?? { value: 'local', loc })
        : { value: typeof raw['server'] === 'string' ? raw['server'] : 'local', loc: at(ctx, `${pointer}/server`) },
    params,
    ...defined({ matrix, compare: buildCompare(ctx, raw, pointer, matrix) }),
    thresholds:
      raw['thresholds'] === undefined || !isValid(ctx, `${pointer}/thresholds`) ? [] : buildThresholds(ctx, raw['thresholds'], `${pointer}/thresholds`),
    regression:
      raw['regression'] === undefined || !isValid(ctx, `${pointer}/regression`)
        ? []
        : buildRegression(ctx, raw['regression'] as RawObject, `${pointer}/regression`),
    // each entry is checked on its own: one the schema rejected does not hide another's problems
    accept: Array.isArray(raw['accept']) ? buildAccept(ctx, raw, `${pointer}/accept`) : [],
  };
}

function buildParams(ctx: BuildContext, raw: RawObject, pointer: string): LocatedParams {
  const params: Record<string, Located<ParamValue>> = {};
  for (const [key, value] of Object.entries(raw)) {
    const valuePointer = `${pointer}/${escapePointerSegment(key)}`;
    if (!ctx.paramNames.has(key) || !isValid(ctx, valuePointer)) continue;
    const located = buildValue(ctx, key as ParamName, value, valuePointer);
    if (located !== undefined) params[key] = located;
  }
  return params;
}

function buildValue(ctx: BuildContext, name: ParamName, raw: unknown, pointer: string): Located<ParamValue> | undefined {
  const normalized = normalizeParam(name, raw);
  if (!normalized.ok) {
    for (const problem of [normalized, ...(normalized.more ?? [])])
      report(ctx, problem.at === undefined ? pointer : `${pointer}/${problem.at}`, `${name}: ${problem.message}`);
    return undefined;
  }
  return { value: normalized.value, loc: at(ctx, pointer) };
}

function buildMatrix(ctx: BuildContext, raw: RawObject, pointer: string, groupName: string): MatrixSpec {
  const axes: MatrixSpec['axes'][number][] = [];
  for (const [key, values] of Object.entries(raw)) {
    if (key === 'include' || key === 'exclude' || !isAxisName(ctx, key)) continue;
    const axisPointer = `${pointer}/${key}`;
    const located = (values as unknown[])
      .map((value, i) =>
        key === 'server' ? serverValue(String(value), at(ctx, `${axisPointer}/${i}`)) : buildValue(ctx, key as ParamName, value, `${axisPointer}/${i}`),
      )
      .filter((v): v is Located<ParamValue> => v !== undefined);
    axes.push({ name: key as AxisName, loc: keyAt(ctx, axisPointer), values: located });
  }
  const entries = (key: 'include' | 'exclude'): MatrixSpec['include'][number][] =>
    ((raw[key] as RawObject[] | undefined) ?? []).map((entry, i) => {
      const entryPointer = `${pointer}/${key}/${i}`;
      const server = typeof entry['server'] === 'string' ? { server: { value: entry['server'], loc: at(ctx, `${entryPointer}/server`) } } : {};
      return { loc: at(ctx, entryPointer), params: { ...buildParams(ctx, entry, entryPointer), ...server } };
    });
  const exclude = entries('exclude');
  const axisNames = axes.map((a) => a.name as string);
  ((raw['exclude'] as RawObject[] | undefined) ?? []).forEach((entry, i) => {
    for (const key of Object.keys(entry)) {
      if (axisNames.includes(key)) continue;
      ctx.diagnostics.push({
        loc: keyAt(ctx, `${pointer}/exclude/${i}/${escapePointerSegment(key)}`),
        message: `exclude key '${key}' is not a matrix axis of group '${groupName}'${didYouMean(key, axisNames)} (as in GitHub Actions, exclude may only name axes: ${axisNames.join(', ') || 'none'})`,
      });
    }
  });
  return { loc: keyAt(ctx, pointer), axes, exclude, include: entries('include') };
}

/** `compare: { <axis>: <control value> }`: the axis must be one of the group's matrix axes, the value one of its values. */
function buildCompare(ctx: BuildContext, raw: RawObject, pointer: string, matrix: MatrixSpec | undefined): CompareSpec | undefined {
  const compare = raw['compare'];
  if (!isObject(compare) || !isValid(ctx, `${pointer}/compare`)) return undefined;
  const [axisName, rawControl] = Object.entries(compare)[0] ?? [];
  if (axisName === undefined) return undefined;
  const axisPointer = `${pointer}/compare/${escapePointerSegment(axisName)}`;
  const axis = matrix?.axes.find((a) => a.name === axisName);
  if (axis === undefined) {
    const axes = matrix?.axes.map((a) => a.name) ?? [];
    ctx.diagnostics.push({
      loc: keyAt(ctx, axisPointer),
      message: `compare: '${axisName}' is not a matrix axis of this group${didYouMean(axisName, axes)} (axes: ${axes.join(', ') || 'none'}); compare the arms of an axis, like matrix: { server: [base, head] } with compare: { server: base }`,
    });
    return undefined;
  }
  const control =
    axisName === 'server' ? serverValue(String(rawControl), at(ctx, axisPointer)) : buildValue(ctx, axisName as ParamName, rawControl, axisPointer);
  if (control === undefined) return undefined;
  const values = axis.values.map((v) => valueKey(v.value));
  if (!values.includes(valueKey(control.value))) {
    const spelled = axis.values.map((v) => (axisName === 'server' ? valueKey(v.value) : formatParamValue(axisName as ParamName, v.value)));
    ctx.diagnostics.push({
      loc: control.loc,
      message: `compare: the control ${axisName} '${String(rawControl)}' is not one of the axis values${didYouMean(String(rawControl), spelled)} (${spelled.join(', ')}); name the value measured as the control`,
    });
    return undefined;
  }
  if (axis.values.length < 2) {
    ctx.diagnostics.push({ loc: axis.loc, message: `compare: the ${axisName} axis has only the control value; add the candidates to compare with it` });
  }
  const regression = raw['regression'];
  for (const [metric, tolerance] of Object.entries(isObject(regression) ? regression : {})) {
    if (tolerance !== 'auto') continue;
    ctx.diagnostics.push({
      loc: keyAt(ctx, `${pointer}/regression/${metric}`),
      message: `regression ${metric}: auto learns a tolerance from --history, but a compare: group judges each candidate against its control in the same run; give a percentage, like ${metric}: 3%`,
    });
  }
  if (raw['regression'] === undefined) {
    ctx.diagnostics.push({
      loc: keyAt(ctx, `${pointer}/compare`),
      message: 'compare: judges the regression: tolerances of the group, and this group has none; add one, like regression: { throughput: 3% }',
    });
  }
  return { axis: axisName as AxisName, control, loc: keyAt(ctx, `${pointer}/compare`) };
}

function buildThresholds(ctx: BuildContext, raw: unknown, pointer: string): ThresholdSpec[] {
  const specs: ThresholdSpec[] = [];
  const items = Array.isArray(raw) ? (raw as RawObject[]) : [raw as RawObject];
  items.forEach((item, i) => {
    const itemPointer = Array.isArray(raw) ? `${pointer}/${i}` : pointer;
    const when = buildWhen(ctx, item, itemPointer);
    if (Array.isArray(raw) && !Object.keys(item).some(isMetricName)) {
      report(ctx, itemPointer, 'this threshold entry names no metric; add one like throughput: ">= 1 Gbit/s" beside its when:');
    }
    for (const [metric, expression] of Object.entries(item)) {
      if (metric === 'when' || !isMetricName(metric)) continue;
      const metricPointer = `${itemPointer}/${metric}`;
      const parsed = parseThreshold(String(expression), metric);
      if (!parsed.ok) {
        report(ctx, metricPointer, parsed.message);
        continue;
      }
      specs.push({ metric, threshold: parsed.value, ...defined({ when }), loc: keyAt(ctx, metricPointer) });
    }
  });
  return specs;
}

/** A `when:` of a threshold or `accept:` entry: the normalised values each parameter may have. */
function buildWhen(ctx: BuildContext, item: RawObject, itemPointer: string): Partial<Record<ParamName, ParamValue[]>> | undefined {
  if (item['when'] === undefined) return undefined;
  const when: Partial<Record<ParamName, ParamValue[]>> = {};
  for (const [key, value] of Object.entries(item['when'] as RawObject)) {
    const list = Array.isArray(value) ? value : [value];
    const values = list.map(
      (v, j) => buildValue(ctx, key as ParamName, v, Array.isArray(value) ? `${itemPointer}/when/${key}/${j}` : `${itemPointer}/when/${key}`)?.value,
    );
    // a value already reported as wrong leaves the key unconstrained: a follow-on "selects none" would only mislead
    if (values.some((v) => v === undefined)) continue;
    when[key as ParamName] = values.filter((v): v is ParamValue => v !== undefined);
  }
  return when;
}

/** A commit `until:` as written: 7 to 40 hex digits (a date has dashes, so the two never meet). */
const COMMIT_PATTERN = /^[0-9a-f]{7,40}$/i;

/**
 * `accept:` entries (docs/suite-format.md, "Accepting a regression"): each names a metric the group judges with
 * `regression:`, says why, and ends on a real calendar day or when a commit lands. A day already past is a warning of
 * `validate` (acceptanceWarnings), not an error here: the suite stays valid, and its regression simply fails again.
 */
function buildAccept(ctx: BuildContext, group: RawObject, pointer: string): AcceptSpec[] {
  const regression = isObject(group['regression']) ? Object.keys(group['regression']) : [];
  const specs: AcceptSpec[] = [];
  (group['accept'] as RawObject[]).forEach((item, i) => {
    const itemPointer = `${pointer}/${i}`;
    const metric = String(item['metric']);
    if (!isValid(ctx, itemPointer) || !isMetricName(metric)) return;
    if (!regression.includes(metric)) {
      const has = regression.length === 0 ? 'the group has no regression: block' : `the group judges ${regression.join(', ')}`;
      report(
        ctx,
        `${itemPointer}/metric`,
        `accept: ${metric} has no regression: tolerance in this group, so there is no regression of it to accept (${has}); accept one of the judged metrics, or add regression: { ${metric}: 5% }`,
      );
      return;
    }
    const until = String(item['until']);
    if (!COMMIT_PATTERN.test(until) && !isCalendarDay(until)) {
      report(
        ctx,
        `${itemPointer}/until`,
        `accept until: '${until}' is not a day of the calendar; write the last day the regression is accepted as YYYY-MM-DD, like 2027-01-31`,
      );
      return;
    }
    specs.push({
      metric,
      ...defined({ when: buildWhen(ctx, item, itemPointer) }),
      reason: String(item['reason']).trim(),
      until: COMMIT_PATTERN.test(until) ? { commit: until.toLowerCase() } : { date: until },
      loc: at(ctx, itemPointer),
    });
  });
  return specs;
}

/** Whether `YYYY-MM-DD` names a day that exists (2027-02-29 does not). */
function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function buildRegression(ctx: BuildContext, raw: RawObject, pointer: string): RegressionSpec[] {
  const specs: RegressionSpec[] = [];
  for (const [metric, tolerance] of Object.entries(raw)) {
    if (!isMetricName(metric)) continue;
    if (tolerance === 'auto') {
      specs.push({ metric, tolerancePercent: 0, auto: true, loc: keyAt(ctx, `${pointer}/${metric}`) });
      continue;
    }
    if (isCount(metric)) {
      // a count is most often 0, so a share of it means nothing: its tolerance is a count of its own unit
      if (typeof tolerance === 'number') specs.push({ metric, tolerancePercent: tolerance, loc: keyAt(ctx, `${pointer}/${metric}`) });
      else
        report(
          ctx,
          `${pointer}/${metric}`,
          `regression ${metric}: '${String(tolerance)}' is a percentage, but ${metric} is a count (most often 0, so a share of it means nothing); give the allowed rise in ${METRICS[metric].unit} per run, like ${metric}: 10`,
        );
      continue;
    }
    const parsed = parsePercent(tolerance as string | number);
    if (!parsed.ok) {
      report(ctx, `${pointer}/${metric}`, `regression ${metric}: ${parsed.message}`);
      continue;
    }
    specs.push({ metric: metric, tolerancePercent: parsed.value, loc: keyAt(ctx, `${pointer}/${metric}`) });
  }
  return specs;
}

/** A server name as a matrix value: it compares and prints as itself, like a test name. */
function serverValue(name: string, loc: SourceLocation): Located<ParamValue> {
  return { value: name, loc };
}

function isAxisName(ctx: BuildContext, key: string): boolean {
  return key === 'server' || ctx.paramNames.has(key);
}

function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValid(ctx: BuildContext, pointer: string): boolean {
  return !ctx.invalidPointers.some((p) => p === pointer || p.startsWith(`${pointer}/`));
}

function at(ctx: BuildContext, pointer: string): SourceLocation {
  return ctx.positions.get(pointer)?.value ?? { file: ctx.file, line: 1, col: 1 };
}

function keyAt(ctx: BuildContext, pointer: string): SourceLocation {
  const position = ctx.positions.get(pointer);
  return position?.key ?? position?.value ?? { file: ctx.file, line: 1, col: 1 };
}

function report(ctx: BuildContext, pointer: string, message: string): void {
  ctx.diagnostics.push({ loc: at(ctx, pointer), message });
}
