import type { CommitLanding } from '../compare/accept-regressions.js';
import { runProcess } from './process.js';

const GIT_TIMEOUT_MS = 10_000;

/**
 * For each commit an `accept:` entry waits for, whether it is an ancestor of the run's commit in the repository at
 * `dir` (`git merge-base --is-ancestor`). A commit this clone does not have has not landed, unless the clone is shallow:
 * then it may lie beyond the clone's depth, and that is said instead of guessed (docs/ci.md: fetch-depth: 0).
 */
export async function commitLandings(commits: readonly string[], runCommit: string | undefined, dir: string): Promise<Map<string, CommitLanding>> {
  const landings = new Map<string, CommitLanding>();
  if (commits.length === 0) return landings;
  const git = (...args: string[]) => runProcess(['git', '-C', dir, ...args], { timeoutMs: GIT_TIMEOUT_MS });
  const unknown = (why: string): Map<string, CommitLanding> => {
    for (const commit of commits) landings.set(commit, { unknown: why });
    return landings;
  };
  if (runCommit === undefined)
    return unknown('this run has no git commit (its suites are not in a git repository, and GITHUB_SHA is not set), so whether a commit landed cannot be told');
  const has = async (rev: string): Promise<boolean> => (await git('cat-file', '-e', `${rev}^{commit}`)).exitCode === 0;
  if (!(await has(runCommit)))
    return unknown(`this run's commit ${runCommit} is not in the git repository at ${dir}, so whether a commit landed cannot be told`);
  const shallow = (await git('rev-parse', '--is-shallow-repository')).stdout.trim() === 'true';
  for (const commit of commits) {
    if (!(await has(commit))) {
      landings.set(
        commit,
        shallow
          ? {
              unknown: `commit ${commit} is not in this clone, which is shallow, so it may have landed beyond its depth; fetch the whole history (actions/checkout with fetch-depth: 0)`,
            }
          : { landed: false, absent: true },
      );
      continue;
    }
    const ancestor = await git('merge-base', '--is-ancestor', commit, runCommit);
    landings.set(
      commit,
      ancestor.exitCode === 0
        ? { landed: true }
        : ancestor.exitCode === 1
          ? { landed: false }
          : {
              unknown: `git could not tell whether commit ${commit} is an ancestor of ${runCommit}: ${ancestor.stderr.trim() || `exit ${String(ancestor.exitCode)}`}`,
            },
    );
  }
  return landings;
}
