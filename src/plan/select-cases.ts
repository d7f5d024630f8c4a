import { closestMatch } from '../model/did-you-mean.js';
import { appendTo } from '../model/collections.js';
import { UsageError } from '../model/errors.js';
import type { Selection, Shard } from '../model/results.js';
import { type Case, formatLoad, PARAM_ORDER, type ParamName, type ParamValue } from '../model/suite-types.js';
import { normalizeParam, valueKey } from '../suite/normalize-param.js';
import { estimateCaseSeconds } from './plan-cases.js';

/**
 * A `--filter`: either a parameter comparison or a glob over case ids.
 * ```
 * filter   ::= param op values | id-glob
 * op       ::= "=" | "!=" | "<" | "<=" | ">" | ">="
 * values   ::= value ("," value)*          ; "=" matches any of them, "!=" none of them; the others take one
 * id-glob  ::= text with "*" (any run of characters) and "?" (one character), matched against the whole id
 * ```
 * Values are normalised like suite values (`16K` = 16384, `2s` = 2), so `send_size>=16K` compares bytes.
 */
export interface CaseFilter {
  readonly text: string;
  matches(c: Case): boolean;
}

const COMPARISON = /^([a-z_]+)\s*(!=|<=|>=|=|<|>)\s*(.+)$/;
const FILTERABLE: readonly ParamName[] = PARAM_ORDER.filter((p) => p !== 'extra_args' && p !== 'confidence' && p !== 'cpu_affinity' && p !== 'load');
const FILTER_NAMES: readonly string[] = [...FILTERABLE, 'server', 'load'];

function filterValue(param: ParamName, text: string): ParamValue {
  const raw = /^(true|false)$/.test(text) ? text === 'true' : /^\d+$/.test(text) ? Number(text) : text;
  const parsed = normalizeParam(param, raw);
  if (!parsed.ok) throw new UsageError(`--filter ${param}: ${parsed.message}`);
  return parsed.value;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Parses one `--filter` expression; a bad one is a usage error that says how to write it. */
export function parseFilter(text: string): CaseFilter {
  const match = COMPARISON.exec(text.trim());
  const name = match?.[1];
  if (name === 'server') {
    if (match?.[2] !== '=' && match?.[2] !== '!=')
      throw new UsageError(`--filter '${text}': server takes = or != with server names, like server=head or server!=base,lab`);
    // the server is a field of the case, not a parameter: matched by name
    const names = new Set((match[3] ?? '').split(',').map((v) => v.trim()));
    return { text, matches: (c) => names.has(c.server) === (match[2] === '=') };
  }
  if (name === 'load') {
    if (match?.[2] !== '=' && match?.[2] !== '!=')
      throw new UsageError(`--filter '${text}': load takes = or != with loads as case ids spell them, like load=none or load=2xTCP_STREAM`);
    // matched as ids spell it; a case without load: is load=none
    const loads = new Set((match[3] ?? '').split(',').map((v) => v.trim()));
    return { text, matches: (c) => loads.has(formatLoad(c.params.load ?? 'none')) === (match[2] === '=') };
  }
  if (match === null || name === undefined || (!FILTERABLE.includes(name as ParamName) && !/[*?]/.test(text))) {
    if (/[*?]/.test(text) || text.includes('/')) {
      const pattern = globToRegExp(text.trim());
      return { text, matches: (c) => pattern.test(c.id) };
    }
    const suggestion = name === undefined ? undefined : closestMatch(name, FILTER_NAMES);
    throw new UsageError(
      `--filter '${text}' is neither a parameter comparison nor an id glob${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}; write it like test=TCP_RR, send_size>=16K or 'loopback-tcp/bulk*'`,
    );
  }
  const param = name as ParamName;
  const op = match[2] ?? '=';
  const values = (match[3] ?? '').split(',').map((v) => filterValue(param, v.trim()));
  if (op === '=' || op === '!=') {
    const keys = new Set(values.map(valueKey));
    return { text, matches: (c) => (c.params[param] !== undefined && keys.has(valueKey(c.params[param]))) === (op === '=') };
  }
  const limit = values[0];
  if (values.length !== 1 || typeof limit !== 'number') throw new UsageError(`--filter '${text}': ${op} needs one number or size, like send_size${op}16K`);
  const compare = { '<': (a: number) => a < limit, '<=': (a: number) => a <= limit, '>': (a: number) => a > limit, '>=': (a: number) => a >= limit }[
    op as '<' | '<=' | '>' | '>='
  ];
  return { text, matches: (c) => typeof c.params[param] === 'number' && compare(c.params[param]) };
}

/**
 * The cases every filter matches (all of them when there is none), plus the control of every matched candidate of a
 * `compare:` group, which it cannot be judged without; matching nothing at all is a usage error.
 */
export function filterCases(cases: readonly Case[], filters: readonly CaseFilter[]): { cases: Case[]; controlsAdded: string[] } {
  if (filters.length === 0) return { cases: [...cases], controlsAdded: [] };
  const matched = new Set(cases.filter((c) => filters.every((f) => f.matches(c))));
  if (matched.size === 0)
    throw new UsageError(`no case matches --filter ${filters.map((f) => `'${f.text}'`).join(' ')} (of ${cases.length}); see the ids with perfsuite plan`);
  const neededControls = new Set([...matched].flatMap((c) => (c.arm?.role === 'candidate' ? [c.arm.control] : [])));
  const controlsAdded = cases.filter((c) => neededControls.has(c.id) && !matched.has(c)).map((c) => c.id);
  const added = new Set(controlsAdded);
  return { cases: cases.filter((c) => matched.has(c) || added.has(c.id)), controlsAdded };
}

/** Cases that must run together: a control with its candidates (one unit, never split across shards); any other case alone. */
export function runUnits(cases: readonly Case[]): Case[][] {
  const units = new Map<string, Case[]>();
  for (const c of cases) {
    const key = c.arm?.control ?? c.id;
    appendTo(units, key, c);
  }
  return [...units.values()];
}

/** `I/N` (1-based, 1 ≤ I ≤ N), or `job-index:I/N` with GitHub's 0-based `strategy.job-index`. */
export function parseShard(text: string): Shard {
  const match = /^(job-index:)?(\d+)\/(\d+)$/.exec(text.trim());
  const total = Number(match?.[3]);
  const index = Number(match?.[2]) + (match?.[1] === undefined ? 0 : 1);
  if (match === null || !Number.isSafeInteger(total) || total < 1 || index < 1 || index > total) {
    throw new UsageError(
      `--shard '${text}' is not a shard; write I/N with 1 ≤ I ≤ N (like 2/4), or job-index:\${{ strategy.job-index }}/\${{ strategy.job-total }}`,
    );
  }
  return { index, total };
}

/**
 * Splits cases into `total` disjoint shards balanced by estimated duration: longest first, each to the shard with the
 * least work so far (ties to the lower shard; equal cases in id order), so shards differ by at most one case's
 * length. Deterministic for a given set of cases, whatever order they come in. Returns each shard's cases in run order.
 */
export function splitIntoShards(cases: readonly Case[], total: number): { cases: Case[]; seconds: number }[] {
  const shards = Array.from({ length: total }, () => ({ members: new Set<Case>(), seconds: 0 }));
  // a control and its candidates are one unit: they run interleaved, so they never split
  const bySize = runUnits(cases)
    .map((unit) => ({ unit, id: unit[0]?.id ?? '', seconds: unit.reduce((sum, c) => sum + estimateCaseSeconds(c.params, c.arm !== undefined), 0) }))
    .sort((a, b) => b.seconds - a.seconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const { unit, seconds } of bySize) {
    let target = shards[0];
    for (const shard of shards) if (target === undefined || shard.seconds < target.seconds) target = shard;
    if (target === undefined) break;
    for (const c of unit) target.members.add(c);
    target.seconds += seconds;
  }
  return shards.map((shard) => ({ cases: cases.filter((c) => shard.members.has(c)), seconds: shard.seconds }));
}

/** Applies the filters, then takes this job's shard: the cases to run and what was done to get them. */
export function selectCases(
  cases: readonly Case[],
  options: { readonly filters: readonly string[]; readonly shard?: string },
): { cases: Case[]; selection: Selection } {
  const { cases: filtered, controlsAdded } = filterCases(cases, options.filters.map(parseFilter));
  const base = {
    filters: options.filters,
    matched: filtered.length - controlsAdded.length,
    of: cases.length,
    ...(controlsAdded.length > 0 ? { controlsAdded } : {}),
  };
  if (options.shard === undefined) return { cases: filtered, selection: base };
  const shard = parseShard(options.shard);
  const shards = splitIntoShards(filtered, shard.total);
  const mine = shards[shard.index - 1]?.cases ?? [];
  return { cases: mine, selection: { ...base, shard: { ...shard, estimatedSeconds: shards.map((s) => Math.round(s.seconds * 1000) / 1000) } } };
}
