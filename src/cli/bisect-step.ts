/**
 * One step of `perfsuite bisect`: git worktrees of the good commit and the probe, in a scratch directory, and one
 * `runPlan` of the `compare:` cases with the control's hooks given the good worktree and the candidates' the probe's,
 * reduced to the step's verdict. Writes the step's results.json under steps/.
 */
import path from 'node:path';
import { addWorktree, removeWorktree } from '../exec/git-worktree.js';
import { spawnNetperf } from '../exec/run-netperf.js';
import { createServerPool } from '../exec/server-pool.js';
import { shortCommit } from '../report/render-bisect.js';
import { resultsSink } from '../report/write-reports.js';
import { type StepMeasurement, stepMeasurement } from '../run/bisect-search.js';
import { runPlan } from '../run/run-plan.js';
import type { CliIo } from './io.js';
import { stoppedWriting } from './out-dir.js';
import type { BisectSetup } from './prepare-bisect.js';

/** The folder of a step under steps/: its number from 1 and the probe's short hash. */
export function stepName(index: number, commit: string): string {
  return `${index + 1}-${shortCommit(commit)}`;
}

/** The worktrees a bisect has made and not yet removed. */
export interface BisectWorktrees {
  readonly make: (name: string, commit: string) => Promise<string>;
  readonly drop: (dir: string) => Promise<void>;
  /** Removes every worktree still there; one that git cannot remove is a warning. */
  readonly dropAll: () => Promise<void>;
}

/** Worktrees of `repo` in `scratch`, each removed by `drop` or `dropAll`. */
export function bisectWorktrees(repo: string, scratch: string, signal: AbortSignal, warn: (message: string) => void): BisectWorktrees {
  const worktrees = new Set<string>();
  const drop = async (dir: string): Promise<void> => {
    worktrees.delete(dir);
    const problem = await removeWorktree(repo, dir);
    if (problem !== undefined) warn(`could not remove the worktree ${dir}: ${problem}`);
  };
  return {
    make: async (name, commit) => {
      const dir = path.join(scratch, name);
      worktrees.add(dir);
      await addWorktree(repo, dir, commit, signal);
      return dir;
    },
    drop,
    dropAll: async () => {
      for (const dir of [...worktrees]) await drop(dir);
    },
  };
}

/** What measuring a step needs besides the setup. */
export interface StepContext {
  readonly setup: BisectSetup;
  readonly seed: number;
  readonly outDir: string;
  readonly io: CliIo;
  readonly signal: AbortSignal;
  readonly worktrees: BisectWorktrees;
  readonly warn: (message: string) => void;
}

/**
 * The `measure` of `bisectSearch`: the probe against good, `'interrupted'` once stopped. The good worktree is made on
 * the first step and kept; each probe's is removed after its step.
 */
export function stepMeasurer(context: StepContext): (commit: string, index: number) => Promise<StepMeasurement | 'interrupted'> {
  const { setup, seed, outDir, io, signal, worktrees, warn } = context;
  const { good, arms, plan } = setup;
  let goodDir: string | undefined;
  return async (commit, index) => {
    if (signal.aborted) return 'interrupted' as const;
    const stepDir = path.join(outDir, 'steps', stepName(index, commit));
    let probeDir: string | undefined;
    try {
      goodDir ??= await worktrees.make('good', good);
      probeDir = await worktrees.make(`step-${stepName(index, commit)}`, commit);
      const worktreeOf = {
        control: { PERFSUITE_COMMIT: good, PERFSUITE_WORKTREE: goodDir },
        candidate: { PERFSUITE_COMMIT: commit, PERFSUITE_WORKTREE: probeDir },
      };
      const pool = createServerPool(plan.servers, {
        netperfVersion: setup.netperf,
        signal,
        cwd: io.cwd,
        warn,
        hookVariables: (server) => {
          const role = arms.roles.get(`${server.suite}/${server.name}`);
          return role === undefined ? {} : worktreeOf[role];
        },
        env: io.env,
      });
      const outcome = await runPlan(plan, {
        executor: spawnNetperf,
        servers: pool,
        signal,
        now: () => performance.now(),
        seed,
        judges: [],
        sink: resultsSink(stepDir),
        header: {
          startedAt: new Date().toISOString(),
          environment: setup.environment,
          provenance: setup.probeProvenance(commit),
          seed,
        },
      });
      for (const warning of pool.teardownWarnings()) warn(warning);
      if (outcome.sinkFailure !== undefined) throw stoppedWriting(outcome.sinkFailure, stepDir);
      if (outcome.result.state === 'interrupted') return 'interrupted' as const;
      return stepMeasurement(outcome.result);
    } catch (error) {
      if (signal.aborted) return 'interrupted' as const;
      throw error;
    } finally {
      if (probeDir !== undefined) await worktrees.drop(probeDir);
    }
  };
}
