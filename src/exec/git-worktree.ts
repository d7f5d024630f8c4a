/**
 * The git that `perfsuite bisect` needs: resolving revisions, the first-parent range between two commits, each
 * commit's subject and author, and detached worktrees that leave the user's own working tree and index alone
 * (docs/commands.md, "bisect"). Every call is an argv through src/exec/process.ts.
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../model/errors.js';
import { runProcess, type ProcessResult } from './process.js';

const GIT_TIMEOUT_MS = 60_000;
/** Checking out a large repository can take a while. */
const WORKTREE_TIMEOUT_MS = 10 * 60_000;

/** A commit as bisect shows it. */
export interface CommitInfo {
  /** The full hash. */
  readonly commit: string;
  readonly subject: string;
  /** `Name <email>`. */
  readonly author: string;
}

async function git(
  repo: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<ProcessResult> {
  const result = await runProcess(['git', '-C', repo, ...args], {
    timeoutMs: options.timeoutMs ?? GIT_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.errorCode === 'ENOENT') throw new UsageError('git is not installed or not on PATH; perfsuite bisect needs it (apt-get install git)');
  return result;
}

async function gitChecked(
  repo: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<string> {
  const result = await git(repo, args, options);
  if (result.exitCode !== 0 || result.timedOut) {
    const detail = `${result.stderr}${result.stdout}`.trim().split('\n').slice(0, 3).join(' / ');
    throw new Error(`git ${args.join(' ')} failed${result.timedOut ? ' (timed out)' : ''}: ${detail}`);
  }
  return result.stdout;
}

/** The top directory of the git repository `dir` is in; a usage error outside one. */
export async function repositoryOf(dir: string): Promise<string> {
  const result = await git(dir, ['rev-parse', '--show-toplevel']);
  if (result.exitCode !== 0)
    throw new UsageError(`${dir} is not inside a git repository; run perfsuite bisect in the repository whose commits it should search`);
  return result.stdout.trim();
}

/** The full hash of a revision (a branch, tag, short hash, `HEAD~3`); a usage error naming `option` when there is no such commit. */
export async function resolveCommit(repo: string, revision: string, option: string): Promise<string> {
  const result = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]);
  const hash = result.stdout.trim();
  if (result.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(hash))
    throw new UsageError(`${option} ${revision}: no such commit in ${repo}; give a branch, tag or commit hash`);
  return hash;
}

/** Whether `ancestor` is an ancestor of `descendant` (or the same commit). */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await git(repo, ['merge-base', '--is-ancestor', ancestor, descendant])).exitCode === 0;
}

/** The commits on bad's first-parent line after good, oldest first, ending with bad (`git rev-list --first-parent good..bad`). */
export async function firstParentRange(repo: string, good: string, bad: string): Promise<string[]> {
  const out = await gitChecked(repo, ['rev-list', '--first-parent', '--reverse', `${good}..${bad}`]);
  return out.split('\n').filter((line) => line !== '');
}

/** Subject and author of each commit, in the order given. */
export async function describeCommits(repo: string, commits: readonly string[]): Promise<CommitInfo[]> {
  if (commits.length === 0) return [];
  const out = await gitChecked(repo, ['show', '--no-patch', '--format=%H%x00%s%x00%an <%ae>', ...commits]);
  const byHash = new Map(
    out
      .split('\n')
      .filter((line) => line.includes('\0'))
      .map((line) => {
        const [commit = '', subject = '', author = ''] = line.split('\0');
        return [commit, { commit, subject, author }] as const;
      }),
  );
  return commits.map((commit) => byHash.get(commit) ?? { commit, subject: '', author: '' });
}

/** Checks `commit` out, detached, into a new worktree at `dir` (which must not exist); the user's own tree and index are not touched. */
export async function addWorktree(repo: string, dir: string, commit: string, signal?: AbortSignal): Promise<void> {
  await gitChecked(repo, ['worktree', 'add', '--detach', '--quiet', dir, commit], { timeoutMs: WORKTREE_TIMEOUT_MS, ...(signal ? { signal } : {}) });
}

/**
 * Removes a worktree made by addWorktree, whatever is in it (`git worktree remove --force`), then lets git forget any
 * worktree whose directory is gone (`git worktree prune`). Never throws: returns why it could not, for a warning.
 */
export async function removeWorktree(repo: string, dir: string): Promise<string | undefined> {
  // a checkout cut short may have left no directory: then pruning is all there is to do
  const removed = existsSync(dir) ? await git(repo, ['worktree', 'remove', '--force', dir]) : { exitCode: 0, stderr: '' };
  const pruned = await git(repo, ['worktree', 'prune']);
  if (removed.exitCode === 0 && pruned.exitCode === 0) return undefined;
  return `${`${removed.stderr}${pruned.stderr}`.trim() || 'git worktree remove failed'}; remove it with git worktree remove --force ${dir}`;
}
