import { describe, expect, it } from 'vitest';
import { buildLoadArgv, buildNetperfArgv, netperfKeys } from '../../src/netperf/build-argv.js';
import type { TestName } from '../../src/model/test-types.js';
import type { CaseParams } from '../../src/model/suite-types.js';

const target = { host: '127.0.0.1', controlPort: 12865 };
const argv = (params: CaseParams & { test: TestName }, t: Parameters<typeof buildNetperfArgv>[1] = target) => buildNetperfArgv(params, t);
/** The parts before and after `--`. */
const split = (args: readonly string[]) => {
  const at = args.indexOf('--');
  return { global: args.slice(1, at), test: args.slice(at + 1) };
};
const keysOf = (args: readonly string[]) => split(args).test[1]?.split(',');

describe('netperf argv', () => {
  it('TCP_STREAM: banner off, migrated name, default length, keyval selectors', () => {
    expect(argv({ test: 'TCP_STREAM' })).toEqual([
      'netperf',
      '-P',
      '0',
      '-H',
      '127.0.0.1',
      '-p',
      '12865',
      '-t',
      'TCP_STREAM',
      '-l',
      '10',
      '--',
      '-k',
      'THROUGHPUT,THROUGHPUT_UNITS,ELAPSED_TIME,LSS_SIZE_END,LSR_SIZE_END,RSS_SIZE_END,RSR_SIZE_END,LOCAL_SEND_SIZE,REMOTE_RECV_SIZE,LOCAL_NODELAY,REMOTE_NODELAY,TRANSPORT_MSS,LOCAL_TRANSPORT_RETRANS',
    ]);
  });

  it('TCP tests ask for the MSS and the retransmissions of the side that sends the data; TCP_CRR for the MSS only, UDP for neither', () => {
    const retrans = (test: TestName) => netperfKeys({ test }).filter((key) => key.endsWith('_TRANSPORT_RETRANS'));
    expect(retrans('TCP_STREAM')).toEqual(['LOCAL_TRANSPORT_RETRANS']);
    expect(retrans('TCP_MAERTS')).toEqual(['REMOTE_TRANSPORT_RETRANS']);
    expect(retrans('TCP_RR')).toEqual(['LOCAL_TRANSPORT_RETRANS', 'REMOTE_TRANSPORT_RETRANS']);
    expect(retrans('TCP_CRR')).toEqual([]);
    for (const test of ['TCP_STREAM', 'TCP_MAERTS', 'TCP_RR', 'TCP_CRR'] as const) expect(netperfKeys({ test })).toContain('TRANSPORT_MSS');
    for (const test of ['UDP_STREAM', 'UDP_RR'] as const) expect(netperfKeys({ test }).filter((key) => key.includes('TRANSPORT'))).toEqual([]);
  });

  it('TCP_MAERTS sets the remote send and local receive sizes in the second position, and asks for them', () => {
    const args = argv({ test: 'TCP_MAERTS', duration: 1, send_size: 4096, recv_size: 8192 });
    expect(split(args).global).toEqual(['-P', '0', '-H', '127.0.0.1', '-p', '12865', '-t', 'TCP_MAERTS', '-l', '1']);
    expect(split(args).test.slice(2)).toEqual(['-m', ',4096', '-M', ',8192']);
    expect(keysOf(args)).toEqual(expect.arrayContaining(['REMOTE_SEND_SIZE', 'LOCAL_RECV_SIZE']));
  });

  it('UDP_STREAM passes -R 1 and asks for send/receive call counts and both throughputs', () => {
    const args = argv({ test: 'UDP_STREAM', send_size: 1024 });
    expect(split(args).test.slice(2)).toEqual(['-m', '1024', '-R', '1']);
    expect(keysOf(args)).toEqual(expect.arrayContaining(['LOCAL_SEND_CALLS', 'REMOTE_RECV_CALLS', 'LOCAL_SEND_THROUGHPUT', 'REMOTE_RECV_THROUGHPUT']));
    expect(keysOf(args)).not.toContain('LOCAL_NODELAY');
  });

  for (const test of ['TCP_RR', 'TCP_CRR', 'UDP_RR'] as const) {
    it(`${test}: global -j for latency percentiles, TRANSACTION_RATE and every latency key, never -f`, () => {
      const args = argv({ test });
      expect(split(args).global).toEqual(['-P', '0', '-j', '-H', '127.0.0.1', '-p', '12865', '-t', test, '-l', '10']);
      expect(keysOf(args)).toEqual(
        expect.arrayContaining(['TRANSACTION_RATE', 'MEAN_LATENCY', 'P50_LATENCY', 'P90_LATENCY', 'P99_LATENCY', 'MAX_LATENCY', 'STDDEV_LATENCY']),
      );
      expect(args).not.toContain('-f');
      expect(args).not.toContain('OMNI');
    });
  }

  it('send_size and recv_size become test-specific -m and -M, in bytes', () => {
    expect(split(argv({ test: 'TCP_STREAM', send_size: 65536, recv_size: 2048 })).test.slice(2)).toEqual(['-m', '65536', '-M', '2048']);
  });

  it('socket_buffer sets both ends after --, never the global -s start delay', () => {
    const args = argv({ test: 'TCP_STREAM', socket_buffer: 131072 });
    expect(split(args).test.slice(2)).toEqual(['-s', '131072', '-S', '131072']);
    expect(split(args).global).not.toContain('-s');
  });

  it('local_buffer and remote_buffer override one end; default passes nothing', () => {
    expect(split(argv({ test: 'TCP_STREAM', socket_buffer: 65536, remote_buffer: 1048576 })).test.slice(2)).toEqual(['-s', '65536', '-S', '1048576']);
    expect(split(argv({ test: 'TCP_STREAM', socket_buffer: 'default', local_buffer: 4096 })).test.slice(2)).toEqual(['-s', '4096']);
    expect(split(argv({ test: 'TCP_STREAM', socket_buffer: 'default' })).test.slice(2)).toEqual([]);
  });

  it('nodelay is the test-specific -D (the global -D is the demo interval)', () => {
    const args = argv({ test: 'TCP_RR', nodelay: true });
    expect(split(args).test.slice(2)).toEqual(['-D']);
    expect(split(args).global).not.toContain('-D');
    expect(argv({ test: 'TCP_RR', nodelay: false })).not.toContain('-D');
  });

  it("request and response sizes are both given, the missing one at netperf's default of 1", () => {
    expect(split(argv({ test: 'TCP_RR', request_size: 32, response_size: 1024 })).test.slice(2)).toEqual(['-r', '32,1024']);
    expect(split(argv({ test: 'TCP_RR', request_size: 32 })).test.slice(2)).toEqual(['-r', '32,1']);
    expect(split(argv({ test: 'UDP_RR', response_size: 512 })).test.slice(2)).toEqual(['-r', '1,512']);
  });

  it('duration is -l in whole seconds', () => {
    expect(split(argv({ test: 'TCP_STREAM', duration: 3 })).global.slice(-2)).toEqual(['-l', '3']);
  });

  it('ip_version is the global -4 or -6', () => {
    expect(split(argv({ test: 'TCP_STREAM', ip_version: 6 }, { host: '::1', controlPort: 1 })).global).toEqual([
      '-P',
      '0',
      '-H',
      '::1',
      '-p',
      '1',
      '-6',
      '-t',
      'TCP_STREAM',
      '-l',
      '10',
    ]);
    expect(split(argv({ test: 'TCP_STREAM', ip_version: 4 })).global).toContain('-4');
  });

  it('cpu adds global -c -C and the CPU and service-demand keys', () => {
    const args = argv({ test: 'TCP_STREAM', cpu: true });
    expect(split(args).global.slice(0, 4)).toEqual(['-P', '0', '-c', '-C']);
    expect(keysOf(args)).toEqual(expect.arrayContaining(['LOCAL_CPU_UTIL', 'REMOTE_CPU_UTIL', 'LOCAL_SD', 'REMOTE_SD', 'SD_UNITS']));
    expect(split(args).test).not.toContain('-C');
  });

  it('cpu_affinity is the global -T local,remote (a side left out is empty) and asks for the binding keys', () => {
    const globalOf = (cpu_affinity: NonNullable<CaseParams['cpu_affinity']>) => split(argv({ test: 'TCP_RR', cpu_affinity })).global;
    expect(globalOf({ local: 0, remote: 1 }).slice(0, 4)).toEqual(['-P', '0', '-j', '-T']);
    expect(globalOf({ local: 0, remote: 1 })[4]).toBe('0,1');
    expect(globalOf({ local: 2 })[4]).toBe('2,');
    expect(globalOf({ remote: 3 })[4]).toBe(',3');
    expect(split(argv({ test: 'TCP_RR', cpu_affinity: { local: 0 } })).test).not.toContain('-T');
    expect(keysOf(argv({ test: 'TCP_STREAM', cpu_affinity: { local: 0 } }))).toEqual(expect.arrayContaining(['LOCAL_CPU_BIND', 'REMOTE_CPU_BIND']));
    expect(keysOf(argv({ test: 'TCP_STREAM' }))).not.toContain('LOCAL_CPU_BIND');
  });

  it('congestion_control is the test-specific -K alg,alg (both ends) and asks for what each end got', () => {
    const args = argv({ test: 'TCP_STREAM', congestion_control: 'bbr' });
    expect(split(args).test.slice(2)).toEqual(['-K', 'bbr,bbr']);
    expect(split(args).global).not.toContain('-K');
    expect(keysOf(args)).toEqual(expect.arrayContaining(['LOCAL_CONG_CONTROL', 'REMOTE_CONG_CONTROL']));
    expect(keysOf(argv({ test: 'TCP_STREAM' }))).not.toContain('LOCAL_CONG_CONTROL');
  });

  it('confidence becomes -I level,width -i max,min and asks for the confidence keys', () => {
    const args = argv({ test: 'TCP_STREAM', duration: 2, confidence: { level: 99, width: 5, iterations: [3, 10] } });
    expect(split(args).global.slice(-4)).toEqual(['-I', '99,5', '-i', '10,3']);
    expect(keysOf(args)).toEqual(expect.arrayContaining(['CONFIDENCE_LEVEL', 'CONFIDENCE_INTERVAL', 'CONFIDENCE_ITERATION', 'THROUGHPUT_CONFID']));
  });

  it('a pinned data port is the test-specific -P ,port (the global -P is the banner)', () => {
    const args = argv({ test: 'TCP_STREAM' }, { host: 'peer', controlPort: 12865, dataPort: 40000 });
    expect(split(args).test.slice(2)).toEqual(['-P', ',40000']);
    expect(split(args).global.slice(0, 2)).toEqual(['-P', '0']);
  });

  it('a passphrase is the global -Z', () => {
    expect(split(argv({ test: 'TCP_RR' }, { host: 'peer', controlPort: 12865, passphrase: 's3cret' })).global.slice(0, 5)).toEqual([
      '-P',
      '0',
      '-j',
      '-Z',
      's3cret',
    ]);
  });

  it('extra_args go on their side of -- as separate argv entries, never through a shell', () => {
    const args = argv({ test: 'TCP_STREAM', extra_args: { global: ['-T', '1,1'], test: ['-K', 'cubic; rm -rf /'] } });
    expect(split(args).global.slice(-2)).toEqual(['-T', '1,1']);
    expect(split(args).test.slice(-2)).toEqual(['-K', 'cubic; rm -rf /']);
  });

  it('asks only for selectors netperf 2.7.0 prints, and never COMMAND_LINE', () => {
    for (const test of ['TCP_STREAM', 'TCP_MAERTS', 'UDP_STREAM', 'TCP_RR', 'TCP_CRR', 'UDP_RR'] as const) {
      const keys = netperfKeys({ test, cpu: true, confidence: { level: 95, width: 5, iterations: [3, 10] } });
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).not.toContain('COMMAND_LINE');
    }
  });
});

describe('interval and load', () => {
  it('interval is the global -D (before --, where -D would be TCP_NODELAY), in seconds', () => {
    const args = argv({ test: 'TCP_STREAM', interval: 0.5, nodelay: true });
    expect(split(args).global).toEqual(['-P', '0', '-H', '127.0.0.1', '-p', '12865', '-D', '-0.5', '-t', 'TCP_STREAM', '-l', '10']);
    expect(split(args).test.slice(2)).toEqual(['-D']);
  });

  it('under load, the measured test waits 1 s (-s 1) for the load streams; `load: none` changes nothing', () => {
    expect(split(argv({ test: 'TCP_RR', duration: 2, load: { test: 'TCP_STREAM', streams: 2 } })).global).toEqual([
      '-P',
      '0',
      '-j',
      '-H',
      '127.0.0.1',
      '-p',
      '12865',
      '-s',
      '1',
      '-t',
      'TCP_RR',
      '-l',
      '2',
    ]);
    expect(argv({ test: 'TCP_RR', duration: 2, load: 'none' })).toEqual(argv({ test: 'TCP_RR', duration: 2 }));
    expect(buildLoadArgv({ test: 'TCP_RR', load: 'none' }, target)).toBeUndefined();
  });

  it('a load stream outlasts the measured test by 1 s on each side and carries its socket-level tuning and interval, not its RR options', () => {
    const params = {
      test: 'TCP_RR',
      duration: 3,
      congestion_control: 'bbr',
      socket_buffer: 131072,
      ip_version: 6,
      nodelay: true,
      request_size: 64,
      cpu: true,
      interval: 0.5,
      cpu_affinity: { local: 0 },
      load: { test: 'TCP_STREAM', streams: 4, send_size: 65536 },
    } as const;
    const load = buildLoadArgv(params, { host: '::1', controlPort: 5 })?.[0]?.netperf ?? [];
    // interval: too, negative so netperf reads the clock at every send: its series shares the measured test's time axis
    expect(split(load).global).toEqual(['-P', '0', '-H', '::1', '-p', '5', '-6', '-D', '-0.5', '-t', 'TCP_STREAM', '-l', '5']);
    expect(split(load).test.slice(2)).toEqual(['-m', '65536', '-s', '131072', '-S', '131072', '-K', 'bbr,bbr']);
    expect(keysOf(load)).toEqual(expect.arrayContaining(['LOCAL_CONG_CONTROL', 'THROUGHPUT']));
    expect(keysOf(load)).not.toContain('TRANSACTION_RATE');
  });

  it('interval: is -D, always negative (exact intervals: every stream lines up on one axis, idle and loaded at the same t)', () => {
    const d = (a: readonly string[]): string | undefined => a[a.indexOf('-D') + 1];
    expect(d(argv({ test: 'TCP_RR', interval: 0.5 }))).toBe('-0.5');
    // the idle twin of a loaded case is timed as the loaded one
    expect(d(argv({ test: 'TCP_RR', interval: 0.5, load: 'none' }))).toBe('-0.5');
    expect(d(argv({ test: 'TCP_STREAM', interval: 1 }))).toBe('-1');
    expect(d(argv({ test: 'TCP_RR', interval: 0.25, load: { flows: [{ test: 'TCP_MAERTS', streams: 1 }] } }))).toBe('-0.25');
    expect(argv({ test: 'TCP_RR', load: { test: 'TCP_STREAM', streams: 1 } })).not.toContain('-D');
    expect(buildLoadArgv({ test: 'TCP_RR', load: { test: 'TCP_STREAM', streams: 1 } }, target)?.[0]?.netperf).not.toContain('-D');
  });

  it('a UDP load gets -R 1 and no congestion control (-K is TCP only)', () => {
    const load =
      buildLoadArgv({ test: 'UDP_RR', congestion_control: 'bbr', load: { test: 'UDP_STREAM', streams: 1, send_size: 1024 } }, target)?.[0]?.netperf ?? [];
    expect(split(load).test.slice(2)).toEqual(['-m', '1024', '-R', '1']);
  });

  it('load flows: one argv per flow, each with its own test, sizes and DSCP as the TOS byte on both ends (-Y 0xb8,0xb8 for EF)', () => {
    const flows = buildLoadArgv(
      {
        test: 'TCP_RR',
        duration: 2,
        load: {
          flows: [
            { test: 'TCP_STREAM', streams: 2, dscp: 46 },
            { test: 'TCP_MAERTS', streams: 1, recv_size: 1024 },
            { test: 'UDP_STREAM', streams: 1, dscp: 8 },
          ],
        },
      },
      target,
    );
    expect(flows?.map((f) => f.flow.test)).toEqual(['TCP_STREAM', 'TCP_MAERTS', 'UDP_STREAM']);
    const [up, down, udp] = (flows ?? []).map((f) => split(f.netperf));
    expect(up?.global).toEqual(expect.arrayContaining(['-Y', '0xb8,0xb8', '-t', 'TCP_STREAM']));
    expect(down?.global).not.toContain('-Y');
    expect(down?.test).toEqual(expect.arrayContaining(['-M', ',1024']));
    expect(udp?.global).toEqual(expect.arrayContaining(['-Y', '0x20,0x20']));
  });
});
