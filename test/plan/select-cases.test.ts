import { describe, expect, it } from 'vitest';
import { estimateCaseSeconds } from '../../src/plan/plan-cases.js';
import { filterCases, parseFilter, parseShard, selectCases, splitIntoShards } from '../../src/plan/select-cases.js';
import type { Case } from '../../src/model/suite-types.js';
import { load } from '../helpers.js';

const { cases } = load(['suites/loopback-tcp.yml', 'suites/loopback-udp.yml']);
const ids = (list: readonly Case[]) => list.map((c) => c.id);

/** A synthetic sweep of `count` cases of uneven length, for the splitting properties. */
function sweep(count: number): Case[] {
  const [template] = cases;
  if (template === undefined) throw new Error('no template case');
  return Array.from({ length: count }, (_, i) => ({
    ...template,
    id: `big/g[i=${i}]`,
    params: { ...template.params, duration: 1 + (i % 7), repeat: 1 + (i % 3) },
  }));
}

describe('--filter', () => {
  it('matches the documented examples', () => {
    expect(ids(filterCases(cases, [parseFilter('test=TCP_RR')]).cases)).toEqual([
      'loopback-tcp/request-response[request_size=1,test=TCP_RR]',
      'loopback-tcp/request-response[request_size=1K,test=TCP_RR]',
    ]);
    expect(ids(filterCases(cases, [parseFilter('send_size>=16K')]).cases)).toEqual([
      'loopback-tcp/bulk[send_size=16K,socket_buffer=default]',
      'loopback-tcp/bulk[send_size=16K,socket_buffer=256K]',
      'loopback-tcp/bulk[send_size=64K,socket_buffer=default]',
      'loopback-tcp/bulk[send_size=64K,socket_buffer=256K]',
      'loopback-udp/bulk[send_size=32K]',
    ]);
    expect(ids(filterCases(cases, [parseFilter('loopback-udp/*')]).cases)).toHaveLength(5);
    expect(ids(filterCases(cases, [parseFilter('*[send_size=2K,*')]).cases)).toEqual([
      'loopback-tcp/bulk[send_size=2K,socket_buffer=default]',
      'loopback-tcp/bulk[send_size=2K,socket_buffer=256K]',
    ]);
  });

  it('compares normalised values, takes lists for = and !=, and ANDs several filters', () => {
    expect(filterCases(cases, [parseFilter('send_size=65536')])).toEqual(filterCases(cases, [parseFilter('send_size=64K')]));
    expect(ids(filterCases(cases, [parseFilter('test=TCP_RR,UDP_RR')]).cases)).toHaveLength(4);
    expect(ids(filterCases(cases, [parseFilter('test!=TCP_STREAM,UDP_STREAM'), parseFilter('request_size<1K')]).cases)).toEqual([
      'loopback-tcp/request-response[request_size=1,test=TCP_RR]',
      'loopback-tcp/request-response[request_size=1,test=TCP_CRR]',
      'loopback-udp/request-response[request_size=64]',
    ]);
    expect(ids(filterCases(cases, [parseFilter('socket_buffer=default')]).cases)).toHaveLength(3);
  });

  it('matches load as case ids spell it, a case without load: being load=none', () => {
    const tuning = load(['suites/tuning/tuning.yml']).cases;
    expect(ids(filterCases(tuning, [parseFilter('load=2xTCP_STREAM'), parseFilter('congestion_control=bbr')]).cases)).toEqual([
      'tuning/latency-under-load[congestion_control=bbr,load=2xTCP_STREAM,socket_buffer=default]',
      'tuning/latency-under-load[congestion_control=bbr,load=2xTCP_STREAM,socket_buffer=1M]',
    ]);
    // the bulk group sets no load: it is load=none, as its RR neighbours measured idle are
    expect(ids(filterCases(tuning, [parseFilter('load=none')]).cases)).toHaveLength(6);
    expect(ids(filterCases(tuning, [parseFilter('load!=none')]).cases)).toHaveLength(4);
    expect(() => parseFilter('load>2')).toThrow("--filter 'load>2': load takes = or != with loads as case ids spell them, like load=none or load=2xTCP_STREAM");
  });

  it('explains a filter it cannot read, and one that matches nothing', () => {
    expect(() => parseFilter('sendsize>=16K')).toThrow(
      "--filter 'sendsize>=16K' is neither a parameter comparison nor an id glob (did you mean 'send_size'?); write it like test=TCP_RR, send_size>=16K or 'loopback-tcp/bulk*'",
    );
    expect(() => parseFilter('send_size>=lots')).toThrow(/--filter send_size: 'lots' is not a size/);
    expect(() => parseFilter('test>=TCP_RR')).toThrow("--filter 'test>=TCP_RR': >= needs one number or size, like send_size>=16K");
    expect(() => filterCases(cases, [parseFilter('test=UDP_RR'), parseFilter('send_size=1K')])).toThrow(
      "no case matches --filter 'test=UDP_RR' 'send_size=1K' (of 15); see the ids with perfsuite plan",
    );
  });
});

describe('--shard', () => {
  it('reads I/N (1-based) and job-index:I/N (0-based), and refuses the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    expect(parseShard('job-index:0/4')).toEqual({ index: 1, total: 4 });
    expect(parseShard('job-index:3/4')).toEqual({ index: 4, total: 4 });
    for (const bad of ['0/4', '5/4', '2', 'job-index:4/4', '1/0']) expect(() => parseShard(bad)).toThrow(/is not a shard; write I\/N with 1 ≤ I ≤ N/);
  });

  it('splits into disjoint shards whose union is the plan, each within one case of the others, for several N', () => {
    const all = sweep(1000);
    const longest = Math.max(...all.map((c) => estimateCaseSeconds(c.params)));
    for (const total of [1, 2, 3, 4, 7, 10, 64]) {
      const shards = splitIntoShards(all, total);
      const union = shards.flatMap((s) => ids(s.cases));
      expect(union).toHaveLength(all.length);
      expect(new Set(union)).toEqual(new Set(ids(all)));
      const seconds = shards.map((s) => s.seconds);
      expect(Math.max(...seconds) - Math.min(...seconds)).toBeLessThanOrEqual(longest);
      // each shard keeps the plan's order
      for (const s of shards) expect(ids(s.cases)).toEqual(ids(all).filter((id) => ids(s.cases).includes(id)));
    }
  });

  it('is stable: the same cases in another order give the same shards', () => {
    const all = sweep(200);
    const shuffled = [...all].reverse();
    expect(splitIntoShards(all, 5).map((s) => new Set(ids(s.cases)))).toEqual(splitIntoShards(shuffled, 5).map((s) => new Set(ids(s.cases))));
  });

  it('filters before sharding and says what it did', () => {
    const { cases: mine, selection } = selectCases(cases, { filters: ['test=TCP_STREAM'], shard: '1/2' });
    expect(selection).toEqual({ filters: ['test=TCP_STREAM'], matched: 6, of: 15, shard: { index: 1, total: 2, estimatedSeconds: [30.75, 30.75] } });
    expect(mine).toHaveLength(3);
  });
});
