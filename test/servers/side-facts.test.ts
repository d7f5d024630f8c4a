import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_QDISCS, parseQdiscCounters, parseQdiscs, parseSideFacts } from '../../src/servers/side-facts.js';
import { FACT_SYSCTLS } from '../../src/model/server-facts.js';

/** What the side facts script printed on a real machine (test/fixtures/facts/record.mjs). */
const recorded = (name: string): string =>
  (JSON.parse(readFileSync(new URL(`../fixtures/facts/${name}.json`, import.meta.url), 'utf8')) as { stdout: string }).stdout;

describe('the facts of one side of a path', () => {
  it('reads every sysctl there is, one space between the words of a triple, and the loopback interface', () => {
    const { facts, source } = parseSideFacts(recorded('loopback'));
    expect(Object.keys(facts.sysctls).every((name) => (FACT_SYSCTLS as readonly string[]).includes(name))).toBe(true);
    expect(facts.sysctls['net.ipv4.tcp_rmem']).toMatch(/^\d+ \d+ \d+$/);
    expect(facts.sysctls['net.ipv4.tcp_congestion_control']).toMatch(/^[a-z0-9_]+$/);
    expect(facts.interface).toEqual({ name: 'lo', mtu: 65536, qdiscs: [{ kind: 'noqueue', parent: 'root', parameters: '', drops: 0, overlimits: 0 }] });
    expect(source).toBeUndefined();
  });

  it('follows the route to an address when no interface is given, and says what address this side sends from', () => {
    const { facts, source } = parseSideFacts(recorded('routed'));
    expect(facts.interface?.name).toBe('eth0');
    expect(facts.interface?.mtu).toBeGreaterThan(0);
    expect(facts.interface?.qdiscs?.[0]).toMatchObject({ kind: 'pfifo_fast', parent: 'root', parameters: 'bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1' });
    expect(source).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('reads a namespace’s veth end: a tbf perfsuite set, and an ingress qdisc a setup added, without tc’s rule of dashes', () => {
    const { facts } = parseSideFacts(recorded('netns-peer-end'));
    expect(facts.interface?.name).toMatch(/^ps\d+p0$/);
    expect(facts.interface?.qdiscs?.map((q) => [q.kind, q.parent, q.parameters])).toEqual([
      ['tbf', 'root', 'rate 100Mbit burst 64Kb lat 50ms'],
      ['ingress', 'ingress', ''],
    ]);
    // a namespace has no net.core.default_qdisc of its own (and no tcp_mem): left out, never an empty value
    expect(facts.sysctls['net.core.default_qdisc']).toBeUndefined();
  });

  it('keeps each qdisc’s own counters: a tbf and the pfifo under it both count a drop', () => {
    const qdiscs = parseSideFacts(recorded('netns-host-end-dropped')).facts.interface?.qdiscs ?? [];
    expect(qdiscs.map((q) => [q.kind, q.parent])).toEqual([
      ['tbf', 'root'],
      ['pfifo', '1:1'],
    ]);
    expect(qdiscs[0]?.drops).toBeGreaterThan(0);
    expect(qdiscs[1]?.drops).toBe(qdiscs[0]?.drops);
  });

  it('keeps at most a few qdiscs, roots first (a NIC with mq has one per queue)', () => {
    const children = Array.from(
      { length: 20 },
      (_, i) => `qdisc fq_codel 0: parent :${i + 1} limit 10240p flows 1024\n Sent 0 bytes 0 pkt (dropped ${i}, overlimits 0 requeues 0) \n`,
    ).join('');
    const qdiscs = parseQdiscs(`${children}qdisc mq 0: dev eth0 root \n Sent 5 bytes 1 pkt (dropped 190, overlimits 0 requeues 0) \n`);
    expect(qdiscs).toHaveLength(MAX_QDISCS);
    expect(qdiscs[0]).toMatchObject({ kind: 'mq', parent: 'root', drops: 190 });
  });

  it('reads nothing into an empty or foreign output', () => {
    expect(parseSideFacts('')).toEqual({ facts: { sysctls: {} } });
    expect(parseSideFacts('sh: 1: tc: not found\ninterface eth0\nmtu \n')).toEqual({ facts: { sysctls: {}, interface: { name: 'eth0' } } });
  });
});

describe('the per-run qdisc counters (tc -s -j, one line per question)', () => {
  const json = (name: string): string =>
    (JSON.parse(readFileSync(new URL(`../fixtures/facts/${name}.json`, import.meta.url), 'utf8')) as { stdout: string }).stdout;

  it('count a drop once: the root tbf and the pfifo under it both count it', () => {
    const [tbf, pfifo] = JSON.parse(json('qdisc-json-host-end-dropped')) as { drops: number; overlimits: number }[];
    expect(tbf?.drops).toBeGreaterThan(0);
    expect(pfifo?.drops).toBe(tbf?.drops);
    expect(parseQdiscCounters(json('qdisc-json-host-end-dropped').trim())).toEqual({ drops: tbf?.drops, overlimits: tbf?.overlimits });
  });

  it('add an ingress qdisc’s counters to the root’s', () => {
    const line = json('qdisc-json-peer-end').trim();
    expect(parseQdiscCounters(line)).toEqual({ drops: 0, overlimits: 0 });
    expect(
      parseQdiscCounters(
        line.replace(
          '"kind":"ingress","handle":"ffff:","parent":"ffff:fff1","options":{},"bytes":0,"packets":0,"drops":0',
          '"kind":"ingress","handle":"ffff:","parent":"ffff:fff1","options":{},"bytes":0,"packets":0,"drops":4',
        ),
      ),
    ).toEqual({ drops: 4, overlimits: 0 });
  });

  it('refuse what is not a list of qdiscs', () => {
    expect(() => parseQdiscCounters('Cannot find device "ps1h0"')).toThrow();
    expect(() => parseQdiscCounters('{"kind":"tbf"}')).toThrow(/not a list of qdiscs/);
  });
});
