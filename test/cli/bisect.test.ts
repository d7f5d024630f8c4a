import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfsuiteInProcess, projectRoot, tempDir } from '../helpers.js';

const SUITE = readFileSync(path.join(projectRoot, 'test/fixtures/suites/bisect/arms.yml'), 'utf8');

const gitEnv = { GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'C', GIT_COMMITTER_EMAIL: 'c@example.com' };

/** A repository of two commits (tags one and two) with the suite, uncommitted, beside them. */
function repository(suite = SUITE): string {
  const dir = tempDir('git-repo');
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, env: { ...process.env, ...gitEnv } });
  git('init', '-q', '-b', 'main');
  for (const name of ['one', 'two']) {
    writeFileSync(path.join(dir, name), name);
    git('add', name);
    git('commit', '-q', '-m', name);
    git('tag', name);
  }
  writeFileSync(path.join(dir, 'b.yml'), suite);
  return dir;
}

// every usage problem is found before a worktree, a namespace or netperf is started
describe('perfsuite bisect: usage', () => {
  it('refuses a suite without a compare: group, with file:line:col (exit 2)', async () => {
    const dir = repository(SUITE.replace('    compare: { server: good }\n', ''));
    const { status, stdout, stderr } = await perfsuiteInProcess(['bisect', 'b.yml', '--good', 'one', '--bad', 'two'], { cwd: dir });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^b\.yml:2:7: suite 'b' has no compare: group, and perfsuite bisect measures each commit against the good one/);
    expect(stderr).toContain('perfsuite: 1 problem in 1 file; nothing was run\n');
  });

  it('refuses revisions it cannot search, naming the option', async () => {
    const dir = repository();
    const bisect = (...args: string[]) => perfsuiteInProcess(['bisect', 'b.yml', ...args], { cwd: dir });
    expect(await bisect('--good', 'nosuch', '--bad', 'two')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^perfsuite: --good nosuch: no such commit in /) as unknown,
    });
    expect(await bisect('--good', 'two', '--bad', 'one')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^perfsuite: --good two is not an ancestor of --bad one; bisect searches the commits from good to bad/) as unknown,
    });
    expect(await bisect('--good', 'two', '--bad', 'main')).toMatchObject({ status: 2, stderr: expect.stringMatching(/are the same commit/) as unknown });
    expect(await bisect('--good', 'one', '--bad', 'two', '--max-steps', '0')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^perfsuite: --max-steps 0: give a whole number/) as unknown,
    });
    expect(await bisect('--bad', 'two')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("required option '--good <rev>' not specified") as unknown,
    });
  });

  it('refuses to run outside a git repository', async () => {
    const dir = tempDir('not-a-repo');
    writeFileSync(path.join(dir, 'b.yml'), SUITE);
    const { status, stderr } = await perfsuiteInProcess(['bisect', 'b.yml', '--good', 'one', '--bad', 'two'], { cwd: dir });
    expect(status).toBe(2);
    expect(stderr).toMatch(/is not inside a git repository; run perfsuite bisect in the repository whose commits it should search/);
  });

  it('validate --bisect checks a suite as bisect reads it: the shipped example passes, a suite whose hooks ignore the worktree warns', async () => {
    const example = await perfsuiteInProcess(['validate', '--bisect', '--no-host-checks', 'suites/pr/bisect-netns.yml']);
    expect(example).toMatchObject({ status: 0, stderr: '' });
    expect(example.stdout).toContain("ok suites/pr/bisect-netns.yml: suite 'pr-bisect', 1 group, 2 cases\n");
    const plain = await perfsuiteInProcess(['validate', '--no-host-checks', 'suites/pr/bisect-netns.yml']);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain(
      'suites/pr/bisect-netns.yml:20:9: ${PERFSUITE_WORKTREE} is not a variable setup and teardown commands get (it is set only under perfsuite bisect',
    );
    const ab = await perfsuiteInProcess(['validate', '--bisect', '--no-host-checks', 'suites/pr/ab-netns.yml']);
    expect(ab.status).toBe(0);
    expect(ab.stderr).toMatch(
      /^suites\/pr\/ab-netns\.yml:21:9: warning: the setup commands of 'base' and 'head' never mention \$\{PERFSUITE_WORKTREE\} or \$\{PERFSUITE_COMMIT\}/,
    );
  });
});
