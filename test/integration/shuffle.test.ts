// @module-tag slow
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/results.js';
import { planCases } from '../../src/plan/plan-cases.js';
import { runOrder } from '../../src/run/run-cases.js';
import { load, perfsuiteInProcess, tempDir } from '../helpers.js';

const suite = 'test/fixtures/suites/valid/run-three.yml';
const env = { PATH: process.env['PATH'] ?? '', CI: '1' };

/** `perfsuite run` in-process with the real netperf: the case ids in the order their lines were printed, and results.json. */
async function run(args: readonly string[], extraEnv: Record<string, string> = {}) {
  const out = tempDir('shuffle');
  const result = await perfsuiteInProcess(['run', suite, '--out', out, '--reporter', 'junit', ...args], { env: { ...env, ...extraEnv } });
  const ran = [...result.stdout.matchAll(/^[✓✗!] \[\s*\d+\/\d+\] (\S+)/gmu)].map((m) => m[1]);
  return { ...result, ran, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult };
}

describe('perfsuite run --shuffle with the real netperf', () => {
  const { suites, cases } = load([suite]);
  const yamlOrder = cases.map((c) => c.id);
  const plan = planCases(suites, cases).cases;
  // a seed whose order differs from the suite's (most do), found the way the run orders cases
  const seed = Array.from({ length: 50 }, (_, n) => n).find((n) => runOrder(plan, { seed: n, shuffle: true }).flat()[0]?.case.id !== yamlOrder[0]) ?? 0;
  const expected = runOrder(plan, { seed, shuffle: true })
    .flat()
    .map((p) => p.case.id);

  it('runs the cases in the seeded order, the same one twice, says so, and records it; results.json keeps suite order', async () => {
    const first = await run(['--shuffle', '--seed', String(seed)]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.split('\n')[0]).toBe(`cases in a shuffled order: seed ${seed} (--shuffle --seed ${seed} repeats it)`);
    expect(first.ran).toEqual(expected);
    expect(first.ran).not.toEqual(yamlOrder);
    expect(first.results).toMatchObject({ state: 'complete', seed, shuffled: true });
    expect(first.results.suites[0]?.cases.map((c) => c.id)).toEqual(yamlOrder);
    expect(first.results.suites[0]?.cases.every((c) => c.status === 'pass')).toBe(true);

    // on GitHub Actions: one log group for the whole shuffled run, not one each time the order changes suite
    const second = await run(['--shuffle', '--seed', String(seed)], { GITHUB_ACTIONS: 'true' });
    expect(second.status).toBe(0);
    expect(second.ran).toEqual(first.ran);
    expect([...second.stdout.matchAll(/^::group::(.*)$/gm)].map((m) => m[1])).toEqual(['perfsuite: cases in a shuffled order']);

    // `--shuffle 5`: the 5 is not a file, and the message says how to give a seed
    const valued = await perfsuiteInProcess(['run', suite, '--shuffle', '5'], { env });
    expect(valued.status).toBe(2);
    expect(valued.stderr).toContain("--shuffle takes no value, so '5' was read as a suite file; the order comes from the seed: --shuffle --seed 5");

    // without --shuffle: the suite's order, and nothing recorded
    const plain = await run(['--seed', String(seed)]);
    expect(plain.ran).toEqual(yamlOrder);
    expect(plain.stdout).not.toContain('shuffled');
    expect(plain.results.shuffled).toBeUndefined();
  });

  it('shuffles after --shard chose its cases: a shard measures the cases plan lists for it', async () => {
    const planned = JSON.parse((await perfsuiteInProcess(['plan', suite, '--json', '--shard', '1/2'], { env })).stdout) as { cases: { id: string }[] };
    const sharded = await run(['--shuffle', '--seed', String(seed), '--shard', '1/2']);
    expect(sharded.status).toBe(0);
    expect(planned.cases).toHaveLength(2);
    expect([...sharded.ran].sort()).toEqual(planned.cases.map((c) => c.id).sort());
    expect(sharded.results.selection?.plannedCases).toEqual(planned.cases.map((c) => c.id));
  });
});
