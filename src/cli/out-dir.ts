import { hostname } from 'node:os';
import path from 'node:path';
import { ExitCode, PerfsuiteError, UsageError } from '../model/errors.js';
import { plural } from '../model/words.js';
import { LOCK_FILE, lockOutDir } from '../report/out-lock.js';
import { REPORTERS, ResultsWriteError } from '../report/write-reports.js';
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

/** A run that could not write even its first results.json: the directory is the problem, said as a usage error (exit 2). */
export function unwritableOut(error: unknown, outDir: string): unknown {
  if (!(error instanceof ResultsWriteError) || !error.file.endsWith(REPORTERS.json.file)) return error;
  return new UsageError(`cannot write results to ${outDir}: ${whyNotWritable(outDir, error.reason)}; pass a writable --out directory`);
}

/** A run stopped because its results could no longer be written (a full disk): what is on disk, and what to do. */
export function stoppedWriting(failure: { readonly error: Error; readonly savedCases: number }, outDir: string): PerfsuiteError {
  return new PerfsuiteError(
    `${failure.error.message}; the run stopped there, and the files on disk hold the ${plural(failure.savedCases, 'case')} finished before it (perfsuite report ${path.join(outDir, REPORTERS.json.file)} reads them). Free space or pass another --out, then run again`,
    ExitCode.unmeasured,
  );
}
