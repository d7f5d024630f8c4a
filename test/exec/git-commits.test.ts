import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitLandings } from '../../src/exec/git-commits.js';
import { tempDir } from '../helpers.js';

/** git in `dir`, failing the test on an error; its output trimmed. */
function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function commit(dir: string, name: string): string {
  writeFileSync(path.join(dir, name), name);
  git(dir, 'add', name);
  git(dir, 'commit', '-q', '-m', name);
  return git(dir, 'rev-parse', 'HEAD');
}

describe('whether the commit an accept: entry waits for has landed (real git)', () => {
  const repo = tempDir('git-accept');
  git(repo, 'init', '-q', '-b', 'main');
  const first = commit(repo, 'a');
  const fix = commit(repo, 'b');
  const head = commit(repo, 'c');
  git(repo, 'checkout', '-q', '-b', 'side', first);
  const elsewhere = commit(repo, 'd');
  git(repo, 'checkout', '-q', 'main');

  it('says landed for an ancestor of the run commit, not for a commit on another branch or one the clone never saw', async () => {
    const landings = await commitLandings([fix.slice(0, 7), elsewhere, 'deadbee'], head, repo);
    expect(Object.fromEntries(landings)).toEqual({
      [fix.slice(0, 7)]: { landed: true },
      [elsewhere]: { landed: false },
      deadbee: { landed: false, absent: true },
    });
  });

  it('in a shallow clone, does not guess about a commit it lacks', async () => {
    const shallow = path.join(tempDir('git-shallow'), 'clone');
    spawnSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow], { encoding: 'utf8' });
    const landings = await commitLandings([fix], head, shallow);
    expect(landings.get(fix)).toEqual({
      unknown: `commit ${fix} is not in this clone, which is shallow, so it may have landed beyond its depth; fetch the whole history (actions/checkout with fetch-depth: 0)`,
    });
  });

  it('without a run commit, or with one the repository lacks, says why it cannot tell', async () => {
    expect((await commitLandings([fix], undefined, repo)).get(fix)).toMatchObject({ unknown: expect.stringMatching(/^this run has no git commit/) as unknown });
    expect((await commitLandings([fix], 'f'.repeat(40), repo)).get(fix)).toMatchObject({
      unknown: expect.stringMatching(/^this run's commit f{40} is not in the git repository/) as unknown,
    });
    expect(await commitLandings([], head, repo)).toEqual(new Map());
  });
});
