import {
  type ConfidenceParams,
  type CpuAffinity,
  formatCpuAffinity,
  DSCP_NAMES,
  formatLoad,
  type LoadFlow,
  type LoadSpec,
  type ParamName,
  type ParamValue,
} from '../model/suite-types.js';
import { formatSeconds, formatSize, type Parsed, parseDurationSeconds, parsePercent, parseSize } from '../model/units.js';
import { defined } from '../model/defined.js';
import { closestMatch } from '../model/did-you-mean.js';

const SIZE_PARAMS = new Set<string>(['send_size', 'recv_size', 'request_size', 'response_size']);
const BUFFER_PARAMS = new Set<string>(['socket_buffer', 'local_buffer', 'remote_buffer']);

/** The normalised value of one (schema-valid) case parameter: bytes, seconds, percentages as numbers. */
export function normalizeParam(name: ParamName, raw: unknown): Parsed<ParamValue> {
  if (SIZE_PARAMS.has(name)) return parseSize(raw as number | string);
  if (BUFFER_PARAMS.has(name)) return raw === 'default' ? { ok: true, value: 'default' } : parseSize(raw as number | string);
  switch (name) {
    case 'duration': {
      const seconds = parseDurationSeconds(raw as number | string);
      if (!seconds.ok) return seconds;
      if (!Number.isInteger(seconds.value) || seconds.value < 1) {
        return {
          ok: false,
          message: `'${String(raw)}' is not a whole number of seconds; netperf's -l takes whole seconds (and 0 runs forever), so use 1s or more`,
        };
      }
      return seconds;
    }
    case 'timeout':
      return parseDurationSeconds(raw as number | string);
    case 'repeat': {
      const range = raw as number | { min: number; max: number; budget?: number | string };
      if (typeof range === 'number') return { ok: true, value: range };
      if (range.min > range.max) return { ok: false, message: `repeat is { min, max }, but ${range.min} > ${range.max}; swap them` };
      if (range.budget === undefined) return { ok: true, value: { min: range.min, max: range.max } };
      const budget = parseDurationSeconds(range.budget);
      if (!budget.ok) return budget;
      if (!(budget.value > 0))
        return { ok: false, message: `repeat budget ${String(range.budget)} leaves no time to measure; give how long the group may take, like 90s or 3m` };
      return { ok: true, value: { min: range.min, max: range.max, budget: budget.value } };
    }
    case 'confidence':
      return normalizeConfidence(raw as { level: number; width?: number | string; iterations?: number[] });
    case 'cpu_affinity': {
      // always { local, remote } in that order, so two spellings of one pinning compare equal
      const { local, remote } = raw as CpuAffinity;
      return { ok: true, value: defined({ local, remote }) };
    }
    case 'interval': {
      const seconds = parseDurationSeconds(raw as number | string);
      if (!seconds.ok) return seconds;
      if (seconds.value < MIN_INTERVAL_SECONDS)
        return { ok: false, message: `${String(raw)} is shorter than netperf's demo timer keeps up with; use 100ms or more` };
      return seconds;
    }
    case 'load':
      return normalizeLoad(raw as RawLoad);
    case 'extra_args': {
      const args = raw as { global?: string[]; test?: string[] };
      const global = args.global ?? [];
      if (global.includes('--')) return { ok: false, message: "extra_args.global must not contain '--'; put test-specific options in extra_args.test" };
      return { ok: true, value: { global, test: args.test ?? [] } };
    }
    default:
      return { ok: true, value: raw as ParamValue };
  }
}

/** The shortest `interval:` accepted: netperf's demo timer is coarse, and shorter intervals only add noise. */
export const MIN_INTERVAL_SECONDS = 0.1;

type RawFlow = { test: LoadFlow['test']; streams?: number; send_size?: number | string; recv_size?: number | string; dscp?: number | string };
type RawLoad = 'none' | RawFlow | { flows: RawFlow[] };

function normalizeLoad(raw: RawLoad): Parsed<LoadSpec | 'none'> {
  if (raw === 'none') return { ok: true, value: 'none' };
  if (!('flows' in raw)) return normalizeFlow(raw, 'load');
  const flows: LoadFlow[] = [];
  // every bad flow, not only the first
  const problems: { message: string; at: string }[] = [];
  for (const [i, rawFlow] of raw.flows.entries()) {
    const flow = normalizeFlow(rawFlow, `flows[${i}]`);
    if (flow.ok) flows.push(flow.value);
    else problems.push({ message: flow.message, at: `flows/${i}/${flow.at ?? ''}`.replace(/\/$/, '') });
  }
  const [first, ...more] = problems;
  if (first !== undefined) return { ok: false, ...first, ...(more.length === 0 ? {} : { more }) };
  return { ok: true, value: { flows } };
}

function normalizeFlow(raw: RawFlow, name: string): Parsed<LoadFlow> {
  // always in this order with streams filled in, so two spellings of one load compare equal
  const sizes: { send_size?: number; recv_size?: number } = {};
  for (const size of ['send_size', 'recv_size'] as const) {
    const value = raw[size];
    if (value === undefined) continue;
    const parsed = parseSize(value);
    if (!parsed.ok) return { ok: false, message: `${name}.${size}: ${parsed.message}`, at: size };
    sizes[size] = parsed.value;
  }
  const dscp = raw.dscp === undefined ? undefined : parseDscp(raw.dscp);
  if (dscp !== undefined && !dscp.ok) return { ok: false, message: `${name}.dscp: ${dscp.message}`, at: 'dscp' };
  return { ok: true, value: { test: raw.test, streams: raw.streams ?? 1, ...sizes, ...defined({ dscp: dscp?.value }) } };
}

/** A DSCP by name (`EF`, `CS1`, `AF41`, `BE`; any case) or number (0–63, the schema checks the range). */
function parseDscp(raw: number | string): Parsed<number> {
  if (typeof raw === 'number') return { ok: true, value: raw };
  const value = DSCP_NAMES.get(raw.toUpperCase());
  if (value !== undefined) return { ok: true, value };
  const near = closestMatch(raw, DSCP_NAMES.keys());
  return {
    ok: false,
    message: `'${raw}' is not a DSCP name${near === undefined ? '' : `; did you mean '${near}'?`} Use BE, EF, CS0–CS7, AF11–AF43, or a number 0–63`,
  };
}

function normalizeConfidence(raw: { level: number; width?: number | string; iterations?: number[] }): Parsed<ConfidenceParams> {
  const width = parsePercent(raw.width ?? 5);
  if (!width.ok) return width;
  const [min = 3, max = 10] = raw.iterations ?? [];
  if (min > max) return { ok: false, message: `confidence.iterations is [min, max], but ${min} > ${max}; swap them` };
  return { ok: true, value: { level: raw.level, width: width.value, iterations: [min, max] } };
}

/** The string two values of a parameter compare equal by (64K and 65536 give the same). */
export function valueKey(value: ParamValue): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A short, stable spelling of a normalised value, as used in case ids. */
export function formatParamValue(name: ParamName, value: ParamValue): string {
  if (typeof value === 'number' && (SIZE_PARAMS.has(name) || BUFFER_PARAMS.has(name))) return formatSize(value);
  if (typeof value === 'number' && (name === 'duration' || name === 'timeout')) return formatSeconds(value);
  if (name === 'cpu_affinity') return formatCpuAffinity(value as CpuAffinity);
  if (name === 'load') return formatLoad(value as LoadSpec | 'none');
  if (name === 'interval' && typeof value === 'number') return formatSeconds(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
