import type { ErrorObject } from 'ajv';
import { appendTo } from '../model/collections.js';
import type { Diagnostic, SourceLocation } from '../model/diagnostics.js';
import { didYouMean } from '../model/did-you-mean.js';
import { escapePointerSegment, type NodePosition } from './parse-yaml.js';
import { describeQuantity } from '../model/units.js';
import { DEFAULT_COMPARE_REPEAT } from '../model/significance.js';

/** What to write instead, for values that fail a pattern of a named schema definition. */
const PATTERN_HINTS: Readonly<Record<string, string>> = {
  size: 'write bytes as an integer or with K/M/G (×1024), like 64K',
  bufferSize: "write bytes as an integer or with K/M/G (×1024), like 128K, or 'default'",
  duration: 'write whole seconds like 10 or 10s, or minutes like 2m',
  timeout: 'write it like 90s, 500ms or 5m',
  interval: 'write it like 500ms or 1s',
  budget: 'write how long the group may measure, like 90s or 3m (a bare number is seconds)',
  congestion_control:
    'give one algorithm in lower case, like bbr or cubic (it is set at both ends; to compare several, make it a matrix axis: congestion_control: [cubic, bbr])',
  percent: 'write it like 5%',
  name: "use letters, digits, '_', '.' and '-', starting with a letter or digit",
  rate: 'write a rate in bits per second as tc does, like 100mbit, 1gbit or 500kbit',
  time: 'write a time like 10ms, 500us or 1s',
  until:
    "write the last day the regression is accepted, like 2027-01-31, or the hash of the commit that fixes it (7 to 40 hex digits): it is accepted until that commit is in the run's history",
  reason: 'say why the regression is accepted, like a link to the decision',
};

const QUANTITY_NAMES: Readonly<Record<string, string>> = {
  size: 'a size',
  bufferSize: 'a size',
  duration: 'a duration',
  timeout: 'a duration',
  interval: 'a duration',
  percent: 'a percentage',
};

/** What a value checked by a `oneOf` of the schema may be, by its key, for one message instead of a message per branch. */
const HOOK_FORM = 'a command as an argv list, like [sysctl, -w, net.core.rmem_max=4194304], or { in: namespace, run: [ip, link, show] }';
const ONE_OF_FORMS: Readonly<Record<string, string>> = {
  repeat: `a whole number of runs from 1 to 1000, like repeat: 5, or { min, max } to measure rounds until a compare: verdict is decided, like repeat: { min: ${DEFAULT_COMPARE_REPEAT.min}, max: ${DEFAULT_COMPARE_REPEAT.max} }`,
  setup: HOOK_FORM,
  teardown: HOOK_FORM,
};

/**
 * A value that fits no branch of a `oneOf` makes ajv report every branch's complaint at that value plus "must match
 * exactly one schema in oneOf". When the value has the type of a branch (0 is an integer), that branch's complaints
 * are the useful ones and the rest go; when it has no branch's type ('five'), the `oneOf` alone stays, as one error.
 */
function collapseOneOf(errors: readonly ErrorObject[]): ErrorObject[] {
  // the innermost oneOf branch an error comes from (the schema nests no oneOf in another's branch today)
  const branchOf = (e: ErrorObject): string | undefined => /^(.*\/oneOf\/\d+)\//.exec(e.schemaPath)?.[1];
  const within = (pointer: string, root: string): boolean => pointer === root || pointer.startsWith(`${root}/`);
  const drop = new Set<ErrorObject>();
  for (const oneOf of errors.filter((e) => e.keyword === 'oneOf')) {
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      const branch = branchOf(e);
      if (branch?.startsWith(`${oneOf.schemaPath}/`) === true && within(e.instancePath, oneOf.instancePath)) appendTo(branches, branch, e);
    }
    const fits = [...branches.values()].filter((complaints) => !complaints.some((e) => e.keyword === 'type' && e.instancePath === oneOf.instancePath));
    const kept = fits.length === 1 ? fits[0] : undefined;
    for (const complaints of branches.values()) if (complaints !== kept) for (const e of complaints) drop.add(e);
    if (kept !== undefined) drop.add(oneOf);
  }
  return errors.filter((e) => !drop.has(e));
}

/** Turns schema errors into one `file:line:col` diagnostic each, with a did-you-mean for unknown keys. */
export function schemaErrorsToDiagnostics(
  errors: readonly ErrorObject[],
  root: unknown,
  positions: ReadonlyMap<string, NodePosition>,
  file: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const error of collapseOneOf(errors)) {
    if (error.keyword === 'if' || error.keyword === 'anyOf' || error.schemaPath.includes('/anyOf/1/')) continue;
    const message = describeError(error, root);
    const pointer =
      error.keyword === 'additionalProperties'
        ? `${error.instancePath}/${escapePointerSegment(String(error.params['additionalProperty']))}`
        : error.instancePath;
    const loc = locate(pointer, positions, file, error.keyword === 'additionalProperties' ? 'key' : 'value');
    diagnostics.push({ loc, message });
  }
  return diagnostics;
}

function describeError(error: ErrorObject, root: unknown): string {
  const where = describePointer(error.instancePath, root);
  // an entry of a list (a matrix axis, a when: list) is named by its list: `congestion_control`, not `1`
  const key = listOwner(error.instancePath);
  const value: unknown = error.data;
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String(error.params['additionalProperty']);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = didYouMean(unknown, allowed);
      const list = suggestion === '' && allowed.length > 0 ? ` (expected one of: ${allowed.join(', ')})` : '';
      return `unknown key '${unknown}' in ${where}${suggestion}${list}`;
    }
    case 'required':
      return `${where} is missing the required key '${String(error.params['missingProperty'])}'${key === 'load' ? ', like load: { test: TCP_STREAM, streams: 2 }' : ''}`;
    case 'type': {
      const expected = String(error.params['type']).split(',').join(' or ');
      const hint = typeHint(key, value, expected, error.instancePath);
      // `key:` with nothing after it, or `- ` alone in a list
      if (value === null && isAxis(error.instancePath)) return `matrix axis '${key}' is empty; give it a list of values, like ${key}: [a, b]`;
      if (value === null) {
        const wanted = expected === 'object' ? 'a mapping (key: value lines under it)' : expected === 'array' ? 'a list' : article(expected);
        return `${/^\d+$/.test(key) ? where : key} is empty; give it ${wanted}`;
      }
      return `${key} must be ${article(expected)}, not ${describeType(value)} ${shown}${hint}`;
    }
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map(String);
      return `${shown} is not a valid ${key}${typeof value === 'string' ? didYouMean(value, allowed) : ''} (one of ${allowed.join(', ')})`;
    }
    case 'const':
      return `${key} must be ${JSON.stringify(error.params['allowedValue'])}, not ${shown}`;
    case 'pattern': {
      const definition = patternKind(error.schemaPath);
      // '10' or '5 %': a percentage without its sign, or with a space before it
      const percentage = definition === 'percent' && typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value)?.[1] : undefined;
      if (percentage !== undefined) return `${shown} is not valid for ${key}; write it like ${percentage}%, with the % sign and no space`;
      const expected = QUANTITY_NAMES[definition];
      const actual = typeof value === 'string' ? describeQuantity(value) : undefined;
      const mismatch =
        expected !== undefined && actual !== undefined && actual !== expected ? ` is ${actual}, but ${key} takes ${expected}` : ` is not valid for ${key}`;
      const hint =
        PATTERN_HINTS[definition] ??
        (error.instancePath.endsWith('/host')
          ? 'give a host name or IP address, without spaces or shell characters'
          : 'see `perfsuite schema` for the accepted form');
      return `${shown}${mismatch}; ${hint}`;
    }
    case 'exclusiveMinimum':
      return `${key} must be more than ${String(error.params['limit'])}, not ${shown}${key === 'interval' ? `; ${PATTERN_HINTS['interval'] ?? ''} (100ms or more)` : ''}`;
    case 'not':
      return `${shown} is not valid for ${key}: it must not start with '-'`;
    case 'minItems':
      if (isAxis(error.instancePath)) return `matrix axis '${key}' has no values; give at least one (GitHub rejects an empty axis too)`;
      if (error.instancePath === '/tests') return 'tests has no groups; add at least one, like - { name: bulk, test: TCP_STREAM }';
      return `${key} needs at least ${String(error.params['limit'])} entr${error.params['limit'] === 1 ? 'y' : 'ies'}`;
    case 'minProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `${where} is empty; give ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}${key === 'cpu_affinity' ? ', like cpu_affinity: { local: 0, remote: 1 }' : ''}`;
    }
    case 'dependencies':
      return `${String(error.params['property'])} needs ${String(error.params['missingProperty'])} in ${where}: netem varies a delay, so give ${String(error.params['missingProperty'])} too (like delay: 10ms, jitter: 1ms)`;
    case 'propertyNames':
      return `${where} has an invalid name: ${PATTERN_HINTS['name'] ?? ''}`;
    case 'oneOf': {
      const form = ONE_OF_FORMS[key];
      return form === undefined
        ? `${key === '' ? where : key} is not valid here, not ${shown}; see \`perfsuite schema\``
        : `${key} must be ${form}; not ${shown}`;
    }
    case 'minimum':
      if (key === 'budget') return `budget must be at least ${String(error.params['limit'])} second, not ${shown}; ${PATTERN_HINTS['budget'] ?? ''}`;
      return `${key === '' ? where : key} ${error.message ?? 'is invalid'}`;
    default:
      return `${key === '' ? where : key} ${error.message ?? 'is invalid'}`;
  }
}

/** What to write instead of a value of the wrong type, by where it is: '' when the type says enough. */
function typeHint(key: string, value: unknown, expected: string, pointer: string): string {
  if (expected === 'boolean' && typeof value === 'string') return '; write true or false';
  if (expected === 'array' && isAxis(pointer)) return `; a matrix axis is a list, like ${key}: [${typeof value === 'string' ? value : JSON.stringify(value)}]`;
  if (key === 'cpu_affinity') return '; write CPU numbers like cpu_affinity: { local: 0, remote: 1 }';
  if (key === 'load') return '; write the load streams like load: { test: TCP_STREAM, streams: 2 }, or load: none';
  if (/\/regression\/[^/]+$/.test(pointer) && typeof value === 'number') {
    // a bare number is ambiguous: 15 may mean 15%, 0.15 a fraction (15%) or 0.15%
    return value < 1
      ? `; write the allowed worsening with its % sign: ${key}: ${value * 100}% if ${value} is a fraction, ${key}: ${value}% if it is a percentage`
      : `; write the allowed worsening with its % sign, like ${key}: ${value}%`;
  }
  if (key === 'compare' && typeof value === 'string')
    return `; name the axis and its control value, like compare: { ${value}: <the ${value} every other value is compared with> }`;
  return '';
}

/** Which kind of value a pattern in the schema checks, from the property it sits under. */
function patternKind(schemaPath: string): string {
  const property = /\/(\w+)\/pattern$/.exec(schemaPath)?.[1] ?? '';
  if (['send_size', 'recv_size', 'request_size', 'response_size'].includes(property)) return 'size';
  if (['socket_buffer', 'local_buffer', 'remote_buffer'].includes(property)) return 'bufferSize';
  if (property === 'duration' || property === 'timeout' || property === 'interval' || property === 'name' || property === 'budget') return property;
  if (property === 'server' || schemaPath.includes('/propertyNames/')) return 'name';
  if (property === 'width' || property === 'loss' || schemaPath.includes('/regression/') || schemaPath.includes('/tolerancePercent/')) return 'percent';
  if (property === 'rate') return 'rate';
  if (property === 'congestion_control') return 'congestion_control';
  if (property === 'delay' || property === 'jitter') return 'time';
  if (property === 'until' || property === 'reason') return property;
  return '';
}

function locate(pointer: string, positions: ReadonlyMap<string, NodePosition>, file: string, part: 'key' | 'value'): SourceLocation {
  let current = pointer;
  for (;;) {
    const position = positions.get(current);
    if (position !== undefined) return (part === 'key' ? position.key : undefined) ?? position.value;
    if (current === '') return { file, line: 1, col: 1 };
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

/** A reader's name for the place a JSON pointer points at: `group 'bulk'`, `the matrix of group 'bulk'`. */
export function describePointer(pointer: string, root: unknown): string {
  const segments = pointer.split('/').slice(1).map(unescape);
  if (segments.length === 0) return 'the suite';
  const [first, second, ...rest] = segments;
  let base: string;
  if (first === 'tests' && second !== undefined) {
    const name = (root as { tests?: { name?: unknown }[] } | undefined)?.tests?.[Number(second)]?.name;
    base = typeof name === 'string' ? `group '${name}'` : `group #${Number(second) + 1}`;
  } else if (first === 'servers' && second !== undefined) {
    base = `server '${second}'`;
  } else {
    base = first ?? 'the suite';
    if (second !== undefined) rest.unshift(second);
  }
  if (rest.length === 0) return base;
  const inner = rest.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`)).join('');
  return `${inner} of ${base}`;
}

function isAxis(pointer: string): boolean {
  return /^\/tests\/\d+\/matrix\/[^/]+$/.test(pointer);
}

function listOwner(pointer: string): string {
  const segments = pointer.split('/').map(unescape);
  const last = segments.at(-1) ?? '';
  return /^\d+$/.test(last) && segments.length > 2 && !/^\d+$/.test(segments.at(-2) ?? '') && segments.at(-2) !== 'tests' ? (segments.at(-2) ?? last) : last;
}

function unescape(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return article(typeof value);
}
