import type { ParsedRun, ProcessOutcome, RunFailure, RunMetrics, SeriesPoint } from '../model/netperf-outcome.js';
import { type MetricName, SD_UNITS } from '../model/metrics.js';
import { TEST_TYPES, type TestName } from '../model/test-types.js';
import { defined } from '../model/defined.js';

/** netperf's THROUGHPUT_UNITS → bit/s (10^6bits/s is decimal Mbit/s; K/M/GBytes are binary, as netperf's -f K/M/G). */
const THROUGHPUT_FACTORS: Readonly<Record<string, number>> = {
  '10^0bits/s': 1,
  '10^3bits/s': 1e3,
  '10^6bits/s': 1e6,
  '10^9bits/s': 1e9,
  'Bytes/s': 8,
  'KBytes/s': 8 * 1024,
  'MBytes/s': 8 * 1024 ** 2,
  'GBytes/s': 8 * 1024 ** 3,
};

/** Splits keyval output: one `KEY=value` per line, split at the first `=`, quotes removed. */
export function parseKeyvals(stdout: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (!/^[A-Z0-9_]+$/.test(key)) continue;
    values[key] = line
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return values;
}

/** Classifies a failed netperf run by its recorded signatures (docs/netperf.md, "How netperf fails"). */
export function classifyFailure(outcome: ProcessOutcome, target: string): RunFailure {
  const text = `${outcome.stdout}\n${outcome.stderr}`;
  if (outcome.timedOut) {
    return {
      kind: 'timeout',
      message: `netperf did not finish within ${(outcome.durationMs / 1000).toFixed(1)} s (the case's timeout:, or without one the run's expected length and a margin) and was killed; check that ${target} is reachable and not overloaded, or raise timeout:`,
    };
  }
  if (/are you sure there is a netserver listening/.test(text)) {
    return {
      kind: 'no-netserver',
      message: `no netserver is listening at ${target}; start one (netserver -p PORT) or check the server's host and control_port`,
    };
  }
  if (/could not resolve/.test(text)) {
    return { kind: 'dns', message: `the host of ${target} does not resolve; check the server's host: name or use an IP address` };
  }
  if (/Message too long/.test(text)) {
    return {
      kind: 'message-too-long',
      message: 'netperf failed with "Message too long": the UDP send size is above 65507 bytes or above a socket buffer; lower send_size',
    };
  }
  const unknown = /The test you requested \((.*)\) is unknown/.exec(text);
  if (unknown) {
    return {
      kind: 'unknown-test',
      message: `this netperf does not know test ${unknown[1] ?? ''}; use TCP_STREAM, TCP_MAERTS, UDP_STREAM, TCP_RR, TCP_CRR or UDP_RR, or upgrade to netperf 2.7`,
    };
  }
  // netserver killed: "partial response received" on the control connection, "Connection reset by peer" while it
  // answered or, during the data phase, "recv_data failed: Connection reset by peer" (each seen on 2.7.0)
  if (
    /partial response received|recv_response: Connection reset by peer|recv_data failed: Connection reset by peer|send_request: send call failure: Connection reset by peer/.test(
      text,
    )
  ) {
    return {
      kind: 'netserver-died',
      message: `the netserver at ${target} went away during the test (or rejected the passphrase); check that it is still running`,
    };
  }
  // killed by SIGPIPE with nothing said: it wrote to the data connection of a netserver that had just died (a
  // stream test when the netserver went away mid-run; seen on 2.7.0)
  if (outcome.signal === 'SIGPIPE' && text.trim() === '') {
    return {
      kind: 'netserver-died',
      message: `the netserver at ${target} went away during the test (netperf was killed by SIGPIPE writing to it); check that it is still running`,
    };
  }
  if (/connect_data_socket failed/.test(text)) {
    return {
      kind: 'data-connection-refused',
      message: `the data connection to ${target} was refused (a firewall, or a netperf/netserver version mismatch); allow the data port or pin it with data_port:`,
    };
  }
  if (/no response received/.test(text)) {
    return { kind: 'remote-timeout', message: `the netserver at ${target} stopped answering; check the link and the server's load` };
  }
  if (outcome.signal !== undefined) {
    return { kind: 'netperf-failed', message: `netperf was killed by ${outcome.signal}` };
  }
  const detail = text.trim().split('\n').slice(0, 3).join(' / ');
  return { kind: 'netperf-failed', message: `netperf exited with ${String(outcome.exitCode)}${detail === '' ? '' : `: ${detail}`}` };
}

/** Turns one netperf run's output into metrics in the units of the metrics table (bit/s, /s, µs, %). */
export function parseNetperfRun(
  outcome: ProcessOutcome,
  request: {
    readonly test: TestName;
    readonly keys: readonly string[];
    readonly target: string;
    readonly congestionControl?: string;
    /** With -D: `required`, a run without interim results is an error (a case's own `interval:`); `optional`, it has no series (a load stream's). */
    readonly interval?: 'required' | 'optional';
  },
): ParsedRun {
  if (outcome.exitCode !== 0 || outcome.timedOut) return { kind: 'error', failure: classifyFailure(outcome, request.target) };
  const keyvals = parseKeyvals(outcome.stdout);
  const missing = request.keys.filter((key) => keyvals[key] === undefined);
  if (missing.length > 0) {
    return {
      kind: 'error',
      failure: {
        kind: 'missing-keys',
        message: `netperf did not print ${missing.join(', ')} (it drops selectors it does not know); this perfsuite needs netperf 2.7.0 built with omni tests`,
      },
    };
  }
  const wanted = request.congestionControl;
  if (wanted !== undefined && (keyvals['LOCAL_CONG_CONTROL'] !== wanted || keyvals['REMOTE_CONG_CONTROL'] !== wanted)) {
    return {
      kind: 'error',
      failure: {
        kind: 'not-applied',
        message: `asked for congestion control ${wanted} at both ends, but netperf reports ${keyvals['LOCAL_CONG_CONTROL'] ?? '?'} here and ${keyvals['REMOTE_CONG_CONTROL'] ?? '?'} at the netserver; the kernel there lacks ${wanted} (modprobe tcp_${wanted}) or does not allow it (net.ipv4.tcp_allowed_congestion_control)`,
      },
    };
  }
  const number = (key: string): number => Number(keyvals[key]);
  const bad = (message: string): ParsedRun => ({ kind: 'error', failure: { kind: 'bad-output', message } });
  const metrics: RunMetrics = {};
  const type = TEST_TYPES[request.test];
  if (type.kind === 'stream') {
    const units = keyvals['THROUGHPUT_UNITS'] ?? '';
    const factor = THROUGHPUT_FACTORS[units];
    if (factor === undefined) return bad(`netperf reported throughput in '${units}', which perfsuite does not know`);
    metrics.throughput = number('THROUGHPUT') * factor;
    if (request.test === 'UDP_STREAM') {
      // THROUGHPUT is the receiver's; the sender's is LOCAL_SEND_THROUGHPUT, in the same units
      metrics.send_throughput = number('LOCAL_SEND_THROUGHPUT') * factor;
      const sent = number('LOCAL_SEND_CALLS');
      const received = number('REMOTE_RECV_CALLS');
      metrics.loss = sent > 0 ? Math.max(0, (1 - received / sent) * 100) : 0;
    }
  } else {
    metrics.transaction_rate = number('TRANSACTION_RATE');
    metrics.latency_mean = number('MEAN_LATENCY');
    metrics.latency_p50 = number('P50_LATENCY');
    metrics.latency_p90 = number('P90_LATENCY');
    metrics.latency_p99 = number('P99_LATENCY');
    metrics.latency_max = number('MAX_LATENCY');
    metrics.latency_stddev = number('STDDEV_LATENCY');
  }
  if (request.keys.includes('LOCAL_CPU_UTIL')) {
    metrics.cpu_local = number('LOCAL_CPU_UTIL');
    metrics.cpu_remote = number('REMOTE_CPU_UTIL');
    const sdUnits = keyvals['SD_UNITS'] ?? '';
    if (sdUnits !== SD_UNITS[type.kind])
      return bad(`netperf reported service demand in '${sdUnits}', but perfsuite expects '${SD_UNITS[type.kind]}' for ${request.test}`);
    metrics.service_demand_local = number('LOCAL_SD');
    metrics.service_demand_remote = number('REMOTE_SD');
  }
  Object.assign(metrics, transportCounters(request.keys, number));
  const notNumbers = Object.entries(metrics).filter(([, value]) => !Number.isFinite(value));
  if (notNumbers.length > 0) return bad(`netperf printed values that are not numbers for ${notNumbers.map(([m]) => m).join(', ')}`);
  const width = request.keys.includes('THROUGHPUT_CONFID') ? number('THROUGHPUT_CONFID') : undefined;
  let series: SeriesPoint[] | undefined;
  let seriesStart: number | undefined;
  if (request.interval !== undefined) {
    const interim = parseInterimResults(outcome.stdout, request.test);
    if (typeof interim === 'string') return bad(interim);
    if (interim.points.length === 0 && request.interval === 'required') {
      const unbuilt = /demo mode not configured|not compiled with.*demo/i.test(`${outcome.stdout}\n${outcome.stderr}`);
      return {
        kind: 'error',
        failure: {
          kind: 'bad-output',
          message: unbuilt
            ? 'netperf printed no interim results for interval: (-D): this netperf was built without --enable-demo; rebuild it with it, or remove interval:'
            : 'netperf printed no interim results for interval: (-D) in this run; give the case a duration of several intervals, or remove interval: (a netperf built without --enable-demo prints none either)',
        },
      };
    }
    if (interim.points.length > 0) {
      series = interim.points;
      seriesStart = interim.start;
    }
  }
  return {
    kind: 'measured',
    metrics,
    keyvals,
    ...(width !== undefined && width >= 0 ? { confidenceWidthPercent: width } : {}),
    ...defined({ series, seriesStart }),
  };
}

/**
 * The TCP counters of a run: `retransmissions`, the sum of the `*_TRANSPORT_RETRANS` keys asked for (the sending side's,
 * both sides' for RR), and `mss`. netperf prints -1 where it could not read them (a netserver without TCP_INFO), and
 * then the run has none: a count of nothing is not 0.
 */
function transportCounters(keys: readonly string[], number: (key: string) => number): RunMetrics {
  const counters: RunMetrics = {};
  const retransmitted = keys.filter((key) => key.endsWith('_TRANSPORT_RETRANS')).map(number);
  if (retransmitted.length > 0 && retransmitted.every((count) => count >= 0)) counters.retransmissions = retransmitted.reduce((a, b) => a + b, 0);
  if (keys.includes('TRANSPORT_MSS') && number('TRANSPORT_MSS') > 0) counters.mss = number('TRANSPORT_MSS');
  return counters;
}

/** The metric netperf's interim results measure: UDP_STREAM's are the sender's (checked on 2.7.0), others the result's. */
export function interimMetric(test: TestName): MetricName {
  if (test === 'UDP_STREAM') return 'send_throughput';
  return TEST_TYPES[test].kind === 'rr' ? 'transaction_rate' : 'throughput';
}

const INTERIM_LINE = /^NETPERF_(INTERIM_RESULT|UNITS|INTERVAL|ENDING)\[(\d+)\]=(.*)$/;

/**
 * netperf's `-D` interim results in keyval output (`NETPERF_INTERIM_RESULT[i]`, `NETPERF_UNITS[i]`,
 * `NETPERF_INTERVAL[i]` seconds, `NETPERF_ENDING[i]` epoch seconds) as points: t is the end of each interval in
 * seconds from the start of the first, from netperf's own clock, because its intervals are only approximately the
 * ones asked for (0.5 s gave 0.765 s, then 0.500 s). `start` is when the first interval began, in epoch seconds on
 * this host's clock (its end less its length): every netperf perfsuite starts runs on this host, so the starts of
 * concurrent runs (the measured test and its load streams) put their series on one time axis. A string says what was
 * wrong.
 */
export function parseInterimResults(stdout: string, test: TestName): { start: number; points: SeriesPoint[] } | string {
  const fields = new Map<number, Partial<Record<'INTERIM_RESULT' | 'UNITS' | 'INTERVAL' | 'ENDING', string>>>();
  for (const line of stdout.split('\n')) {
    const match = INTERIM_LINE.exec(line.trim());
    if (match === null) continue;
    const index = Number(match[2]);
    const entry = fields.get(index) ?? {};
    entry[match[1] as 'UNITS'] = match[3] ?? '';
    fields.set(index, entry);
  }
  const metric = interimMetric(test);
  const rr = TEST_TYPES[test].kind === 'rr';
  const entries = [...fields.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
  const first = entries[0];
  if (first === undefined) return { start: NaN, points: [] };
  const start = Number(first.ENDING) - Number(first.INTERVAL);
  if (!Number.isFinite(start)) return 'netperf printed interim results that are not numbers';
  const points: SeriesPoint[] = [];
  for (const entry of entries) {
    const factor = rr ? (entry.UNITS === 'Trans/s' ? 1 : undefined) : THROUGHPUT_FACTORS[entry.UNITS ?? ''];
    if (factor === undefined) return `netperf reported interim results in '${entry.UNITS ?? ''}', which perfsuite does not know`;
    const t = Number(entry.ENDING) - start;
    const value = Number(entry.INTERIM_RESULT) * factor;
    if (!Number.isFinite(t) || !Number.isFinite(value)) return 'netperf printed interim results that are not numbers';
    points.push({ t: Math.round(t * 1000) / 1000, [metric]: value });
  }
  return { start, points };
}
