// @module-tag slow
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCases } from '../../src/plan/plan-cases.js';
import { PORT_PLACEHOLDER } from '../../src/servers/server-planner.js';
import { load } from '../helpers.js';
import { startLocalNetserver, type StartedNetserver } from '../../src/exec/local-netserver.js';

const run = promisify(execFile);

/** Parses netperf keyval output (one KEY=value per line). */
function keyvals(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('planned argv against the real netperf 2.7.0 on loopback', () => {
  let server: StartedNetserver;
  beforeAll(async () => {
    server = await startLocalNetserver({ host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.stop();
  });

  const { suites, cases } = load(['test/fixtures/suites/valid/every-test.yml']);
  const plan = planCases(suites, cases);

  for (const planned of plan.cases) {
    it(`${planned.case.id}: netperf accepts the argv, every requested key comes back, the parameters took effect`, async () => {
      const [program, ...args] = planned.netperf.map((a) => (a === PORT_PLACEHOLDER ? String(server.port) : a));
      const { stdout } = await run(program ?? 'netperf', args, { timeout: 30_000 });
      const values = keyvals(stdout);
      const requested = args[args.indexOf('-k') + 1]?.split(',') ?? [];
      expect(requested.length).toBeGreaterThan(5);
      expect(requested.filter((key) => !values.has(key))).toEqual([]);
      expect(Number(values.get('THROUGHPUT'))).toBeGreaterThan(0);

      const p = planned.case.params;
      if (p.test === 'TCP_STREAM' || p.test === 'UDP_STREAM') expect(Number(values.get('LOCAL_SEND_SIZE'))).toBe(p.send_size);
      if (p.test === 'TCP_STREAM') {
        expect(Number(values.get('REMOTE_RECV_SIZE'))).toBe(p.recv_size);
        expect(values.get('LOCAL_NODELAY')).toBe('1');
        // Linux doubles the requested buffer; setting it at all disables autotuning
        expect(Number(values.get('LSS_SIZE_END'))).toBe(2 * 131072);
        expect(Number(values.get('RSR_SIZE_END'))).toBe(2 * 131072);
      }
      if (p.test === 'TCP_MAERTS') {
        expect(Number(values.get('REMOTE_SEND_SIZE'))).toBe(p.send_size);
        expect(Number(values.get('LOCAL_RECV_SIZE'))).toBe(p.recv_size);
      }
      if (p.test === 'UDP_STREAM') expect(Number(values.get('REMOTE_RECV_CALLS'))).toBeGreaterThan(0);
      if (p.test === 'TCP_RR' || p.test === 'UDP_RR' || p.test === 'TCP_CRR') {
        expect(values.get('THROUGHPUT_UNITS')).toBe('Trans/s');
        expect(Number(values.get('TRANSACTION_RATE'))).toBeGreaterThan(0);
        expect(Number(values.get('P99_LATENCY'))).toBeGreaterThan(0);
        expect(Number(values.get('REQUEST_SIZE'))).toBe(p.request_size ?? 1);
        expect(Number(values.get('RESPONSE_SIZE'))).toBe(p.response_size ?? 1);
      }
      if (p.test === 'TCP_RR') expect(values.get('REMOTE_NODELAY')).toBe('1');
      if (p.cpu === true) expect(Number(values.get('LOCAL_CPU_UTIL'))).toBeGreaterThan(0);
      if (p.congestion_control !== undefined) {
        expect(values.get('LOCAL_CONG_CONTROL')).toBe(p.congestion_control);
        expect(values.get('REMOTE_CONG_CONTROL')).toBe(p.congestion_control);
      }
      if (p.cpu_affinity !== undefined) {
        expect(values.get('LOCAL_CPU_BIND')).toBe(String(p.cpu_affinity.local ?? -1));
        expect(values.get('REMOTE_CPU_BIND')).toBe(String(p.cpu_affinity.remote ?? -1));
      }
      if (p.confidence !== undefined) expect(Number(values.get('CONFIDENCE_LEVEL'))).toBe(95);
      // the TCP counters are read, not netperf's "not available" -1: an MSS, and a count of retransmissions (often 0)
      if (p.test?.startsWith('TCP_') === true) expect(Number(values.get('TRANSPORT_MSS'))).toBeGreaterThan(0);
      const retransmissions = requested.filter((key) => key.endsWith('_TRANSPORT_RETRANS'));
      expect(retransmissions.length > 0).toBe(p.test === 'TCP_STREAM' || p.test === 'TCP_MAERTS' || p.test === 'TCP_RR');
      for (const key of retransmissions) expect(Number(values.get(key))).toBeGreaterThanOrEqual(0);
    });
  }
});
