import { activeLoad, type CaseParams, formatCpuAffinity, type LoadFlow, loadFlows } from '../model/suite-types.js';
import { DEFAULT_DURATION_SECONDS, TEST_TYPES, type TestName } from '../model/test-types.js';
import { defined } from '../model/defined.js';

/** Where netperf connects: the netserver's control address and port, and an optional pinned data port. */
export interface NetperfTarget {
  readonly host: string;
  /** A port number, or a placeholder when the port is only chosen at run time. */
  readonly controlPort: number | string;
  /** Pins the remote data port (`-- -P ,port`) so a firewall can allow it. */
  readonly dataPort?: number;
  /** netserver's passphrase (`-Z`), for servers perfsuite starts off this host. */
  readonly passphrase?: string;
}

const BASE_KEYS = ['THROUGHPUT', 'THROUGHPUT_UNITS', 'ELAPSED_TIME', 'LSS_SIZE_END', 'LSR_SIZE_END', 'RSS_SIZE_END', 'RSR_SIZE_END'];
const LATENCY_KEYS = ['MEAN_LATENCY', 'P50_LATENCY', 'P90_LATENCY', 'P99_LATENCY', 'MAX_LATENCY', 'STDDEV_LATENCY'];
const TEST_KEYS: Readonly<Record<TestName, readonly string[]>> = {
  TCP_STREAM: ['LOCAL_SEND_SIZE', 'REMOTE_RECV_SIZE'],
  TCP_MAERTS: ['REMOTE_SEND_SIZE', 'LOCAL_RECV_SIZE'],
  UDP_STREAM: ['LOCAL_SEND_SIZE', 'REMOTE_RECV_SIZE', 'LOCAL_SEND_CALLS', 'REMOTE_RECV_CALLS', 'LOCAL_SEND_THROUGHPUT', 'REMOTE_RECV_THROUGHPUT'],
  TCP_RR: ['TRANSACTION_RATE', 'REQUEST_SIZE', 'RESPONSE_SIZE', ...LATENCY_KEYS],
  TCP_CRR: ['TRANSACTION_RATE', 'REQUEST_SIZE', 'RESPONSE_SIZE', ...LATENCY_KEYS],
  UDP_RR: ['TRANSACTION_RATE', 'REQUEST_SIZE', 'RESPONSE_SIZE', ...LATENCY_KEYS],
};
const TCP_KEYS = ['LOCAL_NODELAY', 'REMOTE_NODELAY', 'TRANSPORT_MSS'];
/**
 * The retransmission counters of the side that sends the data: netperf for TCP_STREAM, netserver for TCP_MAERTS, both
 * for TCP_RR (requests one way, responses the other). TCP_CRR has none: each transaction is a connection of its own, and
 * netperf 2.7.0 prints -1 (or the count of whichever connection it read last).
 */
export const RETRANSMISSION_KEYS: Readonly<Partial<Record<TestName, readonly string[]>>> = {
  TCP_STREAM: ['LOCAL_TRANSPORT_RETRANS'],
  TCP_MAERTS: ['REMOTE_TRANSPORT_RETRANS'],
  TCP_RR: ['LOCAL_TRANSPORT_RETRANS', 'REMOTE_TRANSPORT_RETRANS'],
};
const CPU_KEYS = ['LOCAL_CPU_UTIL', 'REMOTE_CPU_UTIL', 'LOCAL_SD', 'REMOTE_SD', 'SD_UNITS'];
/** The algorithm each end's socket ended up with: `-K` of an algorithm the kernel lacks is ignored without a word. */
export const CONG_CONTROL_KEYS = ['LOCAL_CONG_CONTROL', 'REMOTE_CONG_CONTROL'];
/** What netperf reports back for `-T`: the CPUs it asked for (-1 = not pinned); it does not check they exist. */
const CPU_BIND_KEYS = ['LOCAL_CPU_BIND', 'REMOTE_CPU_BIND'];
const CONFIDENCE_KEYS = ['CONFIDENCE_LEVEL', 'CONFIDENCE_INTERVAL', 'CONFIDENCE_ITERATION', 'THROUGHPUT_CONFID'];

/**
 * Under `load:`, the measured test waits this long after its set-up (netperf's global `-s`) so the load streams
 * started beside it are past slow start; the load streams run this much longer than the case on each side.
 */
export const LOAD_LEAD_SECONDS = 1;

/** `keyList`'s lists, by kind of case. */
const keyListCache = new Map<string, string>();

/** `netperfKeys` joined for `-k`, computed once per kind of case. */
function keyList(params: CaseParams & { readonly test: TestName }): string {
  const cacheKey = `${params.test}|${String(params.cpu === true)}|${String(params.confidence !== undefined)}|${String(params.cpu_affinity !== undefined)}|${String(params.congestion_control !== undefined)}`;
  let list = keyListCache.get(cacheKey);
  if (list === undefined) {
    list = netperfKeys(params).join(',');
    keyListCache.set(cacheKey, list);
  }
  return list;
}

/**
 * The keyval selectors (`-- -k`) a case asks for: exactly what the result parser reads.
 * netperf silently drops unknown selectors, so the parser checks that each one came back (docs/netperf.md, "Keyval
 * output").
 */
export function netperfKeys(params: CaseParams & { readonly test: TestName }): string[] {
  const type = TEST_TYPES[params.test];
  return [
    ...BASE_KEYS,
    ...TEST_KEYS[params.test],
    ...(type.protocol === 'tcp' ? TCP_KEYS : []),
    ...(RETRANSMISSION_KEYS[params.test] ?? []),
    ...(params.cpu === true ? CPU_KEYS : []),
    ...(params.confidence !== undefined ? CONFIDENCE_KEYS : []),
    ...(params.cpu_affinity !== undefined ? CPU_BIND_KEYS : []),
    ...(params.congestion_control !== undefined ? CONG_CONTROL_KEYS : []),
  ];
}

/**
 * The argv of one netperf instance for a case, program name first.
 * Global options come before `--` and test-specific ones after it; the same letter means different things on
 * each side (`-s` start delay vs socket buffer, `-D` demo interval vs TCP_NODELAY, `-P` banner vs data port),
 * so each option is placed by what it means here. Test names are the migrated ones, never `-t OMNI -d ...`,
 * which silently runs a stream test. See netperf 2.7.0 doc/netperf.texi.
 */
export function buildNetperfArgv(
  params: CaseParams & { readonly test: TestName },
  target: NetperfTarget,
  load?: { readonly dscp?: number | undefined },
): string[] {
  const dscp = load?.dscp;
  const type = TEST_TYPES[params.test];
  const global: string[] = ['-P', '0'];
  if (type.kind === 'rr') global.push('-j'); // latency percentiles need the histogram
  if (params.cpu === true) global.push('-c', '-C');
  if (params.cpu_affinity !== undefined) global.push('-T', formatCpuAffinity(params.cpu_affinity));
  // IP_TOS on both ends (global -Y in 2.7.0, in hex): the DSCP sits in the byte's upper six bits (docs/netperf.md)
  if (dscp !== undefined) global.push('-Y', `${formatTos(dscp)},${formatTos(dscp)}`);
  if (target.passphrase !== undefined) global.push('-Z', target.passphrase);
  global.push('-H', target.host, '-p', String(target.controlPort));
  if (params.ip_version !== undefined) global.push(`-${params.ip_version}`);
  if (activeLoad(params) !== undefined) global.push('-s', String(LOAD_LEAD_SECONDS));
  // always negative: a negative -D makes netperf read the clock at every send or transaction, so its intervals are the
  // ones asked for (a positive one guesses how many sends make an interval and, through a shaper, a stream then
  // reported once in 4 s). Under load every stream's series shares one time axis, and an idle case is compared with
  // its loaded twin at the same t, so every case with interval: is timed alike (docs/netperf.md)
  if (params.interval !== undefined) global.push('-D', String(-params.interval));
  global.push('-t', params.test, '-l', String(params.duration ?? DEFAULT_DURATION_SECONDS));
  if (params.confidence !== undefined) {
    const [min, max] = params.confidence.iterations;
    global.push('-I', `${params.confidence.level},${params.confidence.width}`, '-i', `${max},${min}`);
  }
  global.push(...(params.extra_args?.global ?? []));

  const test: string[] = ['-k', keyList(params)];
  // In TCP_MAERTS the sender is netserver: its send size and our receive size both sit in the second
  // position (`-m ,N`, `-M ,N`); a lone `-m N` there only sets the unused local send size (checked on 2.7.0).
  const position = (bytes: number): string => (params.test === 'TCP_MAERTS' ? `,${bytes}` : String(bytes));
  if (params.send_size !== undefined) test.push('-m', position(params.send_size));
  if (params.recv_size !== undefined) test.push('-M', position(params.recv_size));
  const localBuffer = params.local_buffer ?? params.socket_buffer;
  const remoteBuffer = params.remote_buffer ?? params.socket_buffer;
  if (typeof localBuffer === 'number') test.push('-s', String(localBuffer));
  if (typeof remoteBuffer === 'number') test.push('-S', String(remoteBuffer));
  if (params.nodelay === true) test.push('-D');
  if (params.congestion_control !== undefined) test.push('-K', `${params.congestion_control},${params.congestion_control}`);
  if (params.request_size !== undefined || params.response_size !== undefined) {
    // both sides explicitly: a lone `-r 32` would set the response size to 32 as well
    test.push('-r', `${params.request_size ?? 1},${params.response_size ?? 1}`);
  }
  if (target.dataPort !== undefined) test.push('-P', `,${target.dataPort}`);
  if (params.test === 'UDP_STREAM') test.push('-R', '1'); // netperf sets SO_DONTROUTE on UDP_STREAM otherwise
  test.push(...(params.extra_args?.test ?? []));

  return ['netperf', ...global, '--', ...test];
}

/**
 * The argv of one background stream of each flow of a case's `load:`: the flow's bulk test, from before the measured
 * test starts until after it ends (lead + duration + lead), with the case's socket-level tuning (congestion control,
 * buffers, address family), since "what does my tuning do to latency when the link is full" needs the load tuned alike,
 * the case's `interval:` (`-D`), and the flow's DSCP mark.
 */
export function buildLoadArgv(
  params: CaseParams & { readonly test: TestName },
  target: NetperfTarget,
): { readonly flow: LoadFlow; readonly netperf: string[] }[] | undefined {
  const load = activeLoad(params);
  if (load === undefined) return undefined;
  return loadFlows(load).map((flow) => {
    const tcp = TEST_TYPES[flow.test].protocol === 'tcp';
    const flowParams: CaseParams & { readonly test: TestName } = {
      test: flow.test,
      duration: (params.duration ?? DEFAULT_DURATION_SECONDS) + 2 * LOAD_LEAD_SECONDS,
      ...defined({ send_size: flow.send_size, recv_size: flow.recv_size }),
      // with interval:, every stream reports interim results too, so its series shares the measured test's time axis
      ...pick(params, ['socket_buffer', 'local_buffer', 'remote_buffer', 'ip_version', 'interval']),
      ...(tcp ? pick(params, ['congestion_control']) : {}),
    };
    return { flow, netperf: buildNetperfArgv(flowParams, target, { dscp: flow.dscp }) };
  });
}

/** A DSCP as netperf's `-Y` takes it: the TOS byte in hex (`46` → `0xb8`). */
function formatTos(dscp: number): string {
  return `0x${(dscp << 2).toString(16).padStart(2, '0')}`;
}

function pick<K extends keyof CaseParams>(params: CaseParams, keys: readonly K[]): Pick<CaseParams, K> {
  const picked: Partial<Pick<CaseParams, K>> = {};
  for (const key of keys) if (params[key] !== undefined) picked[key] = params[key];
  return picked as Pick<CaseParams, K>;
}
