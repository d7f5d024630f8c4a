import { hostname } from 'node:os';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import { LOCK_FILE, lockOutDir } from '../report/out-lock.js';
import { type CliIo, whyNotWritable } from './io.js';

/** Takes the output directory's lock: a second live run into it is refused (exit 2); one a killed run left is taken over, saying so. */
export function lockOut(outDir: string, written: string, io: CliIo, what: 'results' | 'reports' = 'results'): { release: () => void } {
  let outcome: ReturnType<typeof lockOutDir>;
  try {
    outcome = lockOutDir(outDir);
  } catch (error) {
    throw new UsageError(`cannot write ${what} to ${outDir}: ${whyNotWritable(outDir, error as Error)}; pass a writable --out directory`);
  }
  if (outcome.kind === 'held') {
    const { owner } = outcome;
    const elsewhere = owner.host !== hostname() && owner.host !== '?';
    throw new UsageError(
      `another perfsuite run (pid ${owner.pid}${elsewhere ? ` on ${owner.host}` : ''}, started ${owner.startedAt}) is writing to ${written}; wait for it to finish, or pass another --out (its lock is ${path.join(written, LOCK_FILE)}${elsewhere ? '; perfsuite cannot tell from here whether a run on another machine is still going: if it is gone, delete that file' : ''})`,
    );
  }
  const gone = outcome.tookOverFrom;
  if (gone !== undefined)
    io.stderr(
      `perfsuite: note: took over ${path.join(written, LOCK_FILE)} from pid ${gone.pid} (started ${gone.startedAt}), which is no longer running: that run was killed before it finished, and this run replaces its results there\n`,
    );
  return outcome;
}
