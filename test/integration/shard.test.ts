// @module-tag slow
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/results.js';
import { projectRoot, schemaErrors, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' };
// made before the first test, not on import: a file whose tests all skip runs no hook, so nothing would remove it
let dir: string;
beforeAll(() => {
  dir = tempDir('shards');
});
const perfsuite = (args: readonly string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env });
const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as RunResult;
const caseIds = (result: RunResult) => result.suites.flatMap((s) => s.cases.map((c) => c.id)).sort();
const suite = path.join(projectRoot, 'suites/loopback-udp.yml');

describe('sharding real runs and joining them', () => {
  it("three shards measure exactly the unsharded run's cases, and join into one run usable as a baseline", () => {
    const quick = ['--duration', '1', '--repeat', '1', '--reporter', 'json'];
    expect(perfsuite(['run', suite, '--out', 'full', ...quick]).status).toBe(0);
    for (const i of [1, 2, 3]) {
      const shard = perfsuite(['run', suite, '--out', `shard${i}`, '--shard', `${i}/3`, ...quick]);
      expect(shard.status).toBe(0);
      expect(shard.stdout.split('\n')[0]).toMatch(new RegExp(`^shard ${i}/3: estimated \\d+s \\(all shards: \\d+s, \\d+s, \\d+s\\)$`));
    }
    const shards = [1, 2, 3].map((i) => read(`shard${i}/results.json`));
    // disjoint, and together the whole plan
    expect(shards.map((s) => caseIds(s).length)).toEqual([2, 2, 1]);
    expect(shards.flatMap(caseIds).sort()).toEqual(caseIds(read('full/results.json')));
    expect(shards[1]?.selection).toMatchObject({ filters: [], matched: 5, of: 5, shard: { index: 2, total: 3 } });

    const joined = perfsuite(['report', 'shard1/results.json', 'shard2/results.json', 'shard3/results.json', '--out', 'merged']);
    expect(joined.stderr).toBe('');
    expect(joined.status).toBe(0);
    expect(joined.stdout).toMatch(/^joined 3 results files: 5 cases\n/);
    const merged = read('merged/results.json');
    expect(caseIds(merged)).toEqual(caseIds(read('full/results.json')));
    expect(merged.merge).toEqual({
      sources: ['shard1/results.json', 'shard2/results.json', 'shard3/results.json'],
      duplicateCases: [],
      missingCases: [],
      missingShards: [],
    });
    expect(merged.selection).toBeUndefined();
    expect(schemaErrors(readFileSync(path.join(dir, 'merged/junit.xml'), 'utf8'))).toBe('');
    // joining makes a new run: results.json and every report, by default
    expect(readdirSync(path.join(dir, 'merged')).sort()).toEqual(['junit.xml', 'report.html', 'report.md', 'results.json']);
    // the joined run is a baseline like any other
    expect(perfsuite(['compare', 'merged/results.json', 'full/results.json']).status).toBe(0);
  }, 60_000);

  it('reports a shard that never arrived as missing, and exits 3', () => {
    const result = perfsuite(['report', 'shard1/results.json', 'shard3/results.json', '--out', 'partial', '--reporter', 'json,markdown']);
    expect(result.status).toBe(3);
    expect(result.stdout).toMatch(/^joined 2 results files: 3 cases\n {2}! Shard 2 sent no results; this run is incomplete\.\n/);
    expect(read('partial/results.json').merge?.missingShards).toEqual([2]);
    expect(readFileSync(path.join(dir, 'partial/report.md'), 'utf8')).toContain('> ⚠️ Shard 2 sent no results; this run is incomplete.');
  });

  it('keeps one copy of a case found twice, and says so', () => {
    const result = perfsuite([
      'report',
      'shard1/results.json',
      'shard1/results.json',
      'shard2/results.json',
      'shard3/results.json',
      '--out',
      'twice',
      '--reporter',
      'json',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('! 2 cases came from more than one file (the first copy is shown): ');
    expect(caseIds(read('twice/results.json'))).toEqual(caseIds(read('full/results.json')));
  });
});
