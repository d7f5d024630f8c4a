import { type AcceptContext, acceptedCommits } from '../compare/accept-regressions.js';
import { commitLandings } from '../exec/git-commits.js';

/**
 * What `accept:` entries are judged at (docs/judging.md, "Accepted regressions"): the day the run started (UTC) and,
 * for the commits the entries wait for, whether each is an ancestor of the run's commit in the repository at `dir`.
 */
export async function acceptContext(
  untils: readonly string[],
  run: { readonly startedAt: string; readonly commit?: string | undefined },
  dir: string,
): Promise<AcceptContext> {
  return { today: run.startedAt.slice(0, 10), commits: await commitLandings(acceptedCommits(untils), run.commit, dir) };
}
