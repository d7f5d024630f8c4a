/**
 * Everything `perfsuite bisect` knows before it starts anything: the suites read and checked for bisect, good and bad
 * resolved, the first-parent range between them with each commit's subject and author, the plan, the netperf version,
 * the environment and the provenance each step's results.json records. Nothing is started, written or locked here.
 */
import { describeEnvironment, describeProvenance, hostFacts, netperfInstallHint, netperfVersion } from '../exec/environment.js';
import { type CommitInfo, describeCommits, firstParentRange, isAncestor, repositoryOf, resolveCommit } from '../exec/git-worktree.js';
import { formatLocation, sortDiagnostics } from '../model/diagnostics.js';
import { ExitCode, PerfsuiteError, SuiteError, UsageError } from '../model/errors.js';
import { BISECT_VARIABLES } from '../model/hook-variables.js';
import type { Provenance } from '../model/history.js';
import type { Environment } from '../model/results.js';
import type { SuiteSpec } from '../model/suite-types.js';
import { type BisectArms, bisectArms } from '../plan/bisect-arms.js';
import { checkHost } from '../plan/check-host.js';
import { type Plan, planCases } from '../plan/plan-cases.js';
import type { CliIo } from './io.js';
import type { SuiteOptions } from './options.js';
import { readSuites } from './read-suites.js';

/** What `perfsuite bisect` was asked to do. */
export interface BisectOptions extends SuiteOptions {
  readonly good: string;
  readonly bad: string;
  readonly out: string;
  readonly maxSteps: number;
  readonly seed: number;
  readonly version: string;
}

/** A bisect ready to start: what `prepareBisect` found. */
export interface BisectSetup {
  readonly repo: string;
  readonly good: string;
  readonly bad: string;
  /** The first-parent line after good up to bad, oldest first. */
  readonly commits: readonly string[];
  /** A commit's subject and author (empty when git could not say). */
  readonly info: (commit: string) => CommitInfo;
  /** The cases a step measures and each server's role. */
  readonly arms: BisectArms;
  readonly plan: Plan & { readonly suites: readonly SuiteSpec[] };
  readonly netperf: string;
  readonly environment: Environment;
  /** The provenance of a step's results.json: the probe's. */
  readonly probeProvenance: (commit: string) => Provenance;
}

/** Reads and checks the suites and the revisions; throws a SuiteError, UsageError or PerfsuiteError on what would stop a bisect. */
export async function prepareBisect(files: readonly string[], options: BisectOptions, io: CliIo): Promise<BisectSetup> {
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
    const { ref, ...rest } = provenance;
    return { ...rest, commit };
  };
  return { repo, good, bad, commits, info, arms, plan, netperf, environment, probeProvenance };
}
