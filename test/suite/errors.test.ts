import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from '../helpers.js';

const dir = 'test/fixtures/suites/errors';

/** One fixture per scenario: the one problem it holds, where, and what the message must say. */
const scenarios: Record<string, { line: number; col?: number; message: RegExp }> = {
  'yaml-syntax': { line: 6, message: /^YAML syntax: Flow sequence/ },
  'duplicate-key': { line: 7, col: 5, message: /duplicate key 'duration' \(first defined on line 6\)/ },
  'unknown-key': { line: 6, col: 5, message: /unknown key 'send_sise' in group 'bulk'; did you mean 'send_size'\?/ },
  'unknown-test': { line: 5, col: 11, message: /'TCP_STREEM' is not a valid test; did you mean 'TCP_STREAM'\?/ },
  'unit-dimension': { line: 6, col: 16, message: /'10ms' is a duration, but send_size takes a size; .*like 64K/ },
  'threshold-unit-dimension': { line: 7, col: 19, message: /'ms' is a time unit, but throughput is a bit rate \(bit\/s\); use one of bit\/s/ },
  'param-not-used': { line: 6, col: 16, message: /send_size is not used by TCP_RR \(only by STREAM and MAERTS tests\)/ },
  'udp-too-large': { line: 7, col: 23, message: /send_size 64K \(65536 bytes\) is larger than the largest UDP datagram \(65507 bytes\)/ },
  'udp-above-buffer': { line: 7, col: 16, message: /send_size 16K \(16384 bytes\) is larger than the sender's socket buffer \(8192 bytes\)/ },
  'metric-not-produced': {
    line: 7,
    col: 7,
    message: /threshold on latency_p99 cannot be judged for case metrics\/bulk: latency_p99 comes only from TCP_RR, TCP_CRR and UDP_RR/,
  },
  'unknown-server': { line: 7, col: 13, message: /unknown server 'pear' in group 'bulk'; did you mean 'peer'\?/ },
  'exclude-not-axis': { line: 9, col: 11, message: /exclude key 'recv_size' is not a matrix axis of group 'bulk'/ },
  'malformed-threshold': { line: 7, col: 19, message: /threshold 'at least 1 Gbit\/s' has no comparison/ },
  'fractional-duration': { line: 6, col: 15, message: /'500ms' is not a whole number of seconds; netperf's -l takes whole seconds/ },
  'shell-host': { line: 6, col: 11, message: /'x; rm -rf \/' is not valid for host; give a host name or IP address/ },
  'missing-variable': { line: 6, col: 15, message: /variable \$\{PERFSUITE_TEST_UNSET_DURATION\} is not set; pass --var PERFSUITE_TEST_UNSET_DURATION=VALUE/ },
  'duplicate-case': { line: 7, col: 24, message: /case normalised\/bulk\[send_size=64K\] is defined twice/ },
  'alias-bomb': { line: 3, message: /expands to more than 200,000 values .*alias bomb/ },
  'huge-matrix': { line: 6, col: 5, message: /group 'bulk' expands to 1,280,000,000 cases, more than the limit of 100,000; .*--max-cases/ },
  'not-a-mapping': { line: 1, message: /a suite file must be a mapping with version, name and tests/ },
  'empty-axis': { line: 7, col: 18, message: /matrix axis 'send_size' has no values/ },
  'threshold-without-metric': { line: 8, col: 9, message: /this threshold entry names no metric/ },
  'missing-test': { line: 4, col: 5, message: /group 'bulk' has a case without a test type/ },
  'empty-server': { line: 4, col: 8, message: /^peer is empty; give it a mapping \(key: value lines under it\)$/ },
  'empty-group': { line: 6, col: 4, message: /^group #2 is empty; give it a mapping/ },
  'yaml-flood': {
    line: 4,
    col: 36,
    message:
      /^YAML syntax: .*; quote a \$\{NAME:-default\} inside \{ \}, like rate: "\$\{LINK_RATE:-200mbit\}" \(14 more YAML errors after it are probably caused by it; fix this one first\)$/,
  },
  'unquoted-threshold': { line: 7, col: 20, message: /^YAML syntax: .*; quote the value, like throughput: ">= 1 Gbit\/s"/ },
  'no-groups': { line: 3, col: 8, message: /^tests has no groups; add at least one, like - \{ name: bulk, test: TCP_STREAM \}$/ },
  'jitter-alone': { line: 6, col: 11, message: /^jitter needs delay in link of server 'shaped': netem varies a delay/ },
  'empty-affinity': { line: 6, col: 19, message: /^cpu_affinity of group 'rr' is empty; give local or remote, like cpu_affinity: \{ local: 0, remote: 1 \}$/ },
  'affinity-number': {
    line: 6,
    col: 19,
    message: /^cpu_affinity must be an object, not a number 1; write CPU numbers like cpu_affinity: \{ local: 0, remote: 1 \}$/,
  },
  'load-on-stream': { line: 6, col: 11, message: /^load is not used by TCP_STREAM \(only by RR and CRR tests, whose latency it loads\)/ },
  'load-test-not-bulk': { line: 6, col: 19, message: /^'TCP_RR' is not a valid test \(one of TCP_STREAM, TCP_MAERTS, UDP_STREAM\)$/ },
  'load-number': {
    line: 6,
    col: 11,
    message: /^load must be an object, not a number 2; write the load streams like load: \{ test: TCP_STREAM, streams: 2 \}, or load: none$/,
  },
  'load-metric-without-load': { line: 7, col: 7, message: /^threshold on load_throughput cannot be judged for case e\/rr: load_throughput needs `load:`/ },
  'interval-too-short': { line: 6, col: 15, message: /^interval: 50ms is shorter than netperf's demo timer keeps up with; use 100ms or more$/ },
  'load-confidence': { line: 6, col: 11, message: /^load cannot be combined with confidence: .*; drop confidence and use repeat for more runs$/ },
  'load-cpu': { line: 7, col: 11, message: /^load cannot be combined with cpu: true: .*; measure CPU in a case without load$/ },
  'load-udp-above-buffer': {
    line: 7,
    col: 11,
    message: /^load\.send_size 32K \(32768 bytes\) is larger than the sender's socket buffer \(16384 bytes\), which the load streams take from the case/,
  },
  'interval-vs-duration': { line: 7, col: 15, message: /^interval 1500ms is more than half the duration \(2s\): .*; use at most 1s, or a longer duration$/ },
  'budget-unit': {
    line: 6,
    col: 40,
    message: /^'5x' is not valid for budget; write how long the group may measure, like 90s or 3m \(a bare number is seconds\)$/,
  },
  'budget-zero': { line: 6, col: 13, message: /^repeat: repeat budget 0s leaves no time to measure; give how long the group may take, like 90s or 3m$/ },
  'interval-zero': { line: 6, col: 15, message: /^interval must be more than 0, not 0; write it like 500ms or 1s \(100ms or more\)$/ },
  'load-dscp-unknown': {
    line: 9,
    col: 37,
    message: /^load: flows\[1\]\.dscp: 'AF44' is not a DSCP name; did you mean 'AF41'\? Use BE, EF, CS0–CS7, AF11–AF43, or a number 0–63$/,
  },
  'load-flow-not-bulk': { line: 9, col: 19, message: /^'TCP_CRR' is not a valid test \(one of TCP_STREAM, TCP_MAERTS, UDP_STREAM\)$/ },
  'load-down-without-download': {
    line: 10,
    col: 7,
    message:
      /^threshold on load_throughput_down cannot be judged for case e\/rr: load_throughput_down needs a load flow that receives \(TCP_MAERTS in `load:`\)$/,
  },
  'load-without-test': { line: 6, col: 11, message: /^load of group 'rr' is missing the required key 'test', like load: \{ test: TCP_STREAM, streams: 2 \}$/ },
  'load-threshold-unscoped': {
    line: 9,
    col: 7,
    message:
      /^threshold on load_throughput cannot be judged for case e\/rr\[load=none\]: .*; select the loaded cases with when: \{ load: \{ test: TCP_STREAM, streams: 2 \} \}/,
  },
  'when-matches-nothing': {
    line: 10,
    col: 9,
    message:
      /^this threshold's when: selects none of the 2 cases of group 'rr', so load_throughput would never be judged; its cases have load: none, 2xTCP_STREAM$/,
  },
  'axis-value-bad': { line: 7, col: 35, message: /^'BBR' is not valid for congestion_control; give one algorithm in lower case, like bbr or cubic/ },
  'ipv6-netns': {
    line: 9,
    col: 17,
    message: /^ip_version 6 cannot be used here: server 'ns' is a network namespace, whose link has IPv4 addresses only; .*local server \(it listens on ::1\)$/,
  },
  'repeat-word': { line: 6, col: 13, message: /^repeat must be a whole number of runs from 1 to 1000, like repeat: 5, or \{ min, max \} .*; not 'five'$/ },
  'repeat-zero': { line: 6, col: 13, message: /^repeat must be >= 1$/ },
  'tolerance-bare-number': {
    line: 7,
    col: 19,
    message: /^throughput must be a string, not a number 15; write the allowed worsening with its % sign, like throughput: 15%$/,
  },
  'tolerance-count-percent': {
    line: 7,
    col: 24,
    message:
      /^regression retransmissions: '50%' is a percentage, but retransmissions is a count \(most often 0, so a share of it means nothing\); give the allowed rise in segments per run, like retransmissions: 10$/,
  },
  'retransmissions-crr': {
    line: 7,
    col: 7,
    message:
      /retransmissions comes only from TCP_STREAM, TCP_MAERTS and TCP_RR, not TCP_CRR \(netperf reports none for TCP_CRR, whose connections last one transaction\)/,
  },
  'count-threshold-unit': { line: 7, col: 24, message: /'ms' is a time unit, but retransmissions is a count \(segments\); use one of segments/ },
  'tolerance-quoted-number': { line: 7, col: 19, message: /^'15' is not valid for throughput; write it like 15%, with the % sign and no space$/ },
  'bad-rate': { line: 6, col: 19, message: /^'fast' is not valid for rate; write a rate in bits per second as tc does, like 100mbit/ },
};

describe('suite errors', () => {
  for (const [name, expected] of Object.entries(scenarios)) {
    it(`${name}: reports file, line and message`, () => {
      const file = `${dir}/${name}.yml`;
      const diagnostics = diagnosticsOf([file]);
      expect(diagnostics).toHaveLength(1);
      const [diagnostic] = diagnostics;
      expect(diagnostic?.loc.file).toBe(file);
      expect(diagnostic?.loc.line).toBe(expected.line);
      if (expected.col !== undefined) expect(diagnostic?.loc.col).toBe(expected.col);
      expect(diagnostic?.message).toMatch(expected.message);
    });
  }

  it('reports a bad hook and a bad hook ten entries later, each at its own line (one oneOf per entry)', () => {
    const diagnostics = diagnosticsOf([`${dir}/hooks-two-bad.yml`]);
    expect(diagnostics.map((d) => [d.loc.line, d.message.split(';')[0]])).toEqual([
      [7, 'setup must be a command as an argv list, like [sysctl, -w, net.core.rmem_max=4194304], or { in: namespace, run: [ip, link, show] }'],
      [18, "unknown key 'bogus' in setup[11] of server 's' (expected one of: in, run)"],
    ]);
  });

  it('reports every bad flow of a load, and no follow-on at a when: naming that load (anchored)', () => {
    const diagnostics = diagnosticsOf([`${dir}/load-dscps-and-when.yml`]);
    // the anchor's node is checked where it stands and again at the alias (the command line prints each place once)
    expect([...new Set(diagnostics.map((d) => `${d.loc.line}:${d.loc.col ?? ''} ${d.message.slice(0, 40)}`))]).toEqual([
      "12:41 load: flows[0].dscp: 'CS9' is not a DSCP",
      "13:41 load: flows[1].dscp: 'XX1' is not a DSCP",
    ]);
  });

  it('reports every problem of a file at once, in order', () => {
    const diagnostics = diagnosticsOf([`${dir}/many-errors.yml`]);
    expect(diagnostics.map((d) => [d.loc.line, d.message.split(';')[0]])).toEqual([
      [4, "unknown key 'duraton' in defaults"],
      [8, "nodelay must be a boolean, not a string 'yes'"],
      [10, "threshold '>= 1 Gbit': unknown unit 'Gbit'"],
      [12, "unknown server 'nowhere' in group 'rr' (defined: local)"],
      [14, 'recv_size is not used by TCP_RR (only by STREAM and MAERTS tests)'],
    ]);
  });

  it('keeps __proto__ keys as unknown keys, never as a prototype', () => {
    const diagnostics = diagnosticsOf([`${dir}/proto-key.yml`]);
    expect(diagnostics.map((d) => [d.loc.line, d.message.split(' (')[0]])).toEqual([
      [6, "unknown key '__proto__' in group 'bulk'"],
      [8, "unknown key '__proto__' in matrix of group 'bulk'"],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reports problems in several files together, each with its own file name', () => {
    const diagnostics = diagnosticsOf([`${dir}/unknown-key.yml`, `${dir}/param-not-used.yml`, 'suites/loopback-tcp.yml']);
    expect(diagnostics.map((d) => d.loc.file)).toEqual([`${dir}/unknown-key.yml`, `${dir}/param-not-used.yml`]);
  });

  it('fills a variable from --var before the environment', () => {
    expect(diagnosticsOf([`${dir}/missing-variable.yml`], { PERFSUITE_TEST_UNSET_DURATION: '3s' })).toEqual([]);
  });
});

describe('suite names', () => {
  it('must be unique across files, pointing at the second one', () => {
    const diagnostics = diagnosticsOf([`${dir}/unknown-key.yml`, `${dir}/unknown-test.yml`]);
    expect(diagnostics.map((d) => `${d.loc.file}:${d.loc.line}`)).toContain(`${dir}/unknown-test.yml:2`);
    expect(diagnostics.some((d) => /suite name 'typo' is already used by .*unknown-key\.yml:2/.test(d.message))).toBe(true);
  });
});
