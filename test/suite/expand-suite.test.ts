import { describe, expect, it } from 'vitest';
import { load } from '../helpers.js';

const dir = 'test/fixtures/suites/valid';

describe('matrix expansion of suites', () => {
  it('expands the complete example of docs/suite-format.md: 16 bulk cases (15 after exclude + an appended include) and 12 request/response cases', () => {
    const { cases } = load([`${dir}/design-example.yml`]);
    expect(cases.filter((c) => c.group === 'bulk')).toHaveLength(16);
    expect(cases.filter((c) => c.group === 'request-response')).toHaveLength(12);
    expect(cases[0]?.id).toBe('loopback-tcp/bulk[nodelay=false,send_size=2K,socket_buffer=default]');
    expect(cases[0]?.params).toEqual({ test: 'TCP_STREAM', duration: 10, send_size: 2048, socket_buffer: 'default', nodelay: false, repeat: 3 });
    const appended = cases.find((c) => c.id === 'loopback-tcp/bulk[send_size=64K,socket_buffer=4M]');
    expect(appended?.params).toEqual({ test: 'TCP_STREAM', duration: 10, send_size: 65536, socket_buffer: 4194304, repeat: 3 });
    expect(appended?.loc.line).toBe(33);
    expect(cases.some((c) => c.id.includes('send_size=64K') && c.params.nodelay === true)).toBe(false);
  });

  it('applies when-filtered thresholds only to the cases they select', () => {
    const { cases } = load([`${dir}/design-example.yml`]);
    const crr = cases.find((c) => c.params.test === 'TCP_CRR');
    const rr = cases.find((c) => c.params.test === 'TCP_RR');
    expect(crr?.thresholds.map((t) => t.metric)).toEqual(['transaction_rate', 'latency_p99']);
    expect(rr?.thresholds.map((t) => t.metric)).toEqual(['latency_p99']);
    expect(crr?.thresholds[0]?.threshold).toEqual({ aggregate: 'median', op: '>=', value: 1000, expression: '>= 1000/s' });
    expect(crr?.thresholds[1]?.threshold.value).toBe(2000);
  });

  it('compares values after normalisation: an include with 65536 extends the 64K case', () => {
    const { cases } = load([`${dir}/normalisation.yml`]);
    expect(cases.map((c) => c.id)).toEqual(['norm/bulk[recv_size=1M,send_size=64K]', 'norm/bulk[send_size=1K,socket_buffer=128K]']);
    expect(cases[0]?.params.recv_size).toBe(1048576);
  });

  it('keeps the line of the value that defined each case', () => {
    const { cases } = load([`${dir}/normalisation.yml`]);
    expect(cases.map((c) => [c.loc.line, c.loc.col])).toEqual([
      [8, 19],
      [8, 24],
    ]);
  });

  it('drops parameters a test type does not use when they come from defaults or a test-varying matrix', () => {
    const { cases } = load([`${dir}/test-varied.yml`]);
    expect(cases.map((c) => c.id)).toEqual([
      'varied/mixed[test=TCP_STREAM]',
      'varied/mixed[request_size=1,test=TCP_RR]',
      'varied/mixed[request_size=64,test=TCP_RR]',
    ]);
    expect(cases[0]?.params).toEqual({ test: 'TCP_STREAM', send_size: 8192 });
    expect(cases[1]?.params).toEqual({ test: 'TCP_RR', request_size: 1 });
    expect(cases[0]?.thresholds.map((t) => t.metric)).toEqual(['throughput']);
    expect(cases[2]?.thresholds.map((t) => t.metric)).toEqual(['latency_p99']);
  });

  it('gives stable ids: the same suite loads to the same ids every time', () => {
    const first = load([`${dir}/design-example.yml`]).cases.map((c) => c.id);
    const second = load([`${dir}/design-example.yml`]).cases.map((c) => c.id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('fills ${NAME} and ${NAME:-default} in values, keeping numbers numbers; $${ is a literal', () => {
    const defaults = load([`${dir}/variables.yml`]).cases;
    expect(defaults[0]?.params).toMatchObject({ duration: 3, repeat: 2, send_size: 16384, nodelay: true });
    expect(defaults.find((c) => c.group === 'literal')?.params.extra_args).toEqual({ global: [], test: ['-u', '${NOT_A_VARIABLE}'] });
    const fromVar = load([`${dir}/variables.yml`], { variables: { PERF_REPEAT: '5' }, env: { PERF_REPEAT: '7', PERF_SIZE: '1K' } }).cases;
    expect(fromVar[0]?.params).toMatchObject({ repeat: 5, send_size: 1024 });
  });

  it('supports YAML merge keys', () => {
    const merged = load([`${dir}/variables.yml`]).cases.find((c) => c.group === 'merged');
    expect(merged?.params).toEqual({ test: 'TCP_RR', duration: 3, repeat: 2 });
  });

  it('raises the case limit with maxCases and enforces it across suites', () => {
    expect(() => load([`${dir}/design-example.yml`], { maxCases: 27 })).toThrow(/expand to 28 cases together, more than the limit of 27/);
    expect(load([`${dir}/design-example.yml`], { maxCases: 28 }).cases).toHaveLength(28);
  });
});

describe('the example suites', () => {
  it('validate and carry the schema modeline', async () => {
    const { readFileSync } = await import('node:fs');
    const { suites, cases } = load(['suites/*.yml']);
    expect(suites.length).toBeGreaterThanOrEqual(2);
    expect(cases.length).toBeGreaterThan(0);
    for (const suite of suites) {
      expect(readFileSync(suite.file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/suite.schema.json');
    }
  });
});
