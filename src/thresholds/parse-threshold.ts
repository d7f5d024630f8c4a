import { closestMatch, didYouMean } from '../model/did-you-mean.js';
import { type Dimension, METRICS, type MetricName } from '../model/metrics.js';
import { AGGREGATES, type Aggregate, OPERATORS, type Operator, type Threshold } from '../model/threshold.js';
import type { Parsed } from '../model/units.js';

/** Each unit a threshold may use: its dimension and its factor to the metric's unit. */
const UNITS: Readonly<Record<string, { readonly dimension: Dimension; readonly factor: number }>> = {
  'bit/s': { dimension: 'bitrate', factor: 1 },
  'kbit/s': { dimension: 'bitrate', factor: 1e3 },
  'Mbit/s': { dimension: 'bitrate', factor: 1e6 },
  'Gbit/s': { dimension: 'bitrate', factor: 1e9 },
  bps: { dimension: 'bitrate', factor: 1 },
  Kbps: { dimension: 'bitrate', factor: 1e3 },
  kbps: { dimension: 'bitrate', factor: 1e3 },
  Mbps: { dimension: 'bitrate', factor: 1e6 },
  Gbps: { dimension: 'bitrate', factor: 1e9 },
  'B/s': { dimension: 'bitrate', factor: 8 },
  'KB/s': { dimension: 'bitrate', factor: 8e3 },
  'MB/s': { dimension: 'bitrate', factor: 8e6 },
  'GB/s': { dimension: 'bitrate', factor: 8e9 },
  ns: { dimension: 'time', factor: 1e-3 },
  us: { dimension: 'time', factor: 1 },
  µs: { dimension: 'time', factor: 1 },
  ms: { dimension: 'time', factor: 1e3 },
  s: { dimension: 'time', factor: 1e6 },
  '/s': { dimension: 'rate', factor: 1 },
  'k/s': { dimension: 'rate', factor: 1e3 },
  'M/s': { dimension: 'rate', factor: 1e6 },
  '%': { dimension: 'percent', factor: 1 },
  'us/KB': { dimension: 'service-demand', factor: 1 },
  'µs/KB': { dimension: 'service-demand', factor: 1 },
  'us/tr': { dimension: 'service-demand', factor: 1 },
  'µs/tr': { dimension: 'service-demand', factor: 1 },
  segments: { dimension: 'count', factor: 1 },
};

const DIMENSION_NAMES: Readonly<Record<Dimension, string>> = {
  bitrate: 'a bit rate',
  rate: 'a rate per second',
  time: 'a time',
  percent: 'a percentage',
  'service-demand': 'a service demand',
  index: 'an index',
  count: 'a count',
  size: 'a size',
};

const SHAPE = /^\s*(?:([A-Za-z_]\w*)\s*)?(<=|>=|==|<|>|=)?\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)?\s*(.*?)\s*$/;

/** The unit a bare number in a threshold most often means, by what the metric measures. */
const LIKELY_UNIT: Readonly<Partial<Record<Dimension, string>>> = { bitrate: 'Mbit/s', time: 'µs', rate: '/s' };

/**
 * Parses a threshold expression for `metric`, checking its unit against the metric's dimension.
 *
 * Grammar (whitespace between tokens is optional; docs/suite-format.md, "Thresholds"):
 * ```
 * threshold  ::= [ aggregate " " ] operator number [ unit ]
 * aggregate  ::= "median" | "mean" | "min" | "max"        ; default: median of the case's runs
 * operator   ::= "<" | "<=" | ">" | ">=" | "=="
 * number     ::= digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]
 * unit       ::= "bit/s" | "kbit/s" | "Mbit/s" | "Gbit/s" | "bps" | "Kbps" | "kbps" | "Mbps" | "Gbps"
 *              | "B/s" | "KB/s" | "MB/s" | "GB/s"                 ; bit rates (K/M/G are decimal)
 *              | "ns" | "us" | "µs" | "ms" | "s"                   ; times
 *              | "/s" | "k/s" | "M/s"                             ; rates (as the console prints them: 48.1k/s)
 *              | "%" | "us/KB" | "µs/KB" | "us/tr" | "µs/tr"       ; percentages, service demand (per KB, per transaction)
 *              | "segments"                                       ; counts (retransmissions), where the unit may be left out
 * ```
 * The unit is required: a bare `>= 1000` on throughput could mean bit/s or Gbit/s, so it is refused. A count has one
 * unit only, so `retransmissions: "< 10"` is a count of segments.
 */
export function parseThreshold(expression: string, metric: MetricName, options: { readonly bareNumberInMetricUnit?: boolean } = {}): Parsed<Threshold> {
  const info = METRICS[metric];
  const example = info.dimension === 'count' ? `${metric}: "< 10"` : `${metric}: ">= 100 ${info.unit}"`;
  const match = SHAPE.exec(expression);
  const [, aggregateText, op, numberText, unitText = ''] = match ?? [];
  const reversed = /=>|=</.exec(expression)?.[0];
  if (reversed !== undefined) {
    return { ok: false, message: `threshold '${expression}': '${reversed}' is not an operator; write '${reversed === '=>' ? '>=' : '<='}'` };
  }
  if (match === null || (aggregateText === undefined && op === undefined && numberText === undefined)) {
    return { ok: false, message: `threshold '${expression}' is not an expression; write '[median|mean|min|max] OP VALUE UNIT', like ${example}` };
  }
  if (op === undefined) {
    return { ok: false, message: `threshold '${expression}' has no comparison; start it with one of ${OPERATORS.join(' ')}, like ${example}` };
  }
  if (aggregateText !== undefined && !(AGGREGATES as readonly string[]).includes(aggregateText)) {
    return {
      ok: false,
      message: `threshold '${expression}': unknown aggregate '${aggregateText}'${didYouMean(aggregateText, AGGREGATES)} (one of ${AGGREGATES.join(', ')})`,
    };
  }
  if (op === '=') {
    return { ok: false, message: `threshold '${expression}': '=' is not an operator; write '==' (or <, <=, >, >=)` };
  }
  if (numberText === undefined) {
    return { ok: false, message: `threshold '${expression}' has no number after '${op}'; write it like ${example}` };
  }
  const fitting = Object.keys(UNITS).filter((u) => UNITS[u]?.dimension === info.dimension);
  // 0 is 0 in any unit; files of perfsuite 0.1.0 were written when a bare number meant the metric's own unit
  // an index (load_fairness) has no unit and a count (retransmissions) one only: a bare number says it
  const bareAllowed = Number(numberText) === 0 || options.bareNumberInMetricUnit === true || info.unit === '' || info.dimension === 'count';
  if (unitText === '' && !bareAllowed) {
    // their own number with the unit they most likely meant, which the message then says is a guess
    const likely = LIKELY_UNIT[info.dimension] ?? info.unit;
    return {
      ok: false,
      message: `threshold '${expression}' has no unit; write one (${metric} takes ${fitting.join(', ')}), like ${metric}: "${op} ${numberText} ${likely}" if ${likely} is what you meant`,
    };
  }
  let factor = 1;
  if (unitText !== '') {
    const unit = UNITS[unitText];
    if (unit === undefined) {
      const suggestion = (info.dimension === 'bitrate' ? bitRateSpelling(unitText) : undefined) ?? closestMatch(unitText, fitting);
      return {
        ok: false,
        message: `threshold '${expression}': unknown unit '${unitText}'${suggestion === undefined ? '' : `; did you mean '${suggestion}'?`} (${metric} takes ${fitting.join(', ')})`,
      };
    }
    if (unit.dimension !== info.dimension) {
      return {
        ok: false,
        message: `threshold '${expression}': '${unitText}' is ${DIMENSION_NAMES[unit.dimension]} unit, but ${metric} is ${DIMENSION_NAMES[info.dimension]} (${info.unit}); use one of ${fitting.join(', ')}`,
      };
    }
    factor = unit.factor;
  }
  return {
    ok: true,
    value: { aggregate: (aggregateText as Aggregate | undefined) ?? 'median', op: op as Operator, value: Number(numberText) * factor, expression },
  };
}

/** `Gb/s`, `Mb/s`, `kb/s`, `Gbit`: a lower-case b means bits, so the bit/s unit is meant (never GB/s, 8× off). */
function bitRateSpelling(unit: string): string | undefined {
  const match = /^([kKmMgG]?)b(?:it)?(?:\/s)?$/.exec(unit);
  if (match === null) return undefined;
  const prefix = { '': '', k: 'k', K: 'k', m: 'M', M: 'M', g: 'G', G: 'G' }[match[1] ?? ''] ?? '';
  return `${prefix}bit/s`;
}
