import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/render-junit.js';
import type { CaseResult, RunResult } from '../../src/model/results.js';
import { readFileSync } from 'node:fs';
import { JUNIT_XSD, schemaErrors } from '../helpers.js';
import { abRun, comparedSweep, recordedSweep, syntheticRun, withInjected } from './fixtures.js';

/** Attributes of every element with this tag, in document order (enough for the flat JUnit shape). */
function elements(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag}((?:\\s+[\\w-]+="[^"]*")*)\\s*/?>`, 'g'))].map((match) =>
    Object.fromEntries([...(match[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? ''])),
  );
}

describe('junit.xml', () => {
  it('renders a recorded run as the whole expected document, with the injected clock and host', async () => {
    const xml = renderJunit(withInjected(recordedSweep(), '2026-01-02T03:04:05.678Z', 'ci-runner-7'));
    await expect(xml).toMatchFileSnapshot('../fixtures/results/sweep.junit.xml');
    expect(elements(xml, 'testsuite')[0]).toMatchObject({ timestamp: '2026-01-02T03:04:05', hostname: 'ci-runner-7' });
  });

  it('validates against junit-10-perfsuite.xsd', () => {
    expect(schemaErrors(renderJunit(recordedSweep()))).toBe('');
    expect(schemaErrors(renderJunit(syntheticRun(300)))).toBe('');
  });

  it('checks against the perfsuite schema in schemas/, which has the file and line attributes', () => {
    expect(readFileSync(JUNIT_XSD, 'utf8')).toContain('<xs:attribute name="line" type="xs:nonNegativeInteger"/>');
  });

  it('escapes what markup, attributes and CDATA cannot hold, keeps characters beyond U+FFFF, and still validates', () => {
    const run = recordedSweep();
    const [suite] = run.suites;
    const [first, ...rest] = suite?.cases ?? [];
    const awkward = {
      ...(first as CaseResult),
      file: 'suites/🚀 "quoted" & <odd>.yml',
      retries: 1,
      retryReasons: [{ kind: 'no-netserver' as const, message: 'line one\n\tline two\r' }],
      netperf: (first as CaseResult).netperf.map((n) => ({ ...n, stdout: `a ]]> b ]]> c \u0007 bell\n` })),
    };
    const xml = renderJunit({ ...run, suites: [{ ...(suite as RunResult['suites'][number]), cases: [awkward, ...rest] }] });
    expect(schemaErrors(xml)).toBe('');
    expect(xml).toContain('file="suites/🚀 &quot;quoted&quot; &amp; &lt;odd>.yml"');
    expect(xml).toContain('value="no-netserver: line one&#xA;&#x9;line two&#xD;"');
    expect(xml).toContain('a ]]]]><![CDATA[> b ]]]]><![CDATA[> c \uFFFD bell');
  });

  it('fails a regressed case at its regression: line with baseline, current and evidence, and still validates', () => {
    const xml = renderJunit(comparedSweep());
    expect(schemaErrors(xml)).toBe('');
    expect(elements(xml, 'testcase').find((c) => c['name'] === 'bulk[nodelay=true,send_size=64K]')).toMatchObject({ line: '17' });
    expect(elements(xml, 'failure')).toContainEqual({
      message:
        'throughput regressed −16.7% [−26.1%, −6.03%] vs baseline (65.4 Gbit/s → 54.5 Gbit/s, tolerance 5%; p = 0.004, 5 vs 5 runs (one-sided Mann–Whitney U, α = 0.01)) — unexplained: no counter was recorded, though 1 setting differs (test/fixtures/results/sweep.yml:17)',
      type: 'regression',
    });
    expect(xml).toMatch(
      /<property name="baseline\.throughput" value="\d+"\/>\n\s+<property name="regression\.throughput" value="throughput regressed −16\.7% \[−26\.1%, −6\.03%\] vs baseline/,
    );
    // 6 regressed, 3 missed thresholds; the inconclusive comparisons fail nothing
    expect(elements(xml, 'testsuite')[0]).toMatchObject({ tests: '13', failures: '9', errors: '1' });
    expect(elements(xml, 'failure').filter((f) => f['type'] === 'regression')).toHaveLength(6);
  });

  it('passes a case whose comparison is inconclusive, carrying the note as a property and in system-out', () => {
    const run = comparedSweep();
    // the UDP_RR case without its missed threshold, so only the comparison could fail it
    const udpRr = run.suites[0]!.cases.find((c) => c.id === 'sweep/rr[request_size=1K,test=UDP_RR]')!;
    const only: RunResult = {
      ...run,
      suites: [{ ...run.suites[0]!, cases: [{ ...udpRr, status: 'pass', thresholds: udpRr.thresholds.filter((t) => t.passed) }] }],
    };
    const xml = renderJunit(only);
    expect(schemaErrors(xml)).toBe('');
    expect(elements(xml, 'testsuite')[0]).toMatchObject({ tests: '1', failures: '0', errors: '0' });
    expect(elements(xml, 'failure')).toEqual([]);
    const note =
      'the noise is too large to tell a drop of more than 5% from none with 5 runs per side; about 15 runs per side would likely decide it (repeat: 15 in both runs)';
    expect(elements(xml, 'property')).toContainEqual({ name: 'inconclusive.transaction_rate', value: note });
    expect(xml).toContain(
      `<system-out><![CDATA[transaction_rate inconclusive −7.41% [−18.4%, +5.07%] vs baseline (18.6k/s → 17.2k/s, tolerance 5%; p = 0.111, 5 vs 5 runs (one-sided Mann–Whitney U, α = 0.01); ${note}) (test/fixtures/results/sweep.yml:29)\n\n$ netperf `,
    );
    // a decided comparison carries no such note
    expect(renderJunit(comparedSweep())).not.toContain('name="inconclusive.throughput"');
  });

  it('fails a candidate that regressed against its control, and passes an inconclusive one with its note', () => {
    const xml = renderJunit(abRun());
    expect(schemaErrors(xml)).toBe('');
    expect(elements(xml, 'testsuite')[0]).toMatchObject({ tests: '4', failures: '1', errors: '0' });
    expect(elements(xml, 'testcase').find((c) => c['name'] === 'bulk[server=head]')).toMatchObject({ line: '14' });
    expect(elements(xml, 'failure')).toEqual([
      {
        message:
          'throughput regressed −5.00% [−5.10%, −4.86%] vs control ab/bulk[server=base] (945 Mbit/s → 897 Mbit/s, tolerance 3%; p = 0.002, 9 rounds (Wilcoxon signed-rank test on per-round ratios, α = 0.01)) — loss: retransmissions rose 0 → 12 segments per run (suites/ab.yml:14)',
        type: 'regression',
      },
    ]);
    // system-out says why, counter by counter and setting by setting
    expect(xml).toContain(
      [
        '<system-out><![CDATA[why throughput regressed vs control ab/bulk[server=base]: loss: retransmissions rose 0 → 12 segments per run',
        '  retransmissions  0 segments → 12 segments  +12 segments  rose',
        '  mss              1448 B     → 1448 B       +0.00%        unchanged',
        '  setup            (none) → tc qdisc replace dev ${PERFSUITE_HOST_IF} root tbf rate 1gbit burst 1514 limit 96kb  differs]]></system-out>',
      ].join('\n'),
    );
    expect(elements(xml, 'property').filter((p) => p['name'] === 'control.throughput')).toHaveLength(3);
    expect(elements(xml, 'property').filter((p) => p['name']?.startsWith('inconclusive.'))).toEqual([
      {
        name: 'inconclusive.throughput',
        value: expect.stringMatching(/^the noise is too large to tell a drop of more than 3% from none with 9 rounds/) as string,
      },
    ]);
  });

  it('the schema check itself rejects a broken document', () => {
    expect(schemaErrors(renderJunit(recordedSweep()).replace('<testcase ', '<testcase line="-1" '))).toMatch(/line/);
  });

  it('points a failed case at its failed threshold, with the observed value, and an unmeasured case at an <error>', () => {
    const xml = renderJunit(recordedSweep());
    const cases = elements(xml, 'testcase');
    const udp = cases.find((c) => c['name'] === 'udp[send_size=8K]');
    expect(udp).toMatchObject({ classname: 'sweep.udp', file: 'test/fixtures/results/sweep.yml', line: '25' });
    expect(elements(xml, 'failure')).toContainEqual({
      message: 'throughput was 18.1 Gbit/s, expected >= 1000 Gbit/s (test/fixtures/results/sweep.yml:25)',
      type: 'threshold',
    });
    // a passing case points at the YAML that defined it
    expect(cases.find((c) => c['name'] === 'udp[send_size=1K]')).toMatchObject({ line: '21' });
    expect(elements(xml, 'error')).toEqual([expect.objectContaining({ type: 'no-netserver' })]);
    expect(xml).not.toContain('<error message="throughput');
  });

  it('keeps suite totals equal to their cases, names unique, and times in milliseconds', () => {
    const run = syntheticRun(1000);
    const xml = renderJunit(run);
    const suite = elements(xml, 'testsuite')[0] ?? {};
    const cases = run.suites[0]?.cases ?? [];
    expect(suite).toMatchObject({
      tests: String(cases.length),
      failures: String(cases.filter((c) => c.status === 'fail').length),
      errors: String(cases.filter((c) => c.status === 'error').length),
      time: '1012.3',
    });
    expect(elements(xml, 'failure')).toHaveLength(cases.filter((c) => c.status === 'fail').length);
    const names = elements(xml, 'testcase').map((c) => `${c['classname'] ?? ''} ${c['name'] ?? ''}`);
    expect(new Set(names).size).toBe(cases.length);
    expect(elements(xml, 'testcase').every((c) => c['time'] === '1.012')).toBe(true);
  });

  it('carries the netperf command and its output, and survives control characters in it', () => {
    const run = recordedSweep();
    const first = run.suites[0]?.cases[0] as CaseResult;
    const dirty: RunResult = {
      ...run,
      suites: [{ ...run.suites[0]!, cases: [{ ...first, netperf: [{ ...first.netperf[0]!, stdout: 'THROUGHPUT=1\u0001\u001b[0m]]>' }] }] }],
    };
    const xml = renderJunit(dirty);
    expect(xml).toContain('<system-out><![CDATA[$ netperf -P 0 -H 127.0.0.1');
    expect([...xml].some((ch) => ch === '\u0001' || ch === '\u001b')).toBe(false);
    expect(schemaErrors(xml)).toBe('');
  });

  it('writes an interrupted run with no cases as an empty but valid suite', () => {
    const run: RunResult = { ...recordedSweep(), state: 'interrupted', suites: [{ name: 'sweep', file: 'x.yml', cases: [] }] };
    const xml = renderJunit(run);
    expect(elements(xml, 'testsuite')[0]).toMatchObject({ tests: '0', failures: '0', errors: '0' });
    expect(schemaErrors(xml)).toBe('');
  });
});
