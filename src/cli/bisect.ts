import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { describeEnvironment, describeProvenance, hostFacts, netperfInstallHint, netperfVersion } from '../exec/environment.js';
import {
  addWorktree,
  type CommitInfo,
  describeCommits,
  firstParentRange,
  isAncestor,
  removeWorktree,
  repositoryOf,
  resolveCommit,
} from '../exec/git-worktree.js';
import { spawnNetperf } from '../exec/run-netperf.js';
import { createServerPool } from '../exec/server-pool.js';
import { formatLocation, sortDiagnostics } from '../model/diagnostics.js';
import { ExitCode, PerfsuiteError, SuiteError, UsageError } from '../model/errors.js';
import { BISECT_VARIABLES } from '../model/hook-variables.js';
import type { Provenance } from '../model/history.js';
import { plural } from '../model/words.js';
import { bisectArms } from '../plan/bisect-arms.js';
import { checkHost } from '../plan/check-host.js';
import { planCases } from '../plan/plan-cases.js';
import { bisectHeadline, formatStepLine, renderBisectHtml, renderBisectMarkdown, shortCommit } from '../report/render-bisect.js';
import { formatDuration } from '../report/format.js';
import { resultsSink, writeFileAtomic } from '../report/write-reports.js';
import { type BisectEnd, type BisectRecord, type BisectStep, bisectSearch, stepMeasurement, stepsToNarrow } from '../run/bisect-search.js';
import { runPlan } from '../run/run-plan.js';
import { type CliIo, type Exit, untilStopped } from './io.js';
import { lockOut, stoppedWriting } from './out-dir.js';
import { seedOf, suiteOptions, type SuiteOptions } from './options.js';
import { readSuites } from './read-suites.js';

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

export interface BisectOptions extends SuiteOptions {
  readonly good: string;
  readonly bad: string;
  readonly out: string;
  readonly maxSteps: number;
  readonly seed: number;
  readonly version: string;
}

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
  const read = readSuites(files, { cwd: io.cwd, env: io.env, variables: options.var, maxCases: options.maxCases, hookVariables: BISECT_VARIABLES });
  const { arms, diagnostics, warnings } = bisectArms(read.suites, read.cases);
  const hostProblems = checkHost(arms.cases, read.suites, hostFacts());
  if (diagnostics.length > 0 || hostProblems.length > 0) throw new SuiteError([...diagnostics, ...hostProblems]);
  for (const warning of sortDiagnostics(warnings)) io.stderr(`${formatLocation(warning.loc)}: warning: ${warning.message}\n`);
  const repo = await repositoryOf(io.cwd);
  const [good, bad] = await Promise.all([resolveCommit(repo, options.good, '--good'), resolveCommit(repo, options.bad, '--bad')]);
  if (good === bad)
    throw new UsageError(`--good ${options.good} and --bad ${options.bad} are the same commit (${good}); give the last good commit and a later bad one`);
  if (!(await isAncestor(repo, good, bad)))
    throw new UsageError(
      `--good ${options.good} is not an ancestor of --bad ${options.bad}; bisect searches the commits from good to bad, so good must come first (swap them, or pick a good commit on bad's history)`,
    );
  const commits = await firstParentRange(repo, good, bad);
  const described = new Map((await describeCommits(repo, [good, ...commits])).map((c) => [c.commit, c]));
  const info = (commit: string): CommitInfo => described.get(commit) ?? { commit, subject: '', author: '' };
  const plan = { ...planCases(read.suites, arms.cases), suites: read.suites };
  const [netperf, provenance] = await Promise.all([
    netperfVersion(),
    describeProvenance(options.version, read.suites, plan.servers, { env: io.env, cwd: io.cwd }),
  ]);
  if (netperf === undefined) throw new PerfsuiteError(`netperf is not installed or not on PATH; install it with: ${netperfInstallHint()}`, ExitCode.unmeasured);
  const environment = describeEnvironment(options.version, netperf);
  // a step's results.json is the probe's: its commit, and no ref (the checkout's branch is not what was measured)
  const probeProvenance = (commit: string): Provenance => {
    const copy: { -readonly [K in keyof Provenance]: Provenance[K] } = { ...provenance, commit };
    delete copy.ref;
    return copy;
  };

  const leftOut = arms.leftOut === 0 ? '' : ` (${plural(arms.leftOut, 'case')} outside compare: groups left out)`;
  await io.stdout(
    `bisect: ${plural(commits.length, 'commit')} on the first-parent line after good ${shortCommit(good)} up to bad ${shortCommit(bad)}; about ${plural(stepsToNarrow(commits.length) + 1, 'A/B step')} of ${plural(plan.cases.length, 'case')}${leftOut}, seed ${options.seed}\n`,
  );
  const outDir = path.resolve(io.cwd, options.out);
  const lock = lockOut(outDir, options.out, io);
  // worktrees go in a directory of their own, removed whatever happens
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'perfsuite-bisect-'));
  const startedAt = new Date().toISOString();
  const steps: BisectRecord['steps'][number][] = [];
  const record = (state: BisectRecord['state'], end?: BisectEnd): BisectRecord => {
    const range = end === undefined || end.kind === 'found' || end.kind === 'not-worse' ? undefined : end.range;
    const firstBad = end?.kind === 'found' ? info(end.firstBad) : undefined;
    return {
      bisectVersion: 1,
      state,
      ...(end?.kind === 'undecided' ? { reason: end.reason } : {}),
      startedAt,
      ...(state === 'running' ? {} : { finishedAt: new Date().toISOString() }),
      suites: files,
      seed: options.seed,
      good,
      goodSubject: info(good).subject,
      bad,
      badSubject: info(bad).subject,
      commitsInRange: commits.length,
      ...(firstBad === undefined ? {} : { firstBad: firstBad.commit, firstBadSubject: firstBad.subject, firstBadAuthor: firstBad.author }),
      ...(range === undefined ? {} : { range: { good: range.good, bad: range.bad, commits: range.commits.map(info) } }),
      steps,
    };
  };
  const save = (state: BisectRecord['state'], end?: BisectEnd): BisectRecord => {
    const whole = record(state, end);
    mkdirSync(outDir, { recursive: true });
    writeFileAtomic(path.join(outDir, 'bisect.json'), `${JSON.stringify(whole, null, 2)}\n`);
    return whole;
  };
  const controller = new AbortController();
  const progress = bisectProgress(io);
  const worktrees = new Set<string>();
  const dropWorktree = async (dir: string): Promise<void> => {
    worktrees.delete(dir);
    const problem = await removeWorktree(repo, dir);
    if (problem !== undefined) progress.warn(`could not remove the worktree ${dir}: ${problem}`);
  };
  const makeWorktree = async (name: string, commit: string): Promise<string> => {
    const dir = path.join(scratch, name);
    worktrees.add(dir);
    await addWorktree(repo, dir, commit, controller.signal);
    return dir;
  };
  try {
    rmSync(path.join(outDir, 'steps'), { recursive: true, force: true });
    save('running');
    return await untilStopped(controller, async () => {
      let goodDir: string | undefined;
      const measure = async (commit: string, index: number) => {
        if (controller.signal.aborted) return 'interrupted' as const;
        const stepName = `${index + 1}-${shortCommit(commit)}`;
        let probeDir: string | undefined;
        try {
          goodDir ??= await makeWorktree('good', good);
          probeDir = await makeWorktree(`step-${stepName}`, commit);
          const worktreeOf = {
            control: { PERFSUITE_COMMIT: good, PERFSUITE_WORKTREE: goodDir },
            candidate: { PERFSUITE_COMMIT: commit, PERFSUITE_WORKTREE: probeDir },
          };
          const pool = createServerPool(plan.servers, {
            netperfVersion: netperf,
            signal: controller.signal,
            cwd: io.cwd,
            warn: progress.warn,
            hookVariables: (server) => {
              const role = arms.roles.get(`${server.suite}/${server.name}`);
              return role === undefined ? {} : worktreeOf[role];
            },
            env: io.env,
          });
          const outcome = await runPlan(plan, {
            executor: spawnNetperf,
            servers: pool,
            signal: controller.signal,
            now: () => performance.now(),
            seed: options.seed,
            judges: [],
            sink: resultsSink(path.join(outDir, 'steps', stepName)),
            header: {
              startedAt: new Date().toISOString(),
              environment,
              provenance: probeProvenance(commit),
              seed: options.seed,
            },
          });
          for (const warning of pool.teardownWarnings()) progress.warn(warning);
          if (outcome.sinkFailure !== undefined) throw stoppedWriting(outcome.sinkFailure, path.join(outDir, 'steps', stepName));
          if (outcome.result.state === 'interrupted') return 'interrupted' as const;
          return stepMeasurement(outcome.result);
        } catch (error) {
          if (controller.signal.aborted) return 'interrupted' as const;
          throw error;
        } finally {
          if (probeDir !== undefined) await dropWorktree(probeDir);
        }
      };
      let end: BisectEnd;
      try {
        const searched = await bisectSearch(good, commits, {
          measure,
          maxSteps: options.maxSteps,
          now: () => performance.now(),
          onStepStart: (index, commit, remaining) => progress.stepStarted(index, info(commit), remaining, plan.estimatedSeconds),
          onStep: async (step: BisectStep, index: number) => {
            const described = info(step.commit);
            const done = {
              ...step,
              subject: described.subject,
              author: described.author,
              results: path.join('steps', `${index + 1}-${shortCommit(step.commit)}`, 'results.json'),
            };
            steps.push(done);
            save('running');
            await progress.stepFinished(formatStepLine(done, index), step.seconds);
          },
        });
        end = searched.end;
      } catch (error) {
        save('crashed');
        throw error;
      } finally {
        progress.end();
        // the worktrees go before anything is printed: a second Ctrl-C must not leave them
        for (const dir of [...worktrees]) await dropWorktree(dir);
      }
      const final = save(end.kind, end);
      await io.stdout(`${closing(final)}\n`);
      publishMarkdown(final, outDir, io);
      return EXIT_CODES[end.kind];
    });
  } finally {
    for (const dir of [...worktrees]) await dropWorktree(dir);
    rmSync(scratch, { recursive: true, force: true });
    lock.release();
  }
}

/** Writes report.md and report.html, and on GitHub Actions appends report.md to the job summary. */
function publishMarkdown(record: BisectRecord, outDir: string, io: CliIo): void {
  const markdown = renderBisectMarkdown(record);
  writeFileAtomic(path.join(outDir, 'report.md'), markdown);
  writeFileAtomic(path.join(outDir, 'report.html'), renderBisectHtml(record));
  const summary = io.env['GITHUB_STEP_SUMMARY'];
  if (summary !== undefined && summary !== '') appendFileSync(summary, `${markdown}\n`);
}

/** The most commits of an undecided range the console lists. */
const MAX_LISTED = 20;

/** What the console says at the end: the culprit with its subject and author, or why there is none, and where the files are. */
function closing(record: BisectRecord): string {
  const { text } = bisectHeadline(record);
  const lines: string[] = [];
  if (record.firstBad !== undefined) {
    lines.push(`first bad commit: ${record.firstBad}`, `  ${record.firstBadSubject ?? ''}`, `  author: ${record.firstBadAuthor ?? ''}`);
  } else {
    lines.push(`bisect: ${text}`);
    // a long range (an interruption before the first step) is shown by its ends; bisect.json lists every commit
    const commits = record.range?.commits ?? [];
    const shown = commits.length <= MAX_LISTED ? commits : [...commits.slice(0, MAX_LISTED / 2), ...commits.slice(-MAX_LISTED / 2)];
    for (const [i, c] of shown.entries()) {
      if (i === MAX_LISTED / 2 && shown.length < commits.length) lines.push(`  … ${commits.length - shown.length} more (bisect.json lists every one)`);
      lines.push(`  ${c.commit}  ${c.subject}`);
    }
  }
  const seconds = record.steps.reduce((sum, step) => sum + step.seconds, 0);
  lines.push(`${plural(record.steps.length, 'step')} in ${formatDuration(seconds)}; wrote bisect.json, report.md and report.html`);
  return lines.join('\n');
}

/** Step lines on stdout; on a terminal (not CI) a progress line with the steps and time still to come. */
function bisectProgress(io: CliIo) {
  const showProgress = io.isTTY && io.env['CI'] === undefined;
  const clear = showProgress ? '\r\x1b[K' : '';
  const seconds: number[] = [];
  return {
    warn: (message: string): void => io.stderr(`${clear}perfsuite: warning: ${message}\n`),
    stepStarted: (index: number, commit: CommitInfo, remaining: number, estimatedSeconds: number): void => {
      if (!showProgress) return;
      const perStep = seconds.length === 0 ? estimatedSeconds : seconds.reduce((a, b) => a + b, 0) / seconds.length;
      io.stderr(
        `${clear}step ${index + 1}: ${shortCommit(commit.commit)} ${commit.subject}  (about ${plural(remaining, 'step')} after this one, eta ${formatDuration(perStep * (remaining + 1))})`,
      );
    },
    stepFinished: async (line: string, stepSeconds: number): Promise<void> => {
      seconds.push(stepSeconds);
      if (showProgress) io.stderr(clear);
      await io.stdout(`${line}\n`);
    },
    end: (): void => {
      if (showProgress) io.stderr(clear);
    },
  };
}
