/**
 * The `perfsuite bisect` command: its options, and `bisect`, which prepares (prepare-bisect.ts), searches the range
 * (run/bisect-search.ts) one step at a time (bisect-step.ts), and writes and says what it found (bisect-output.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { ExitCode, UsageError } from '../model/errors.js';
import { formatStepLine } from '../report/render-bisect.js';
import { type BisectEnd, bisectSearch } from '../run/bisect-search.js';
import { bisectJournal, bisectProgress, closing, opening, publishBisect } from './bisect-output.js';
import { bisectWorktrees, stepMeasurer } from './bisect-step.js';
import { type CliIo, type Exit, untilStopped } from './io.js';
import { lockOut } from './out-dir.js';
import { seedOf, suiteOptions } from './options.js';
import { type BisectOptions, prepareBisect } from './prepare-bisect.js';

export function command(io: CliIo, exit: Exit, version: string) {
  return new Command('bisect')
    .argument('<files...>', "suite files or globs with a compare: group on server, whose servers' setup applies ${PERFSUITE_WORKTREE}")
    .description(
      'find the first commit that made a compare: group worse: each step measures a commit against the good one, interleaved, each arm in a git worktree of its commit',
    )
    .requiredOption('--good <rev>', 'a commit that performs well (branch, tag or hash)')
    .requiredOption('--bad <rev>', 'a later commit that performs worse; good must be its ancestor')
    .option('--out <dir>', 'directory for bisect.json, report.md, report.html and each step’s results.json', BISECT_OUT_DIR)
    .option('--max-steps <n>', 'stop after this many A/B steps (the confirmation included) and report the range so far')
    .option('--seed <n>', 'seed of the interleaved order of every step (recorded in bisect.json)')
    .addOption(suiteOptions.var())
    .addOption(suiteOptions.maxCases())
    .action(async (files, options) => {
      const seed = seedOf(options);
      const maxSteps = options.maxSteps === undefined ? Number.POSITIVE_INFINITY : parseMaxSteps(options.maxSteps);
      exit(await bisect(files, { ...options, seed, maxSteps, version }, io));
    });
}

function parseMaxSteps(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1)
    throw new UsageError(`--max-steps ${text}: give a whole number of steps, 1 or more (the confirmation counts as one)`);
  return n;
}

/** Where bisect writes without --out: apart from run's perfsuite-results/, whose report.md and report.html it would replace. */
const BISECT_OUT_DIR = 'perfsuite-bisect';

/** The exit code of each way a bisect ends (docs/ci.md, "Exit codes"). */
const EXIT_CODES: { readonly [K in BisectEnd['kind']]: number } = {
  found: ExitCode.ok,
  'not-worse': ExitCode.failed,
  undecided: ExitCode.unmeasured,
  interrupted: ExitCode.interrupted,
};

/**
 * `perfsuite bisect`: checks the suites and the revisions, then searches the first-parent range from good to bad
 * (run/bisect-search.ts), each step a run of the suites' `compare:` groups with the control's hooks given a worktree of
 * the good commit and the candidates' a worktree of the probe; returns the exit code. Worktrees live in a temporary
 * directory and are removed after each step and at the end, also on Ctrl-C, SIGTERM and failure.
 */
export async function bisect(files: readonly string[], options: BisectOptions, io: CliIo): Promise<number> {
  const setup = await prepareBisect(files, options, io);
  await io.stdout(`${opening(setup, options.seed)}\n`);
  const outDir = path.resolve(io.cwd, options.out);
  const lock = lockOut(outDir, options.out, io);
  // worktrees go in a directory of their own, removed whatever happens
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'perfsuite-bisect-'));
  const journal = bisectJournal(outDir, files, options.seed, setup);
  const controller = new AbortController();
  const progress = bisectProgress(io);
  const worktrees = bisectWorktrees(setup.repo, scratch, controller.signal, progress.warn);
  try {
    rmSync(path.join(outDir, 'steps'), { recursive: true, force: true });
    journal.save('running');
    return await untilStopped(controller, async () => {
      const context = { setup, seed: options.seed, outDir, io, signal: controller.signal, worktrees, warn: progress.warn };
      let end: BisectEnd;
      try {
        const searched = await bisectSearch(setup.good, setup.commits, {
          measure: stepMeasurer(context),
          maxSteps: options.maxSteps,
          now: () => performance.now(),
          onStepStart: (index, commit, remaining) => progress.stepStarted(index, setup.info(commit), remaining, setup.plan.estimatedSeconds),
          onStep: async (step, index) => {
            const done = journal.addStep(step, index);
            await progress.stepFinished(formatStepLine(done, index), step.seconds);
          },
        });
        end = searched.end;
      } catch (error) {
        journal.save('crashed');
        throw error;
      } finally {
        progress.end();
        // the worktrees go before anything is printed: a second Ctrl-C must not leave them
        await worktrees.dropAll();
      }
      const final = journal.save(end.kind, end);
      await io.stdout(`${closing(final)}\n`);
      publishBisect(final, outDir, io);
      return EXIT_CODES[end.kind];
    });
  } finally {
    await worktrees.dropAll();
    rmSync(scratch, { recursive: true, force: true });
    lock.release();
  }
}
