import type { SourceLocation } from '../model/diagnostics.js';
import { explainMissingMetric, type MetricName } from '../model/metrics.js';
import { DEFAULT_COMPARE_REPEAT, MIN_COMPARE_ROUNDS, SIGNIFICANCE_LEVEL } from '../model/significance.js';
import type { AxisName, ParamName, ParamValue } from '../model/suite-types.js';
import { MAX_UDP_PAYLOAD_BYTES, type TestName } from '../model/test-types.js';
import { plural } from '../model/words.js';
import { formatParamValue } from './normalize-param.js';

/**
 * What expanding a group can find wrong with its cases, as data: the passes of expand-suite.ts find them, and
 * describeProblem words every one of them here, in one catalogue (like hyperfine's warnings.rs).
 */
export type ExpandProblem =
  | { readonly kind: 'no-test-type'; readonly group: string }
  | { readonly kind: 'unused-param'; readonly param: ParamName; readonly test: TestName; readonly usedBy: string }
  | { readonly kind: 'udp-size-too-large'; readonly param: 'send_size' | 'request_size' | 'response_size'; readonly bytes: number; readonly limit: UdpLimit }
  | { readonly kind: 'load-with-confidence' }
  | { readonly kind: 'load-with-cpu' }
  | { readonly kind: 'load-send-size-too-large'; readonly bytes: number; readonly limit: UdpLimit }
  | { readonly kind: 'interval-too-long'; readonly interval: number; readonly duration: number }
  | { readonly kind: 'no-ipv6'; readonly why: string }
  | { readonly kind: 'duplicate-case'; readonly caseId: string }
  | {
      readonly kind: 'unjudgeable-metric';
      readonly scope: 'threshold' | 'regression';
      readonly metric: MetricName;
      readonly caseId: string;
      readonly test: TestName;
      readonly select?: 'loaded-cases' | 'tests';
    }
  | {
      readonly kind: 'when-selects-none';
      readonly group: string;
      readonly cases: number;
      readonly metric: MetricName;
      readonly seen: readonly { readonly param: ParamName; readonly values: readonly (ParamValue | undefined)[] }[];
    }
  | { readonly kind: 'no-control'; readonly caseId: string; readonly group: string; readonly axis: AxisName; readonly control: string }
  | { readonly kind: 'too-few-rounds'; readonly group: string; readonly rounds: number; readonly cases: number };

/** What a UDP size must fit: the largest datagram, or the socket buffer of one end (which a load's streams take from the case). */
export type UdpLimit = { readonly kind: 'datagram' } | { readonly kind: 'sender-buffer' | 'receiver-buffer'; readonly bytes: number };

/** A problem and the node it points at. */
export interface LocatedProblem {
  readonly loc: SourceLocation;
  readonly problem: ExpandProblem;
}

/** The largest UDP payload a limit allows. */
export function udpLimitBytes(limit: UdpLimit): number {
  return limit.kind === 'datagram' ? MAX_UDP_PAYLOAD_BYTES : limit.bytes;
}

/** A problem in words: what is wrong, and what to do about it. */
export function describeProblem(problem: ExpandProblem): string {
  switch (problem.kind) {
    case 'no-test-type':
      return `group '${problem.group}' has a case without a test type; set test: (e.g. TCP_STREAM) in the group, its matrix, or defaults`;
    case 'unused-param':
      return `${problem.param} is not used by ${problem.test} (only by ${problem.usedBy}); remove it, or give it only to the tests that use it (a matrix axis beside test, or a matching include entry)`;
    case 'udp-size-too-large':
      return `${problem.param} ${formatParamValue(problem.param, problem.bytes)} (${problem.bytes} bytes) is larger than ${describeUdpLimit(problem.limit)}; netperf would fail with "Message too long" or receive nothing`;
    case 'load-with-confidence':
      return 'load cannot be combined with confidence: netperf repeats the measured test until the interval is reached, each iteration after its own 1 s lead, but the load streams run once; drop confidence and use repeat for more runs';
    case 'load-with-cpu':
      return "load cannot be combined with cpu: true: CPU utilisation is the whole machine's, so the load streams' CPU would be charged to every transaction; measure CPU in a case without load";
    case 'load-send-size-too-large': {
      const streams = problem.limit.kind === 'datagram' ? '' : ', which the load streams take from the case';
      return `load.send_size ${formatParamValue('send_size', problem.bytes)} (${problem.bytes} bytes) is larger than ${describeUdpLimit(problem.limit)}${streams}; netperf would fail with "Message too long"`;
    }
    case 'interval-too-long':
      return `interval ${formatParamValue('interval', problem.interval)} is more than half the duration (${formatParamValue('duration', problem.duration)}): netperf would report one or two interim results; use at most ${formatParamValue('interval', problem.duration / 2)}, or a longer duration`;
    case 'no-ipv6':
      return `ip_version 6 cannot be used here: ${problem.why}; give the server an IPv6 address or name, or measure IPv6 on a local server (it listens on ::1)`;
    case 'duplicate-case':
      return `case ${problem.caseId} is defined twice; matrix values compare after normalisation (64K equals 65536), so remove the repeated value or include entry`;
    case 'unjudgeable-metric':
      return `${problem.scope} on ${problem.metric} cannot be judged for case ${problem.caseId}: ${explainMissingMetric(problem.metric, problem.test)}${SELECT_HINTS[problem.select ?? 'none']}`;
    case 'when-selects-none': {
      const seen = problem.seen.map(
        ({ param, values }) => `${param}: ${[...new Set(values.map((v) => (v === undefined ? '(not set)' : formatParamValue(param, v))))].join(', ')}`,
      );
      return `this threshold's when: selects none of the ${plural(problem.cases, 'case')} of group '${problem.group}', so ${problem.metric} would never be judged; its cases have ${seen.join('; ')}`;
    }
    case 'no-control':
      return `case ${problem.caseId} has no control to compare with: no case of group '${problem.group}' has ${problem.axis}=${problem.control} and otherwise the same parameters; add that combination to the matrix, or exclude this one`;
    case 'too-few-rounds':
      return `compare: group '${problem.group}' measures ${plural(problem.rounds, 'round')} (${plural(problem.cases, 'case')}, from repeat: or --repeat), and the paired test needs at least ${MIN_COMPARE_ROUNDS} to reach α = ${SIGNIFICANCE_LEVEL} (1/2^${MIN_COMPARE_ROUNDS}); leave repeat out (compare: groups default to { min: ${DEFAULT_COMPARE_REPEAT.min}, max: ${DEFAULT_COMPARE_REPEAT.max} }), or set it, or --repeat, to ${MIN_COMPARE_ROUNDS} or more`;
  }
}

function describeUdpLimit(limit: UdpLimit): string {
  if (limit.kind === 'datagram') return `the largest UDP datagram (${MAX_UDP_PAYLOAD_BYTES} bytes)`;
  return `the ${limit.kind === 'sender-buffer' ? "sender's" : "receiver's"} socket buffer (${limit.bytes} bytes)`;
}

/** How to give a threshold only to the cases that produce its metric, when the group varies what decides it. */
const SELECT_HINTS = {
  'loaded-cases': '; select the loaded cases with when: { load: { test: TCP_STREAM, streams: 2 } }, the load as the axis writes it',
  tests: ' (select the cases with when: { test: ... })',
  none: '',
} as const;
