import { describe, expect, it } from 'vitest';
import { appendEntry, fingerprintOf, historyEntry, parseHistory } from '../../src/history/history-file.js';
import type { HistoryEntry } from '../../src/model/history.js';
import type { RunResult } from '../../src/model/results.js';
import { syntheticRun } from '../report/fixtures.js';

const run = (throughput: number, startedAt = '2026-11-20T10:00:00.000Z'): RunResult => {
  const base = syntheticRun(3);
  return {
    ...base,
    startedAt,
    provenance: { perfsuiteVersion: '0.3.0', commit: 'abcdef0123456789', variables: { big: { RATE: '100mbit' } }, servers: {} },
    suites: base.suites.map((s) => ({
      ...s,
      cases: s.cases.map((c) => ({ ...c, runs: [{ throughput }, { throughput: throughput * 1.01 }], metrics: { throughput } })),
    })),
  };
};

describe('history entries', () => {
  it('keep each measured case and metric with its runs and their median, and leave errors out', () => {
    const base = run(1e9);
    const broken = {
      ...base,
      suites: base.suites.map((s) => ({ ...s, cases: s.cases.map((c, i) => (i === 1 ? { ...c, status: 'error' as const, runs: [], metrics: {} } : c)) })),
    };
    const entry = historyEntry(broken);
    expect(entry).toMatchObject({ format: 'perfsuite-history', version: 1, date: '2026-11-20T10:00:00.000Z', provenance: { commit: 'abcdef0123456789' } });
    const ids = base.suites[0]?.cases.map((c) => c.id) ?? [];
    expect(Object.keys(entry.cases)).toEqual([ids[0], ids[2]]);
    expect(entry.cases[ids[0] ?? '']?.['throughput']).toEqual({ runs: [1e9, 1.01e9], median: 1.005e9 });
  });

  it('keep the facts read of each server’s path (for later evidence), without its address, pid or hooks, and read back', () => {
    const facts = { local: { sysctls: { 'net.ipv4.tcp_congestion_control': 'cubic' }, interface: { name: 'lo', mtu: 65536 } } };
    const base = run(1e9);
    const entry = historyEntry({
      ...base,
      servers: [
        { key: 'big/local', host: '127.0.0.1', port: 40000, pid: 7, facts },
        { key: 'big/lab', host: 'x', port: 1 },
      ],
    });
    expect(entry.servers).toEqual([{ key: 'big/local', facts }]);
    expect(parseHistory(`${JSON.stringify(entry)}\n`, 'h.jsonl').entries[0]?.servers).toEqual([{ key: 'big/local', facts }]);
    expect(historyEntry(base).servers).toBeUndefined();
  });

  it('fingerprint the machine, not the host: a new hostname keeps it, another CPU count or kernel changes it', () => {
    const environment = run(1).environment;
    const fingerprint = fingerprintOf(environment);
    expect(fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprintOf({ ...environment, hostname: 'runner-42' })).toBe(fingerprint);
    expect(fingerprintOf({ ...environment, cpuCount: environment.cpuCount + 2 })).not.toBe(fingerprint);
    expect(fingerprintOf({ ...environment, kernel: '7.0.0' })).not.toBe(fingerprint);
    expect(fingerprintOf(environment, { perfsuiteVersion: '1', runnerImage: 'ubuntu24 20261120.1', variables: {}, servers: {} })).not.toBe(fingerprint);
  });
});

describe('history files', () => {
  const entries = [
    historyEntry(run(1e9, '2026-11-01T00:00:00Z')),
    historyEntry(run(2e9, '2026-11-02T00:00:00Z')),
    historyEntry(run(3e9, '2026-11-03T00:00:00Z')),
  ];
  const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');

  it('round-trip through appendEntry and parseHistory', () => {
    const appended = appendEntry(entries.slice(0, 2), entries[2] as HistoryEntry, 100);
    expect(appended).toMatchObject({ kept: 3, dropped: 0 });
    expect(appended.text).toBe(text);
    expect(parseHistory(appended.text, 'h.jsonl')).toEqual({ entries, warnings: [], newerLines: 0, skipped: [] });
  });

  it('keep only the newest --keep entries', () => {
    const appended = appendEntry(entries.slice(0, 2), entries[2] as HistoryEntry, 2);
    expect(appended).toMatchObject({ kept: 2, dropped: 1 });
    expect(parseHistory(appended.text, 'h.jsonl').entries.map((e) => e.date)).toEqual(['2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z']);
  });

  it('skip a torn, a foreign and a future line, each with a warning naming its line, and keep the rest', () => {
    const lines = text.trim().split('\n');
    const mixed = [
      lines[0],
      '{"format":"perfsuite-his',
      '{"name":"github-action-benchmark"}',
      JSON.stringify({ ...entries[1], version: 9 }),
      '',
      lines[2],
    ].join('\n');
    const parsed = parseHistory(mixed, 'perf-history/history.jsonl');
    expect(parsed.entries.map((e) => e.date)).toEqual(['2026-11-01T00:00:00Z', '2026-11-03T00:00:00Z']);
    expect(parsed.warnings).toEqual([
      'perf-history/history.jsonl:2: not JSON (a torn or hand-edited line?); skipped',
      'perf-history/history.jsonl:3: not a perfsuite history entry (format null, expected "perfsuite-history"); skipped',
      'perf-history/history.jsonl:4: history entry version 9, and this perfsuite reads version 1; upgrade perfsuite; skipped',
    ]);
  });

  it('write the lines they skipped back as they were, where they stood (first, when their neighbours were dropped)', () => {
    const [a, b, c] = entries.map((e) => JSON.stringify(e));
    const parsed = parseHistory([a, '{"torn', b, 'hand note', c].join('\n'), 'h.jsonl');
    expect(parsed.skipped).toEqual([
      { text: '{"torn', after: 1 },
      { text: 'hand note', after: 2 },
    ]);
    const newest = historyEntry(run(4e9, '2026-11-04T00:00:00Z'));
    expect(appendEntry(parsed.entries, newest, 100, parsed.skipped).text).toBe([a, '{"torn', b, 'hand note', c, JSON.stringify(newest), ''].join('\n'));
    // --keep 2 drops a and b: the lines that stood among them go first, none is lost
    const kept = appendEntry(parsed.entries, newest, 2, parsed.skipped);
    expect(kept).toMatchObject({ kept: 2, dropped: 2 });
    expect(kept.text).toBe(['{"torn', 'hand note', c, JSON.stringify(newest), ''].join('\n'));
  });
});
